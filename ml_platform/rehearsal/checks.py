"""The checks of one stack at its point of the deploy (issue #18).

For a stack and what was deployed before it (``sequence.Deployment``):

- **parameters**: an SSM-typed parameter names a parameter that bootstrap or an earlier stack
  creates (in another account: shared with this one by an earlier RAM share), and the role
  that deploys the stack may read it (a ``ReadRequest`` for the IAM engine, see ``run``);
  any other parameter has a value or a default;
- **outputs**: every ``Fn::GetStackOutput`` and ``Fn::ImportValue`` names an output of an
  earlier stack;
- **names**: every role a resource policy names as principal, and every key, role, sink or
  model package that a property hands to a service, is created before with exactly that
  name (AWS validates these when the resource is created); any other platform ARN a property
  embeds (a state machine's targets, an event target) is created by some stack of the
  platform, earlier or later, because it is used only at run time;
- **runtime artefacts**: no created resource needs a model package version, an image in a
  platform repository or a model artefact, unless the rehearsal put it there (a release);
- **service rules**: no created resource breaks a rule AWS applies on create that the
  resource schemas do not express (``service_rules``).

Resources whose CloudFormation condition is false are not created and not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..assembly.cloud_assembly import StackInstance
from ..assembly.resolver import Resolver, UnresolvableError
from .findings import Finding, LinkKind
from .sequence import Deployment
from .service_rules import rejections
from .world import World

SSM_TYPE = "AWS::SSM::Parameter::Value<"
# Properties whose ARN the service checks when it creates the resource: a key it encrypts with,
# a role it is passed, a sink it links to, a package it deploys.
DEPLOY_TIME_KEYS = re.compile(r"(KeyId|KeyArn|KMSMasterKeyID|MasterKeyId|Identifier|RoleArn|Role|ModelPackageName)$")
# Where an image must exist when the resource is created (SageMaker checks it on CreateModel).
IMAGE_KEYS = {"Image", "ImageUri", "BaseImage"}
IMAGE = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/([^:@]+)(?:[:@](.+))?$")
# Where a model artefact must exist when the resource is created (SageMaker downloads it when
# the endpoint starts); a multi-model prefix ("/" at the end) may be empty.
MODEL_DATA = {("AWS::SageMaker::Model", "ModelDataUrl")}


@dataclass(frozen=True)
class ReadRequest:
    """The deploying role must be allowed ``ssm:GetParameters`` on ``parameter_arn``."""

    where: str
    parameter: str
    parameter_arn: str
    reader: str  # role ARN


@dataclass(frozen=True)
class StackResult:
    """What the rehearsal found at one point: a stack deployed or updated, or a release's calls."""

    step: str  # the README step or release
    where: str  # "<stage>/<stack>", or what acts
    account: str
    findings: tuple[Finding, ...]
    reads: tuple[ReadRequest, ...] = ()


def check(deployment: Deployment, world: World, reader: str, artefacts: frozenset[str] = frozenset()) -> StackResult:
    """Every check of ``deployment`` except the IAM engine's (its ``reads``)."""
    checker = _Checker(deployment, world, reader, artefacts)
    findings = [*checker.parameters(), *checker.outputs(), *checker.names()]
    stack = deployment.stack
    return StackResult(deployment.step, deployment.label, stack.account, tuple(findings), tuple(checker.reads))


