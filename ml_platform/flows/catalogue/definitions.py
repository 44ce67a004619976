"""What the release and pipelines flows are derived from (issue #17): the resolved definitions of
the synthesized state machines and SageMaker pipelines, and the resources their parameters name
(keys by ARN or alias, buckets' and topics' keys, image repositories, stacks and the role
CloudFormation updates them with).

A value the flows cannot derive raises ``FlowError`` naming it, so a new step or state is never
silently left without flows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ...assembly.cloud_assembly import StackInstance
from ...naming import partition_for
from ..model import ContextValue, Flow
from ..platform import Platform
from ..simulate import FlowError

EXECUTION_ID = "k3v9qp2lm7xa"  # a pipeline execution ID as SageMaker makes them (12 characters)
JOB_SUFFIX = "Xk3v9Qp2Lm"  # the random suffix SageMaker Pipelines appends to job names


@dataclass(frozen=True)
class Definition:
    """A state machine or pipeline definition as deployed: resolved, parsed JSON."""

    stack: StackInstance
    path: str  # construct path
    name: str
    role_arn: str  # the state machine's or pipeline's own role
    body: Mapping[str, Any]


def _definitions(platform: Platform, stage: str, kind: str, name: str, body: tuple[str, ...]) -> list[Definition]:
    """Every resource of ``kind`` in the stage's stacks, its definition (property path ``body``) parsed."""
    r, found = platform.resolver, []
    for stack in [s for s in platform.assembly.stacks if s.stage == stage]:
        for logical_id, resource in stack.resources.items():
            if resource["Type"] == kind:
                props, text = resource["Properties"], resource["Properties"]
                for part in body:
                    text = text[part]
                role, label = r.resolve_text(stack, props["RoleArn"]), r.resolve_text(stack, props[name])
                definition = json.loads(r.resolve_text(stack, text))
                found.append(Definition(stack, stack.path_of(logical_id), label, role, definition))
    return found


def state_machines(platform: Platform, stage: str, stack_id: str) -> list[Definition]:
    machines = _definitions(
        platform, stage, "AWS::StepFunctions::StateMachine", "StateMachineName", ("DefinitionString",)
    )
    return [m for m in machines if m.stack.stack_id == stack_id]


def pipelines(platform: Platform, stage: str) -> list[Definition]:
    body = ("PipelineDefinition", "PipelineDefinitionBody")
    return _definitions(platform, stage, "AWS::SageMaker::Pipeline", "PipelineName", body)


# -- resources named by definitions -----------------------------------------------------------
@dataclass(frozen=True)
class Key:
    """A KMS key of the platform and the aliases that name it."""

    arn: str
    aliases: tuple[str, ...]

    def via(self, platform: Platform, service: str) -> dict[str, ContextValue]:
        """The context of a call S3, SNS or SageMaker makes with this key for the caller."""
        context: dict[str, ContextValue] = {"kms:ViaService": f"{service}.{platform.region}.amazonaws.com"}
        if self.aliases:
            context["kms:ResourceAliases"] = list(self.aliases)
        return context


