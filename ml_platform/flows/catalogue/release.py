"""The release of approved models (book ch8, ch12, ch14; XA-4, XA-10, XA-11, WF-11), as the
engine sees it (issue #17).

Every Task state of every release state machine is read from the synthesized definition: its
integration gives the IAM action, its ``Credentials.RoleArn`` (else the state machine's role)
the principal, its parameters the resource; each task adds what AWS does with the caller's
credentials for it (CloudFormation resolving SSM-typed parameters, passing the stack's role;
SNS using the topic key). A task the rules below cannot derive raises naming the state. Then
the cross-account paths a release relies on, and the escalations that must stay closed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ...assembly.resolver import UnresolvableError
from ...release import CDK_QUALIFIER, ReleasedGroup, released_groups
from ...role_names import persona_role_suffix
from ...schema.studio import Persona
from ..model import ContextValue, Flow, OutsideRole, Principal, Role, Service, allow, deny
from ..platform import OUTSIDE_ACCOUNT, OUTSIDE_ORGANIZATION, Platform
from ..simulate import FlowError
from .definitions import (
    Catalogue,
    Definition,
    Key,
    PipelineRun,
    Resources,
    execution_role,
    pipelines,
    repository_arn,
    s3_object,
    ssm_parameter_arn,
    stack_arn,
    stack_named,
    state_machines,
)
from .governance import described_package

AREA = "release"
STAGE, STACK = "SharedServices", "ModelRelease"
SFN_DOCS = "https://docs.aws.amazon.com/step-functions/latest/dg/"
SSM_TYPES = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/systems-manager-parameter-types.html"
RESOLVES = (
    f"{SSM_TYPES}: every update fetches the values with the caller's credentials (UsePreviousValue keeps the key); "
    "CDK's bootstrap deploy role holds ssm:GetParameters for exactly this"
)
SERVICE_ROLE = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html"
SNS_SSE = "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html"
DDB_SSE = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html"
CH14 = "book ch14, docs/model-release.md"
OWN = "XA-11, book ch14: a deployer reaches only its own account's hosting stacks and released parameters"
TRUST = "XA-11, book ch14: the deployer trusts exactly the release role (aws:PrincipalArn), nothing else assumes it"
BUS = "XA-10: the bus policy names exactly the data science accounts"
OUTSIDE = "XA-4, book ch14: the group, bucket, key and repository policies name platform accounts in the organisation"
READ_ONLY = "XA-4c: test and prod read the artefacts, they never write them"
VIA_S3 = "XA-4c: the artefacts key decrypts for test and prod only through S3 (kms:ViaService)"
DESCRIBE, UPDATE, ASSUME = "sagemaker:DescribeModelPackage", "cloudformation:UpdateStack", "sts:AssumeRole"
PUT, PASS = "ssm:PutParameter", "iam:PassRole"
PASSIVE = {"Wait", "Choice", "Succeed", "Fail", "Pass"}  # states that call no AWS API
SDK_SERVICES = {"sfn": "states"}  # aws-sdk service names whose IAM prefix differs

Params = Mapping[str, Any]
# IAM action of an aws-sdk task -> the resource its parameters name, in the credentials' account.
SDK_RESOURCES: dict[str, Callable[[Platform, str, Params], str]] = {
    "ssm:PutParameter": lambda p, account, params: ssm_parameter_arn(p, account, params["Name"]),
    "ssm:GetParameter": lambda p, account, params: ssm_parameter_arn(p, account, params["Name"]),
    "cloudformation:UpdateStack": lambda p, account, params: stack_arn(p, params["StackName"]),
    "cloudformation:DescribeStacks": lambda p, account, params: stack_arn(p, params["StackName"]),
}
# Step Functions' optimized integrations: IAM action, the resource its parameters name (in the
# credentials' account), and the page that documents the integration's permissions.
INTEGRATIONS: dict[str, tuple[str, Callable[[Platform, str, Params], str], str]] = {
    "sns:publish": ("sns:Publish", lambda p, account, params: str(params["TopicArn"]), "sns-iam.html"),
    "sns:publish.waitForTaskToken": ("sns:Publish", lambda p, a, params: str(params["TopicArn"]), "sns-iam.html"),
    **{
        f"dynamodb:{operation[0].lower()}{operation[1:]}": (
            f"dynamodb:{operation}",
            lambda p, account, params: p.arn("dynamodb", account, f"table/{params['TableName']}"),
            "dynamo-iam.html",
        )
        for operation in ("UpdateItem", "DeleteItem")
    },
    "states:startExecution": (
        "states:StartExecution",
        lambda p, account, params: str(params["StateMachineArn"]),
        "stepfunctions-iam.html",
    ),
}


@dataclass(frozen=True)
class Task:
    """A Task state of a state machine definition."""

    machine: Definition
    state: str
    resource: str
    parameters: Params
    role: str  # who makes the call: the task's credentials, else the state machine's role


def tasks(machine: Definition, states: Mapping[str, Any] | None = None) -> Iterator[Task]:
    for name, state in (states if states is not None else machine.body["States"]).items():
        kind = state["Type"]
        if kind == "Task":
            credentials = state.get("Credentials", {})
            if credentials and "RoleArn" not in credentials:
                raise FlowError(f"{machine.name}: state {name} takes its credentials from the input")
            role = credentials.get("RoleArn", machine.role_arn)
            yield Task(machine, name, state["Resource"], state.get("Parameters", {}), role)
        elif kind == "Parallel":
            for branch in state["Branches"]:
                yield from tasks(machine, branch["States"])
        elif kind == "Map":
            yield from tasks(machine, (state.get("ItemProcessor") or state["Iterator"])["States"])
        elif kind not in PASSIVE:
            raise FlowError(f"{machine.name}: state {name} of type {kind} has no rule to derive its flows")


def request(platform: Platform, task: Task) -> tuple[str, str, str]:
    """(IAM action, resource ARN, documentation) of a task."""
    integration, where = task.resource.split(":::", 1)[-1], f"{task.machine.name}: state {task.state}"
    try:
        if integration in INTEGRATIONS:
            action, resource_of, page = INTEGRATIONS[integration]
            return action, resource_of(platform, Role(task.role).account, task.parameters), f"{SFN_DOCS}{page}"
        if integration.startswith("aws-sdk:"):
            service, operation = integration.removeprefix("aws-sdk:").split(".", 1)[0].split(":")
            action = f"{SDK_SERVICES.get(service, service)}:{operation[0].upper()}{operation[1:]}"
            if action == DESCRIBE:  # a governed group's card and stage check (governance.py)
                return (
                    action,
                    described_package(platform, task.machine.name),
                    f"{SFN_DOCS}supported-services-awssdk.html",
                )
            if action in SDK_RESOURCES:
                resource = SDK_RESOURCES[action](platform, Role(task.role).account, task.parameters)
                return action, resource, f"{SFN_DOCS}supported-services-awssdk.html"
    except KeyError as missing:  # e.g. a parameter taken from the input ("StackName.$")
        raise FlowError(f"{where} names no literal {missing} for its resource") from None
    raise FlowError(f"{where} calls {task.resource}, which no rule derives")


class Release:
    def __init__(self, platform: Platform) -> None:
        self.p = platform
        self.res = Resources(platform)
        self.out = Catalogue(AREA)

    def allow(self, name: str, who: Principal, action: str, resource: str, why: str, **kw: Any) -> None:
        self.out.add(allow(f"{AREA}: {name}", who, action, resource, why, area=AREA, **kw))

    def deny(self, name: str, who: Principal, action: str, resource: str, why: str, **kw: Any) -> None:
        self.out.add(deny(f"{AREA}: {name}", who, action, resource, why, area=AREA, **kw))

    # -- the state machines ------------------------------------------------------------------
    def task(self, task: Task) -> None:
        action, resource, docs = request(self.p, task)
        who, name = Role(task.role), f"{task.machine.name}/{task.state}"
        self.allow(f"{name} {action}", who, action, resource, f"{docs}; {CH14}")
        if task.role != task.machine.role_arn:
            why = f"XA-11: the deployer trusts the release role; {SFN_DOCS}concepts-access-cross-acct-resources.html"
            role_name = task.role.rsplit("/", 1)[1]
            self.allow(f"{task.machine.name} assumes {role_name}", Role(task.machine.role_arn), ASSUME, task.role, why)
        if action == "sns:Publish":
            key = self.res.topic_key(resource)
            for kms in ("kms:GenerateDataKey", "kms:Decrypt"):
                self.allow(f"{name} {kms} (SNS)", who, kms, key.arn, SNS_SSE, context=key.via(self.p, "sns"))
        if action.startswith("dynamodb:"):  # a customer key: DynamoDB uses it with the caller's permissions
            key = self.res.table_key(resource.rsplit("/", 1)[1])
            self.allow(
                f"{name} kms:Decrypt (DynamoDB)",
                who,
                "kms:Decrypt",
                key.arn,
                DDB_SSE,
                context=key.via(self.p, "dynamodb"),
            )
        if action == "cloudformation:UpdateStack":
            self.update_stack(name, who, str(task.parameters["StackName"]))

    def update_stack(self, name: str, who: Role, stack_name: str) -> None:
        """CloudFormation fetches every SSM-typed parameter with the caller's credentials at each
        update (UsePreviousValue keeps the key, not the value), and the caller must be allowed
        to pass the stack's service role (CDK's deploy role has both grants for this reason)."""
        stack = stack_named(self.p, stack_name)
        for key, spec in stack.template.get("Parameters", {}).items():
            if str(spec.get("Type", "")).startswith("AWS::SSM::Parameter::Value<"):
                parameter = ssm_parameter_arn(self.p, stack.account, stack.parameter_values.get(key, spec["Default"]))
                self.allow(f"{name} resolves {key}", who, "ssm:GetParameters", parameter, RESOLVES)
        role = execution_role(self.p, stack_name)
        context = {"iam:PassedToService": "cloudformation.amazonaws.com"}
        self.allow(f"{name} passes the stack's role", who, "iam:PassRole", role, SERVICE_ROLE, context=context)

    # -- cross-account paths -----------------------------------------------------------------
    def package(self, group: ReleasedGroup) -> tuple[str, str, Key, str]:
        """(package ARN, artefact object ARN, its key, image repository) a group's pipeline registers."""
        for definition in pipelines(self.p, f"DataScience-{group.team}"):
            run = PipelineRun(definition)
            for step in run.steps.values():
                if step["Type"] == "RegisterModel" and step["Arguments"]["ModelPackageGroupName"] == group.group:
                    container = step["Arguments"]["InferenceSpecification"]["Containers"][0]
                    bucket, artefact = s3_object(self.p, run.value(container["ModelDataUrl"]))
                    repository = repository_arn(self.p, run.value(container["Image"]))
                    if repository is None:
                        raise FlowError(f"{group.group}: image {container['Image']} is in no platform repository")
                    package = self.p.arn("sagemaker", group.account, f"model-package/{group.group.lower()}/1")
                    return package, artefact, self.res.bucket_key(bucket), repository
        raise FlowError(f"no pipeline of {group.team} registers packages in {group.group}")

    def packages(self) -> None:
        """XA-4: CloudFormation in test and prod creates models from the team's approved packages
        (the caller describes the package); SageMaker reads the artefact and pulls the image as
        the model's execution role (CreateModel, ExecutionRoleArn)."""
        for group in released_groups(self.p.config):
            package, artefact, key, repository = self.package(group)
            for target in (s for t in group.targets for s in t.stacks):
                hosting, who = stack_named(self.p, target.stack_name), f"{target.label} ({group.group})"
                cfn = OutsideRole(execution_role(self.p, target.stack_name), self.p.organization_id)
                why = f"XA-4a: the group policy names the test and prod accounts; {CH14}"
                self.allow(f"{who}: CloudFormation describes the package", cfn, DESCRIBE, package, why)
                model = Role(self.p.attr(f"{hosting.stage}/{hosting.stack_id}/ModelRole/Role/Resource"))
                why = "XA-4c: the bucket and key policies admit test and prod; SageMaker reads as the model role"
                self.allow(f"{who}: model role reads the artefact", model, "s3:GetObject", artefact, why)
                via = key.via(self.p, "s3")
                self.allow(f"{who}: model role decrypts the artefact", model, "kms:Decrypt", key.arn, why, context=via)
                why = "XA-4b: the repository policy names test and prod; SageMaker pulls as the model role"
                for ecr in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"):
                    self.allow(f"{who}: model role {ecr}", model, ecr, repository, why)
                self.allow(f"{who}: model role logs in to ECR", model, "ecr:GetAuthorizationToken", "*", why)

    def forwarders(self) -> str:
        """XA-10: each team's approvals and rejections reach the shared services bus."""
        bus = self.p.attr(f"{STAGE}/{STACK}/ModelEvents/Resource")
        why = f"XA-10: the bus policy admits the data science accounts; {CH14}"
        for team in self.p.teams():
            try:
                role = Role(self.p.attr(f"{team.stage_id}/ModelBuild/ApprovalForwarder/Role/Resource"))
            except UnresolvableError:
                continue  # a team without model builds forwards nothing
            events = Service("events.amazonaws.com", team.account_id)
            self.allow(f"{team.slug}: EventBridge assumes the forwarder", events, "sts:AssumeRole", role.arn, why)
            self.allow(f"{team.slug}: forwarder puts approvals on the bus", role, "events:PutEvents", bus, why)
        return bus

    # -- what must stay closed ---------------------------------------------------------------
    def denials(self, bus: str) -> None:
        p, org, iam, no = self.p, self.p.organization_id, f"arn:{self.p.partition}:iam::", self.deny
        targets = {t.environment: t for g in released_groups(p.config) for t in g.targets}
        release = Role(p.attr(f"{STAGE}/{STACK}/ReleaseRole/Resource"))
        shared = p.account("shared")
        cdk = OutsideRole(f"{iam}{shared}:role/cdk-{CDK_QUALIFIER}-deploy-role-{shared}-{p.region}", org)
        lam: dict[str, ContextValue] = {"iam:PassedToService": "lambda.amazonaws.com"}
        for env, t in targets.items():
            deployer, model = p.role(env, "model-deployer"), p.role(env, "sm-models")
            for other in [o for e, o in targets.items() if e != env]:
                theirs = ssm_parameter_arn(p, other.account, other.latest)
                no(f"{env} deployer writes {other.environment}'s release", deployer, PUT, theirs, OWN)
                for stack in other.stacks:
                    no(
                        f"{env} deployer updates {stack.stack_name}",
                        deployer,
                        UPDATE,
                        stack_arn(p, stack.stack_name),
                        OWN,
                    )
            data = stack_arn(p, p.naming(env).stack("Data"))
            no(f"{env} deployer updates its data stack", deployer, UPDATE, data, OWN)
            bootstrap = ssm_parameter_arn(p, t.account, f"/cdk-bootstrap/{CDK_QUALIFIER}/version")
            no(f"{env} deployer overwrites the bootstrap version", deployer, PUT, bootstrap, OWN)
            stack_role = execution_role(p, t.stacks[0].stack_name)
            no(f"{env} deployer passes the stack role to Lambda", deployer, PASS, stack_role, SERVICE_ROLE, context=lam)
            no(f"another shared services role assumes the {env} deployer", cdk, ASSUME, deployer.arn, TRUST)
            no(f"release role assumes the {env} model role", release, ASSUME, model.arn, TRUST)
            for team in p.teams():
                scientist = p.role(team.slug, f"sm-{persona_role_suffix(Persona.DATA_SCIENTIST)}")
                no(f"{team.slug} data scientist assumes the {env} deployer", scientist, ASSUME, deployer.arn, TRUST)
            admin = OutsideRole(f"{iam}{t.account}:role/admin", org)
            no(f"a role of the {env} account puts events on the bus", admin, "events:PutEvents", bus, BUS)
        outsider = OutsideRole(f"{iam}{OUTSIDE_ACCOUNT}:role/intruder", OUTSIDE_ORGANIZATION)
        for group in released_groups(p.config):
            package, artefact, key, repository = self.package(group)
            g, test = group.group, p.role(group.targets[0].environment, "sm-models")
            no(f"outsider describes {g} packages", outsider, DESCRIBE, package, OUTSIDE)
            no(f"outsider reads {g} artefacts", outsider, "s3:GetObject", artefact, OUTSIDE)
            no(f"outsider decrypts {g} artefacts", outsider, "kms:Decrypt", key.arn, OUTSIDE, context=key.via(p, "s3"))
            no(f"outsider pulls {g} images", outsider, "ecr:BatchGetImage", repository, OUTSIDE)
            name = test.arn.rsplit("/", 1)[1]
            no(f"{name} overwrites {g} artefacts", test, "s3:PutObject", artefact, READ_ONLY)
            aliases: dict[str, ContextValue] = {"kms:ResourceAliases": list(key.aliases)}
            no(f"{name} decrypts {g} artefacts outside S3", test, "kms:Decrypt", key.arn, VIA_S3, context=aliases)
        no("outsider puts events on the bus", outsider, "events:PutEvents", bus, BUS)


def flows(platform: Platform) -> list[Flow]:
    release = Release(platform)
    machines = state_machines(platform, STAGE, STACK)
    if not machines and released_groups(platform.config):
        raise FlowError(f"{STAGE}/{STACK} defines no release state machine, yet models follow releases")
    for machine in machines:
        for task in tasks(machine):
            release.task(task)
    release.packages()
    release.denials(release.forwarders())
    return release.out.all()