class _Checker:
    def __init__(self, deployment: Deployment, world: World, reader: str, artefacts: frozenset[str]) -> None:
        self.d, self.world, self.reader, self.artefacts = deployment, world, reader, artefacts
        self.stack = deployment.stack
        self.before = {s.key for s in deployment.before}
        self.reads: list[ReadRequest] = []

    @property
    def r(self) -> Resolver:
        return self.world.resolver

    def finding(self, kind: LinkKind, message: str) -> Finding:
        return Finding(self.d.label, kind, message)

    def made_by(self, stack: StackInstance | None) -> str:
        """Which step makes it, for a thing missing before this stack."""
        if stack is None:
            return "no stack of the platform or the bootstrap creates it"
        if stack.key == self.stack.key:
            return "this stack creates it itself, too late to resolve"
        return f"{stack.key} creates it, but is not deployed before this stack"

    # -- parameters -------------------------------------------------------------------------
    def parameters(self) -> Iterator[Finding]:
        stack = self.stack
        for name, spec in stack.template.get("Parameters", {}).items():
            kind = str(spec.get("Type", "String"))
            value = stack.parameter_values.get(name, spec.get("Default"))
            if value is None:
                yield self.finding(LinkKind.MISSING_PARAMETER, f"parameter {name} has no value and no default")
            elif kind.startswith(SSM_TYPE):
                yield from self.ssm_parameter(name, str(value))

    def ssm_parameter(self, name: str, reference: str) -> Iterator[Finding]:
        stack = self.stack
        arn = self.world.parameter_arn(stack, reference)
        owner = arn.split(":")[4]
        creator = self.world.parameter_creator(arn)
        if creator is None or creator.key not in self.before:
            message = f"parameter {name} reads SSM parameter {reference}: {self.made_by(creator)}"
            yield self.finding(LinkKind.MISSING_PARAMETER, message)
            return
        if owner != stack.account:
            # "To share a parameter, it must be in the advanced parameter tier" (Systems Manager
            # User Guide: https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-shared-parameters.html).
            if self.world.parameter_tier(arn) != "Advanced":
                message = (
                    f"parameter {name} reads {reference} of account {owner}: only an advanced parameter can be shared"
                )
                yield self.finding(LinkKind.UNREADABLE_PARAMETER, message)
                return
            share = self.world.parameter_share(arn, stack.account)
            if share is None or share.key not in self.before:
                how = "no RAM share gives it to this account" if share is None else self.made_by(share)
                yield self.finding(
                    LinkKind.UNREADABLE_PARAMETER, f"parameter {name} reads {reference} of account {owner}: {how}"
                )
                return
        self.reads.append(ReadRequest(self.d.label, name, arn, self.reader))

    # -- outputs ----------------------------------------------------------------------------
    def outputs(self) -> Iterator[Finding]:
        for function, argument in _cross_stack_references(self.stack.template):
            try:
                if function == "Fn::GetStackOutput":
                    source_name = self.r.resolve_text(self.stack, argument["StackName"])
                    output = self.r.resolve_text(self.stack, argument["OutputName"])
                    source = self.world.stack_named(source_name, self.stack.account)
                    what = f"Fn::GetStackOutput {source_name}.{output}"
                    if source is not None and output not in source.template.get("Outputs", {}):
                        yield self.finding(LinkKind.MISSING_OUTPUT, f"{what}: {source_name} has no such output")
                        continue
                else:
                    export = self.r.resolve_text(self.stack, argument)
                    source = self.world.exporter(export, self.stack.account)
                    what = f"Fn::ImportValue {export}"
            except UnresolvableError as err:
                yield self.finding(LinkKind.MISSING_OUTPUT, str(err))
                continue
            if source is None or source.key not in self.before:
                yield self.finding(LinkKind.MISSING_OUTPUT, f"{what}: {self.made_by(source)}")

    # -- names and runtime artefacts -----------------------------------------------------------
    def names(self) -> Iterator[Finding]:
        stack = self.stack
        seen: set[str] = set()
        for logical_id, resource in stack.resources.items():
            try:
                if not self.r.is_created(stack, logical_id):
                    continue
                props = self.r.resolve(stack, resource.get("Properties", {}))
            except UnresolvableError:
                continue  # the parameter or output it needs is reported above
            where = f"{logical_id} ({resource['Type']})"
            for reason in rejections(resource["Type"], props):
                yield self.finding(LinkKind.REJECTED, f"{where}: {reason}")
            for key, value, deploy_time in _references(props, resource["Type"]):
                finding = self.reference(where, resource["Type"], key, value, deploy_time)
                if finding is not None and finding.message not in seen:
                    seen.add(finding.message)
                    yield finding

    def reference(self, where: str, kind: str, key: str, value: str, deploy_time: bool) -> Finding | None:
        world, stack = self.world, self.stack
        image = IMAGE.match(value)
        if image is not None:
            account, region, repository, _ = image.groups()
            if account not in world.platform_accounts:
                return None  # AWS's images (Model Monitor, Clarify, the built-in algorithms)
            arn = f"arn:{world.partition}:ecr:{region}:{account}:repository/{repository}"
            creator = world.creator(arn)
            if creator is None or (creator.key not in self.before and creator.key != stack.key):
                return self.finding(LinkKind.DANGLING_NAME, f"{where}: image {value}: {self.made_by(creator)}")
            if key in IMAGE_KEYS and value not in self.artefacts:
                message = f"{where}: needs image {value}, which only a build pushes (a runtime artefact)"
                return self.finding(LinkKind.RUNTIME_ARTEFACT, message)
            return None
        if (kind, key) in MODEL_DATA and value.startswith("s3://") and not value.endswith("/"):
            if value not in self.artefacts:
                message = f"{where}: needs model artefact {value}, which only a training run writes"
                return self.finding(LinkKind.RUNTIME_ARTEFACT, message)
            return None
        if not value.startswith("arn:") or "*" in value or "?" in value:
            return None
        parts = value.split(":")
        if len(parts) < 6 or parts[4] not in world.platform_accounts:
            return None
        if parts[2] == "sagemaker" and parts[5].startswith("model-package/"):
            if deploy_time and value not in self.artefacts:
                message = (
                    f"{where}: needs model package {value}, which exists only after a pipeline run and an approval"
                )
                return self.finding(LinkKind.RUNTIME_ARTEFACT, message)
            return None
        if not world.is_checked(value):
            return None
        creator = world.creator(value)
        if creator is None:
            return self.finding(LinkKind.DANGLING_NAME, f"{where}: {key} names {value}: {self.made_by(None)}")
        if deploy_time and creator.key not in self.before and creator.key != stack.key:
            message = f"{where}: {key} names {value}, which AWS checks on create: {self.made_by(creator)}"
            return self.finding(LinkKind.DANGLING_NAME, message)
        return None


def _cross_stack_references(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("Fn::GetStackOutput", "Fn::ImportValue"):
                yield key, item
            else:
                yield from _cross_stack_references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _cross_stack_references(item)


def _references(props: Mapping[str, Any], kind: str) -> Iterator[tuple[str, str, bool]]:
    """(property key, value, checked on create) of every name a resource's resolved
    properties hold: principals of its policy statements and the strings elsewhere (not the
    Action/Resource/Condition of a statement, which may name anything, nor tags)."""

    def walk(value: Any, key: str) -> Iterator[tuple[str, str, bool]]:
        if isinstance(value, dict):
            if "Effect" in value and ("Action" in value or "NotAction" in value):
                principal = value.get("Principal", {})
                aws = principal.get("AWS", []) if isinstance(principal, dict) else []
                for arn in aws if isinstance(aws, list) else [aws]:
                    if isinstance(arn, str) and ":role/" in arn:
                        yield "Principal", arn, True  # IAM rejects a policy naming a missing role
                return
            for child, item in value.items():
                if child != "Tags":
                    yield from walk(item, child)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item, key)
        elif isinstance(value, str):
            yield key, value, bool(DEPLOY_TIME_KEYS.search(key))

    yield from walk(props, kind)