@dataclass
class Resources:
    """Indexes over the assembly: keys and their aliases, bucket and topic keys."""

    platform: Platform

    @cached_property
    def keys(self) -> dict[str, Key]:
        """Key ARN and alias ARN -> key."""
        r = self.platform.resolver
        aliases: dict[str, list[str]] = {}
        arns: dict[str, str] = {}
        for stack in self._stacks():
            for logical_id, resource in stack.resources.items():
                if resource["Type"] == "AWS::KMS::Key":
                    arn = str(r.get_att(stack, logical_id, "Arn"))
                    arns[arn] = arn
                    arns[arn.rsplit("/", 1)[1]] = arn
                elif resource["Type"] == "AWS::KMS::Alias":
                    props = resource["Properties"]
                    target = r.resolve_text(stack, props["TargetKeyId"])
                    aliases.setdefault(target, []).append(r.resolve_text(stack, props["AliasName"]))
        found: dict[str, Key] = {}
        for arn in set(arns.values()):
            names = sorted({*aliases.get(arn, []), *aliases.get(arn.rsplit("/", 1)[1], [])})
            key = Key(arn, tuple(names))
            found[arn] = key
            prefix = arn.split(":key/", 1)[0]
            found |= {f"{prefix}:{name}": key for name in names}
        return found

    def key(self, key_id: str) -> Key:
        """The key a definition names by key ARN or alias ARN."""
        try:
            return self.keys[key_id]
        except KeyError:
            raise FlowError(f"no stack creates the KMS key {key_id}") from None

    def _stacks(self) -> list[StackInstance]:
        """The app's stacks (a product launch's resources are the launching user's, not the platform's)."""
        return [s for s in self.platform.assembly.stacks if s.stage != "Products"]

    def _property(self, kind: str, name: str, *path: str) -> str:
        for stack in self._stacks():
            for logical_id, resource in stack.resources.items():
                if resource["Type"] == kind and self.platform.resolver.ref(stack, logical_id) == name:
                    value: Any = resource.get("Properties", {})
                    for part in path:
                        value = value[int(part)] if isinstance(value, list) else value[part]
                    return self.platform.resolver.resolve_text(stack, value)
        raise FlowError(f"no stack creates the {kind} {name}")

    def bucket_key(self, bucket: str) -> Key:
        """The default encryption key of a platform bucket (objects written without a key)."""
        path = ("BucketEncryption", "ServerSideEncryptionConfiguration", "0", "ServerSideEncryptionByDefault")
        return self.key(self._property("AWS::S3::Bucket", bucket, *path, "KMSMasterKeyID"))

    def topic_key(self, topic_arn: str) -> Key:
        return self.key(self._property("AWS::SNS::Topic", topic_arn, "KmsMasterKeyId"))

    def table_key(self, table_name: str) -> Key:
        return self.key(self._property("AWS::DynamoDB::Table", table_name, "SSESpecification", "KMSMasterKeyId"))


def s3_object(platform: Platform, uri: str) -> tuple[str, str]:
    """``s3://bucket/key`` -> (bucket, object ARN)."""
    if not uri.startswith("s3://"):
        raise FlowError(f"not an S3 URI: {uri}")
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, f"arn:{platform.partition}:s3:::{bucket}/{key}"


def repository_arn(platform: Platform, image: str) -> str | None:
    """The ECR repository of an image URI in a platform account; None for images AWS owns
    (Debugger rules, built-in algorithms), which SageMaker pulls without the caller's grants."""
    registry, _, path = image.partition("/")
    account = registry.split(".", 1)[0]
    if account not in {r.account_id for r in platform.roles}:
        return None
    return platform.arn("ecr", account, f"repository/{re.split(r'[:@]', path, maxsplit=1)[0]}")


def stack_named(platform: Platform, stack_name: str) -> StackInstance:
    try:
        return platform.assembly.by_name(stack_name, platform.region)
    except KeyError:
        raise FlowError(f"no stage creates the stack {stack_name}") from None


def stack_arn(platform: Platform, stack_name: str) -> str:
    """The stack's ID (its ARN) as CloudFormation returns it."""
    stack = stack_named(platform, stack_name)
    return str(platform.resolver.resolve(stack, {"Ref": "AWS::StackId"}))


def execution_role(platform: Platform, stack_name: str) -> str:
    """The role CloudFormation deploys the stack with (``cdk deploy`` passes the bootstrap
    execution role; the manifest names it), and so updates it with."""
    stack = stack_named(platform, stack_name)
    template = platform.assembly.root / stack.source
    manifest = json.loads((template.parent / "manifest.json").read_text(encoding="utf-8"))
    for artifact in manifest["artifacts"].values():
        if artifact.get("properties", {}).get("templateFile") == template.name:
            role = str(artifact["properties"]["cloudFormationExecutionRoleArn"])
            return role.replace("${AWS::Partition}", platform.partition)
    raise FlowError(f"the manifest names no execution role for {stack_name}")


def ssm_parameter_arn(platform: Platform, account: str, name: str) -> str:
    return platform.arn("ssm", account, f"parameter/{name.lstrip('/')}")


# -- pipeline expressions ---------------------------------------------------------------------
_TOKEN = re.compile(r"\.?([A-Za-z0-9_]+)|\[(\d+)\]|\['([^']+)'\]")


