"""Every IAM document of the synthesized platform, resolved: per role its trust policy, inline
and managed policies and permissions boundary; per resource its resource policy.

This is what AWS evaluates for a request, so the runtime-flow tests and the size guard read
policies from here rather than from the templates' raw JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..naming import partition_for
from .aws_managed_policies import AWS_MANAGED_POLICIES
from .cloud_assembly import CloudAssembly, StackInstance
from .resolver import NO_VALUE, Resolver, UnresolvableError

Document = Mapping[str, Any]

# Resource types whose instances are all created by the stacks (not at run time), and the
# attribute that gives their ARN: a flow on such a service must name one of them.
CREATED_KINDS: dict[str, str] = {
    "AWS::S3::Bucket": "Arn",
    "AWS::KMS::Key": "Arn",
    "AWS::SNS::Topic": "Ref",
    "AWS::SQS::Queue": "Arn",
    "AWS::IAM::Role": "Arn",
    "AWS::Lambda::Function": "Arn",
    "AWS::ECR::Repository": "Arn",
    "AWS::Oam::Sink": "Arn",
    "AWS::StepFunctions::StateMachine": "Ref",
    "AWS::DynamoDB::Table": "Arn",
    "AWS::Kinesis::Stream": "Arn",
}
CREATED_SERVICES = {"s3", "kms", "sns", "sqs", "iam", "lambda", "ecr", "oam", "states", "dynamodb", "kinesis"}


@dataclass(frozen=True)
class NamedDocument:
    """A policy document with where it comes from (for messages and the size guard)."""

    name: str  # policy name or ARN
    kind: str  # managed | inline | trust | boundary | resource
    document: Document
    stack: StackInstance
    logical_id: str

    @property
    def construct_path(self) -> str:
        return self.stack.path_of(self.logical_id) if self.logical_id in self.stack.resources else self.name


@dataclass
class RoleDocuments:
    arn: str
    name: str
    account: str
    stack: StackInstance
    logical_id: str
    trust: NamedDocument
    inline: list[NamedDocument] = field(default_factory=list)
    managed: list[NamedDocument] = field(default_factory=list)
    boundary: NamedDocument | None = None

    @property
    def construct_path(self) -> str:
        return self.stack.path_of(self.logical_id)

    @property
    def identity_policies(self) -> list[NamedDocument]:
        return [*self.inline, *self.managed]


class IamDocuments:
    """The IAM documents of every stack of ``assembly``."""

    def __init__(
        self, assembly: CloudAssembly, resolver: Resolver | None = None, *, honour_conditions: bool = False
    ) -> None:
        """``honour_conditions``: leave out resources whose CloudFormation condition is false (the
        deploy rehearsal); off, every resource counts (the size guard measures the worst case)."""
        self.assembly = assembly
        self.resolver = resolver or Resolver(assembly)
        self.honour_conditions = honour_conditions

    def _resources(self, stack: StackInstance) -> list[tuple[str, Mapping[str, Any]]]:
        return [
            (logical_id, resource)
            for logical_id, resource in stack.resources.items()
            if not self.honour_conditions or self.resolver.is_created(stack, logical_id)
        ]

    # -- roles ----------------------------------------------------------------------------
    @cached_property
    def roles(self) -> dict[str, RoleDocuments]:
        """Role ARN -> its documents."""
        roles: dict[str, RoleDocuments] = {}
        by_name: dict[tuple[str, str], RoleDocuments] = {}
        r = self.resolver
        for stack in self.assembly.stacks:
            for logical_id, resource in self._resources(stack):
                if resource["Type"] != "AWS::IAM::Role":
                    continue
                props = resource["Properties"]
                arn = r.get_att(stack, logical_id, "Arn")
                name = r.ref(stack, logical_id)
                trust = r.resolve(stack, props["AssumeRolePolicyDocument"])
                role = RoleDocuments(
                    arn, name, stack.account, stack, logical_id, NamedDocument(name, "trust", trust, stack, logical_id)
                )
                for inline in props.get("Policies", []):
                    role.inline.append(
                        NamedDocument(
                            inline["PolicyName"],
                            "inline",
                            r.resolve(stack, inline["PolicyDocument"]),
                            stack,
                            logical_id,
                        )
                    )
                for policy_arn in r.resolve(stack, props.get("ManagedPolicyArns", [])):
                    role.managed.append(self._managed(policy_arn, stack, logical_id))
                boundary_arn = r.resolve(stack, props.get("PermissionsBoundary", NO_VALUE))
                if boundary_arn is not NO_VALUE:  # CDK's bootstrap sets it only when asked
                    boundary = self._managed(boundary_arn, stack, logical_id)
                    role.boundary = NamedDocument(
                        boundary.name, "boundary", boundary.document, boundary.stack, boundary.logical_id
                    )
                roles[arn] = role
                by_name[(stack.account, name)] = role
        for stack in self.assembly.stacks:  # policies that name their roles
            for logical_id, resource in self._resources(stack):
                props = resource.get("Properties", {})
                if resource["Type"] == "AWS::IAM::Policy":
                    document = NamedDocument(
                        r.resolve_text(stack, props["PolicyName"]),
                        "inline",
                        r.resolve(stack, props["PolicyDocument"]),
                        stack,
                        logical_id,
                    )
                    for role_name in r.resolve(stack, props.get("Roles", [])):
                        _role(by_name, stack, role_name).inline.append(document)
                elif resource["Type"] == "AWS::IAM::ManagedPolicy":
                    for role_name in r.resolve(stack, props.get("Roles", [])):
                        policy = self._managed(r.ref(stack, logical_id), stack, logical_id)
                        _role(by_name, stack, role_name).managed.append(policy)
        return roles

    def role(self, arn: str) -> RoleDocuments:
        try:
            return self.roles[arn]
        except KeyError:
            raise UnresolvableError(f"no stack creates the role {arn}") from None

    @cached_property
    def managed_policies(self) -> dict[str, NamedDocument]:
        """Customer managed policy ARN -> document."""
        found: dict[str, NamedDocument] = {}
        for stack in self.assembly.stacks:
            for logical_id, resource in self._resources(stack):
                if resource["Type"] == "AWS::IAM::ManagedPolicy":
                    arn = self.resolver.ref(stack, logical_id)
                    document = self.resolver.resolve(stack, resource["Properties"]["PolicyDocument"])
                    found[arn] = NamedDocument(arn, "managed", document, stack, logical_id)
        return found

    def _managed(self, arn: str, stack: StackInstance, logical_id: str) -> NamedDocument:
        if arn in self.managed_policies:
            return self.managed_policies[arn]
        aws_name = arn.split(":policy/", 1)[-1] if ":iam::aws:policy/" in arn else None
        if aws_name in AWS_MANAGED_POLICIES:
            return NamedDocument(arn, "managed", AWS_MANAGED_POLICIES[aws_name], stack, logical_id)
        where = stack.path_of(logical_id)
        raise UnresolvableError(f"{where}: managed policy {arn} is created by no stack and not known")

    # -- resource policies ----------------------------------------------------------------
    @cached_property
    def resource_policies(self) -> dict[str, NamedDocument]:
        """Resource key (see ``resource_key``) -> its resource policy."""
        found: dict[str, NamedDocument] = {}
        for stack in self.assembly.stacks:
            for logical_id, resource in self._resources(stack):
                for key, document in self._policies_of(stack, logical_id, resource):
                    if key in found:  # e.g. several EventBusPolicy statements on one bus
                        statements = [*_statements(found[key].document), *_statements(document)]
                        document = {"Version": "2012-10-17", "Statement": statements}
                    found[key] = NamedDocument(key, "resource", document, stack, logical_id)
        return found

    def _policies_of(
        self, stack: StackInstance, logical_id: str, resource: Mapping[str, Any]
    ) -> Iterable[tuple[str, Document]]:
        r, props, kind = self.resolver, resource.get("Properties", {}), resource["Type"]
        if kind == "AWS::S3::BucketPolicy":
            yield f"s3:{r.resolve_text(stack, props['Bucket'])}", r.resolve(stack, props["PolicyDocument"])
        elif kind == "AWS::KMS::Key":
            yield r.get_att(stack, logical_id, "Arn"), r.resolve(stack, props["KeyPolicy"])
        elif kind == "AWS::SNS::TopicPolicy":
            for topic in r.resolve(stack, props["Topics"]):
                yield topic, r.resolve(stack, props["PolicyDocument"])
        elif kind == "AWS::SQS::QueuePolicy":
            for url in r.resolve(stack, props["Queues"]):
                yield _queue_arn(url, stack.region), r.resolve(stack, props["PolicyDocument"])
        elif kind == "AWS::Events::EventBusPolicy":
            bus = r.resolve_text(stack, props.get("EventBusName", "default"))
            arn = bus if bus.startswith("arn:") else _arn(stack, "events", f"event-bus/{bus}")
            statement = r.resolve(stack, props["Statement"])
            yield arn, {"Version": "2012-10-17", "Statement": [{"Sid": props.get("StatementId"), **statement}]}
        elif kind == "AWS::ECR::Repository" and "RepositoryPolicyText" in props:
            yield r.get_att(stack, logical_id, "Arn"), r.resolve(stack, props["RepositoryPolicyText"])
        elif kind == "AWS::SageMaker::ModelPackageGroup" and "ModelPackageGroupPolicy" in props:
            yield r.ref(stack, logical_id), r.resolve(stack, props["ModelPackageGroupPolicy"])
        elif kind == "AWS::IAM::Role":
            yield r.get_att(stack, logical_id, "Arn"), r.resolve(stack, props["AssumeRolePolicyDocument"])
        elif kind == "AWS::RAM::ResourceShare":
            # A RAM share of SSM parameters acts as their resource policy for the sharing
            # accounts (AWSRAMDefaultPermissionSSMParameterReadOnly).
            root = f"arn:{partition_for(stack.region)}:iam::{{}}:root"
            accounts = [root.format(a) for a in r.resolve(stack, props.get("Principals", []))]
            for shared in r.resolve(stack, props.get("ResourceArns", [])):
                if ":ssm:" in shared and accounts:
                    statement = {
                        "Effect": "Allow",
                        "Principal": {"AWS": accounts},
                        "Action": ["ssm:GetParameter", "ssm:GetParameters", "ssm:DescribeParameters"],
                        "Resource": shared,
                    }
                    yield shared, {"Version": "2012-10-17", "Statement": [statement]}
        elif kind == "AWS::Oam::Sink" and "Policy" in props:
            yield r.get_att(stack, logical_id, "Arn"), r.resolve(stack, props["Policy"])
        elif kind == "AWS::Lambda::Permission":
            yield from self._lambda_permission(stack, logical_id, props)

    def _lambda_permission(
        self, stack: StackInstance, logical_id: str, props: Mapping[str, Any]
    ) -> Iterable[tuple[str, Document]]:
        r = self.resolver
        function = r.resolve_text(stack, props["FunctionName"])
        if not function.startswith("arn:"):
            function = _arn(stack, "lambda", f"function:{function}")
        principal = r.resolve_text(stack, props["Principal"])
        conditions: dict[str, dict[str, str]] = {}
        if "SourceArn" in props:
            conditions["ArnLike"] = {"aws:SourceArn": r.resolve_text(stack, props["SourceArn"])}
        if "SourceAccount" in props:
            conditions["StringEquals"] = {"aws:SourceAccount": r.resolve_text(stack, props["SourceAccount"])}
        who = {"Service": principal} if principal.endswith(".amazonaws.com") else {"AWS": principal}
        statement: dict[str, Any] = {
            "Sid": logical_id,
            "Effect": "Allow",
            "Principal": who,
            "Action": r.resolve_text(stack, props["Action"]),
            "Resource": function,
        }
        if conditions:
            statement["Condition"] = conditions
        yield function, {"Version": "2012-10-17", "Statement": [statement]}

    def resource_policy(self, resource_arn: str) -> NamedDocument | None:
        return self.resource_policies.get(resource_key(resource_arn))

    # -- what exists ------------------------------------------------------------------------
    @cached_property
    def created_resources(self) -> set[str]:
        """Resource keys (see ``resource_key``) of every resource of ``CREATED_KINDS``."""
        found: set[str] = set()
        for stack in self.assembly.stacks:
            for logical_id, resource in self._resources(stack):
                attribute = CREATED_KINDS.get(resource["Type"])
                if attribute == "Ref":
                    found.add(resource_key(self.resolver.ref(stack, logical_id)))
                elif attribute is not None:
                    found.add(resource_key(self.resolver.get_att(stack, logical_id, attribute)))
        return found

    @property
    def created_resource_services(self) -> set[str]:
        """Services whose resources in flows must be ones the stacks create."""
        return CREATED_SERVICES

    @cached_property
    def bucket_accounts(self) -> dict[str, str]:
        """Bucket name -> the account whose stack creates it."""
        return {
            self.resolver.ref(stack, logical_id): stack.account
            for stack in self.assembly.stacks
            for logical_id, resource in stack.resources.items()
            if resource["Type"] == "AWS::S3::Bucket"
        }


def resource_key(arn: str) -> str:
    """The key of the resource policy that governs ``arn``: a bucket for its objects, a model
    package group for its versioned packages, the function for its qualified ARNs."""
    if arn.startswith("arn:") and ":s3:::" in arn:
        return "s3:" + arn.split(":::", 1)[1].split("/", 1)[0]
    parts = arn.split(":")
    if len(parts) > 5 and parts[2] == "sagemaker" and parts[5].startswith("model-package/"):
        group = parts[5].split("/")[1]
        return ":".join([*parts[:5], f"model-package-group/{group}"])
    if len(parts) > 7 and parts[2] == "lambda":  # function:name:qualifier
        return ":".join(parts[:7])
    return arn


def _role(by_name: Mapping[tuple[str, str], RoleDocuments], stack: StackInstance, name: str) -> RoleDocuments:
    try:
        return by_name[(stack.account, name)]
    except KeyError:
        message = f"{stack.stack_name}: a policy is attached to role {name}, which no stack creates"
        raise UnresolvableError(message) from None


def _arn(stack: StackInstance, service: str, resource: str) -> str:
    """The ARN of a resource ``stack`` names by name only (a bus, a function)."""
    return f"arn:{partition_for(stack.region)}:{service}:{stack.region}:{stack.account}:{resource}"


def _queue_arn(url: str, region: str) -> str:
    account, name = url.rstrip("/").split("/")[-2:]
    return f"arn:{partition_for(region)}:sqs:{region}:{account}:{name}"


def _statements(document: Document) -> list[Any]:
    statements = document.get("Statement", [])
    return list(statements) if isinstance(statements, list) else [statements]
