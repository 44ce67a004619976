"""Everything the deploy creates, indexed by name: which stack makes each resource, SSM
parameter, RAM share and export. The checks ask it who makes a thing, and compare that stack
with what is deployed before the stack under check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from ..assembly.cloud_assembly import CloudAssembly, StackInstance
from ..assembly.physical_ids import KINDS
from ..assembly.resolver import Resolver, UnresolvableError
from ..naming import partition_for

# Resource types whose every instance a stack creates: a platform ARN of one of these must
# name a resource some stack creates (service, resource-type prefix of the ARN's last part).
CHECKED: tuple[tuple[str, str], ...] = (
    ("iam", "role/"),
    ("kms", "key/"),
    ("kms", "alias/"),
    ("sns", ""),
    ("sqs", ""),
    ("events", "event-bus/"),
    ("oam", "sink/"),
    ("ecr", "repository/"),
    ("sagemaker", "model-package-group/"),
    ("lambda", "function:"),
    ("states", "stateMachine:"),
    ("ssm", "parameter/"),
    ("dynamodb", "table/"),
    ("kinesis", "stream/"),
)


def _normal(arn: str) -> str:
    """SageMaker writes names lowercased in ARNs; a function ARN may carry a qualifier."""
    parts = arn.split(":")
    if len(parts) > 5 and parts[2] == "sagemaker":
        return arn.lower()
    if len(parts) > 7 and parts[2] == "lambda":
        return ":".join(parts[:7])
    return arn


def ssm_arn(partition: str, stack: StackInstance, name: str) -> str:
    """A parameter's ARN: a name with a path keeps its leading slash after ``parameter``."""
    return f"arn:{partition}:ssm:{stack.region}:{stack.account}:parameter{'' if name.startswith('/') else '/'}{name}"


@dataclass
class World:
    """``assembly``: the bootstrap stacks and every stack of the app, as the rehearsal sees
    them (release values included)."""

    assembly: CloudAssembly
    platform_accounts: frozenset[str]
    organization_id: str | None = None
    resolver: Resolver = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.resolver = Resolver(self.assembly)

    @property
    def partition(self) -> str:
        return partition_for(self.assembly.stacks[0].region)

    # -- stacks and exports -------------------------------------------------------------------
    def stack_named(self, name: str, account: str) -> StackInstance | None:
        try:
            return self.assembly.by_name(name, account=account)
        except KeyError:
            return None

    def exporter(self, export: str, account: str) -> StackInstance | None:
        for stack in self.assembly.in_account(account):
            for output in stack.template.get("Outputs", {}).values():
                name = output.get("Export", {}).get("Name")
                if name is not None and self.resolver.resolve(stack, name) == export:
                    return stack
        return None

    # -- SSM parameters and their shares ----------------------------------------------------------
    def parameter_arn(self, stack: StackInstance, reference: str) -> str:
        if reference.startswith("arn:"):
            return reference
        return ssm_arn(self.partition, stack, reference)

    def parameter_creator(self, arn: str) -> StackInstance | None:
        return self._created.get(arn)

    def parameter_tier(self, arn: str) -> str:
        """The tier of the SSM parameter ``arn`` (``Standard`` unless its resource says otherwise)."""
        stack = self.parameter_creator(arn)
        if stack is None:
            return "Standard"
        for logical_id, resource in stack.resources.items():
            if resource["Type"] == "AWS::SSM::Parameter" and arn in self._arns(stack, logical_id, resource["Type"]):
                return str(self.resolver.resolve(stack, resource["Properties"].get("Tier", "Standard")))
        return "Standard"

    def parameter_share(self, arn: str, account: str) -> StackInstance | None:
        """The stack whose RAM share gives ``arn`` to ``account`` (or to the organisation)."""
        for stack, arns, principals in self._shares:
            organisation = any(p.startswith("arn:") and ":organization/" in p for p in principals)
            if arn in arns and (account in principals or organisation):
                return stack
        return None

    @cached_property
    def _shares(self) -> list[tuple[StackInstance, list[str], list[str]]]:
        found = []
        for stack in self.assembly.stacks:
            for logical_id, resource in stack.resources.items():
                if resource["Type"] == "AWS::RAM::ResourceShare" and self.resolver.is_created(stack, logical_id):
                    props = resource.get("Properties", {})
                    arns = [str(a) for a in self.resolver.resolve(stack, props.get("ResourceArns", []))]
                    principals = [str(p) for p in self.resolver.resolve(stack, props.get("Principals", []))]
                    found.append((stack, arns, principals))
        return found

    # -- resources ------------------------------------------------------------------------------
    def creator(self, arn: str) -> StackInstance | None:
        return self._created.get(_normal(arn))

    def is_checked(self, arn: str) -> bool:
        parts = arn.split(":", 5)
        return any(parts[2] == service and parts[5].startswith(prefix) for service, prefix in CHECKED)

    @cached_property
    def _created(self) -> dict[str, StackInstance]:
        """ARN of every resource a stack creates (its ``Ref`` and every ARN attribute) -> that stack."""
        found: dict[str, StackInstance] = {}
        for stack in self.assembly.stacks:
            for logical_id, resource in stack.resources.items():
                for arn in self._arns(stack, logical_id, resource["Type"]):
                    found.setdefault(_normal(arn), stack)
        return found

    def _arns(self, stack: StackInstance, logical_id: str, kind_name: str) -> Sequence[str]:
        kind = KINDS.get(kind_name)
        if kind is None:
            return ()
        r = self.resolver
        try:
            if not r.is_created(stack, logical_id):
                return ()
            values = [r.ref(stack, logical_id), *(r.get_att(stack, logical_id, a) for a in kind.attrs)]
        except UnresolvableError:
            return ()
        arns = [v for v in values if isinstance(v, str) and v.startswith("arn:")]
        if kind_name == "AWS::KMS::Alias":
            arns.append(f"arn:{self.partition}:kms:{stack.region}:{stack.account}:{values[0]}")
        elif kind_name == "AWS::SSM::Parameter":
            arns.append(ssm_arn(self.partition, stack, str(values[0])))
        elif kind_name == "AWS::ECR::Repository":
            name = str(values[0])
            arns.append(f"arn:{self.partition}:ecr:{stack.region}:{stack.account}:repository/{name}")
        return arns