@dataclass
class PipelineRun:
    """One execution of a pipeline definition: parameters at their defaults, the values the
    steps' expressions (``Get``, ``Std:Join``) take, and the names SageMaker gives the jobs."""

    definition: Definition

    @cached_property
    def parameters(self) -> dict[str, str]:
        return {p["Name"]: str(p.get("DefaultValue", "")) for p in self.definition.body.get("Parameters", [])}

    @cached_property
    def steps(self) -> dict[str, Mapping[str, Any]]:
        """Every step by name, the branches of condition steps included."""
        found: dict[str, Mapping[str, Any]] = {}

        def add(steps: list[Mapping[str, Any]]) -> None:
            for step in steps:
                found[step["Name"]] = step
                add([*step["Arguments"].get("IfSteps", []), *step["Arguments"].get("ElseSteps", [])])

        add(list(self.definition.body["Steps"]))
        return found

    def job_name(self, step: str) -> str:
        kind = self.steps[step]["Type"]
        if kind == "Tuning":  # tuning job names are at most 32 characters
            return f"{EXECUTION_ID}-{step[:7]}-{JOB_SUFFIX}"
        return f"pipelines-{EXECUTION_ID}-{step}-{JOB_SUFFIX}"

    def training_job_name(self, step: str) -> str:
        """The training job a step produces (for tuning: its first, best training job)."""
        if self.steps[step]["Type"] == "Tuning":
            return f"{self.job_name(step)}-001-3f2a9c1b"
        return self.job_name(step)

    def value(self, expression: Any) -> str:
        if isinstance(expression, (str, int, float)) and not isinstance(expression, bool):
            return str(expression)
        if isinstance(expression, Mapping) and "Std:Join" in expression:
            join = expression["Std:Join"]
            return str(join["On"]).join(self.value(v) for v in join["Values"])
        if isinstance(expression, Mapping) and "Get" in expression:
            return self._get(str(expression["Get"]))
        raise FlowError(f"pipeline {self.definition.name}: cannot evaluate {json.dumps(expression)}")

    def _get(self, reference: str) -> str:
        scope, _, rest = reference.partition(".")
        if scope == "Parameters" and rest in self.parameters:
            return self.parameters[rest]
        execution = {
            "PipelineExecutionId": EXECUTION_ID,
            "PipelineName": self.definition.name,
            "PipelineExecutionArn": f"{self.arn('pipeline', self.definition.name.lower())}/execution/{EXECUTION_ID}",
        }
        if scope == "Execution" and rest in execution:
            return execution[rest]
        if scope == "Steps":
            step, _, path = rest.partition(".")
            found = self._step_property(step, path)
            if found is not None:
                return found
        raise FlowError(f"pipeline {self.definition.name}: cannot evaluate the reference {reference}")

    def _step_property(self, step: str, path: str) -> str | None:
        arguments = self.steps[step]["Arguments"]
        if path == "ModelArtifacts.S3ModelArtifacts":  # Training: where SageMaker writes model.tar.gz
            output = self.value(arguments["OutputDataConfig"]["S3OutputPath"])
            return f"{output}/{self.training_job_name(step)}/output/model.tar.gz"
        if path == "TrainingJobSummaries[0].TrainingJobName":
            return self.training_job_name(step)
        if path == "ModelName":
            return self.job_name(step)
        value: Any = arguments
        for name, index, key in _TOKEN.findall(path):
            if name:
                value = value.get(name) if isinstance(value, Mapping) else None
            elif index:
                value = value[int(index)] if isinstance(value, list) else None
            else:
                matches = [i for i in value or [] if key in {v for k, v in i.items() if k.endswith("Name")}]
                value = matches[0] if matches else None
            if value is None:
                return None
        return self.value(value)

    def arn(self, kind: str, name: str) -> str:
        stack = self.definition.stack
        return f"arn:{partition_for(stack.region)}:sagemaker:{stack.region}:{stack.account}:{kind}/{name}"


class Catalogue:
    """Flows of one area, in order; the same flow derived twice is kept once."""

    def __init__(self, area: str) -> None:
        self.area = area
        self.flows: dict[str, Flow] = {}

    def add(self, *flows: Flow) -> None:
        for flow in flows:
            if flow.area != self.area:
                raise FlowError(f"flow {flow.name!r} belongs to area {flow.area!r}, not {self.area!r}")
            known = self.flows.setdefault(flow.name, flow)
            if known != flow:
                raise FlowError(f"two different flows are named {flow.name!r}")

    def all(self) -> list[Flow]:
        return list(self.flows.values())
