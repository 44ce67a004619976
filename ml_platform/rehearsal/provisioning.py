"""Self-service provisioning rehearsed (issue #18): every product version the hub offers (current
and released), launched in every account the portfolio is shared with, as the launch role its
launch constraint names.

Service Catalog assumes the launch role and calls CloudFormation with it; CloudFormation has no
service role for the provisioned stack, so it creates, updates and deletes the product's
resources with those same credentials ("AWS Service Catalog Launch Constraints",
https://docs.aws.amazon.com/servicecatalog/latest/adminguide/constraints-launch.html: the role
"must have permissions to use ... AWS CloudFormation, Services in the AWS CloudFormation template
for the product, Read access to the AWS CloudFormation template in a service-owned Amazon S3
bucket"). So the launch role, within its permissions boundary, must be allowed

- what Service Catalog does with it: the CloudFormation stack actions the launch-constraint
  guide lists (https://docs.aws.amazon.com/servicecatalog/latest/adminguide/getstarted-launchconstraint.html)
  on the provisioned stack, and ``s3:GetObject`` on the template in Service Catalog's bucket;
- what CloudFormation does with the caller's credentials before any resource: resolve the
  template's ``AWS::SSM::Parameter::Value`` parameters
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html);
- every permission the schema of each resource type lists for its create, update and delete
  handlers (``handler_permissions``), on the resource it acts on, with the request context the
  call carries. ``handler_permissions.SKIPS`` is the one table of what is left out, and why.

A launch that would stop halfway (``... is not authorized to perform ...`` in the provisioned
product's events, the resources created so far rolled back) fails here instead, one finding per
missing permission.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..assembly.cloud_assembly import StackInstance
from ..assembly.iam_documents import IamDocuments
from ..assembly.physical_ids import KINDS, generated_id
from ..assembly.resolver import Resolver, UnresolvableError, dig
from ..flows.model import ContextValue, Flow, Role, allow
from ..flows.platform import Platform
from ..flows.simulate import Simulator, run_engine
from .findings import Finding, LinkKind
from .handler_permissions import condition_keys, fill_pattern, known_action, needed_actions, resource_types

LAUNCH_CONSTRAINTS = "https://docs.aws.amazon.com/servicecatalog/latest/adminguide/constraints-launch.html"
# The CloudFormation actions Service Catalog performs with the launch role (the launch
# constraint guide's policy, without its example's ec2/sns/servicecatalog wildcards).
SERVICE_CATALOG_ACTIONS = (
    "cloudformation:CreateStack",
    "cloudformation:DeleteStack",
    "cloudformation:DescribeStackEvents",
    "cloudformation:DescribeStacks",
    "cloudformation:GetTemplateSummary",
    "cloudformation:SetStackPolicy",
    "cloudformation:ValidateTemplate",
    "cloudformation:UpdateStack",
)
# Service Catalog keeps each version's template in a bucket of its own and tags the objects it
# provisions from (the AWSServiceCatalogEndUserFullAccess managed policy reads them only under
# this tag). The bucket and key are AWS's: any name of that shape stands for them.
TEMPLATE_TAG = "s3:ExistingObjectTag/servicecatalog:provisioning"
# The service a role is passed to, where it is not <service>.amazonaws.com (SageMaker, Lambda, Glue...).
PASSED_TO: dict[str, str] = {"stepfunctions": "states.amazonaws.com"}
GRANT_ACTIONS = {"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant", "kms:RetireGrant"}

# Properties that name another resource by ID or name (not ARN): the ARN it stands for.
_ID_ARNS: dict[str, str] = {
    "SubnetId": "arn:{p}:ec2:{r}:{a}:subnet/{v}",
    "SubnetIds": "arn:{p}:ec2:{r}:{a}:subnet/{v}",
    "Subnets": "arn:{p}:ec2:{r}:{a}:subnet/{v}",
    "SecurityGroupIds": "arn:{p}:ec2:{r}:{a}:security-group/{v}",
    "SecurityGroups": "arn:{p}:ec2:{r}:{a}:security-group/{v}",
    "VpcId": "arn:{p}:ec2:{r}:{a}:vpc/{v}",
    "Roles": "arn:{p}:iam::{a}:role/{v}",
    "Users": "arn:{p}:iam::{a}:user/{v}",
    "Groups": "arn:{p}:iam::{a}:group/{v}",
    "Bucket": "arn:{p}:s3:::{v}",
    "BucketName": "arn:{p}:s3:::{v}",
    "DestinationBucketName": "arn:{p}:s3:::{v}",
    "DomainId": "arn:{p}:sagemaker:{r}:{a}:domain/{v}",
    "LifecycleConfigName": "arn:{p}:sagemaker:{r}:{a}:notebook-instance-lifecycle-config/{lv}",
}

# Request context a resource's own create/update call carries, from its properties (IAM
# reference: the action's condition keys); only keys the action supports are sent.
_PROPERTY_CONTEXT: dict[str, dict[str, str]] = {
    "AWS::SageMaker::NotebookInstance": {
        "sagemaker:DirectInternetAccess": "DirectInternetAccess",
        "sagemaker:RootAccess": "RootAccess",
        "sagemaker:VpcSubnets": "SubnetId",
        "sagemaker:VpcSecurityGroupIds": "SecurityGroupIds",
        "sagemaker:VolumeKmsKeyArn": "KmsKeyId",
        "sagemaker:InstanceTypes": "InstanceType",
        "sagemaker:AcceleratorTypes": "AcceleratorTypes",
        "sagemaker:MinimumInstanceMetadataServiceVersion": (
            "InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion"
        ),
    },
    "AWS::SageMaker::UserProfile": {"sagemaker:VpcSecurityGroupIds": "UserSettings.SecurityGroups"},
}
# Keys that are lists in the request (the others are single values).
_LIST_KEYS = {"sagemaker:VpcSubnets", "sagemaker:VpcSecurityGroupIds", "sagemaker:InstanceTypes"}


@dataclass(frozen=True)
class LaunchRequest:
    """One call a launch makes with the launch role."""

    where: str  # product <name> <version>
    account: str
    role_arn: str
    logical_id: str  # the resource, or "(Service Catalog)" / "(CloudFormation)"
    resource_type: str
    handlers: tuple[str, ...]
    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    resource_account: str | None = None

    @property
    def name(self) -> str:
        return f"{self.where} in {self.account}: {self.logical_id} {self.action} on {self.resource}"

    def flow(self) -> Flow:
        return allow(
            self.name,
            Role(self.role_arn),
            self.action,
            self.resource,
            LAUNCH_CONSTRAINTS,
            context=self.context,
            resource_account=self.resource_account,
        )


@dataclass(frozen=True)
class _Launch:
    stack: StackInstance
    product_name: str
    version: str
    role_arn: str | None

    @property
    def where(self) -> str:
        return f"product {self.product_name} {self.version}"


class _LaunchSimulator(Simulator):
    """The flows' simulator, without its guard against hand-written flows that name resources
    no stack creates: every ARN here comes from the launched template itself, or is one its
    handler creates (a policy version, a network interface)."""

    def _check_exists(self, flow: Flow) -> None:
        return None


EngineCheck = tuple[dict[str, Any], Finding]  # an IAM engine request, and the finding if it is denied


def check_launches(platform: Platform) -> list[Finding]:
    """Every call of every launch of every offered product version that the launch role (with
    its boundary) is not allowed, as findings; empty when every launch can succeed."""
    _, findings, checks = launch_checks(platform)
    answers = run_engine([(str(n), request) for n, (request, _) in enumerate(checks)])
    denied = [finding for n, (_, finding) in enumerate(checks) if answers[str(n)]["decision"] != "Allowed"]
    return findings + sorted(denied, key=lambda f: f.line())


def launch_checks(platform: Platform) -> tuple[list[tuple[str, str]], list[Finding], list[EngineCheck]]:
    """Every launch (where, account); what is wrong without asking the engine (a launch
    without a launch role); and every call of every launch as an engine request with the
    finding to report if it is denied (``make rehearse`` decides them with its other
    requests, in one engine run)."""
    findings: list[Finding] = []
    requests: list[LaunchRequest] = []
    launches = _launches(platform)
    for launch in launches:
        if launch.role_arn is None:
            message = "no launch constraint names a role: the launch would run with the end user's credentials"
            findings.append(Finding(launch.where, LinkKind.LAUNCH_PERMISSION, message))
            continue
        if launch.role_arn not in platform.documents.roles:
            message = f"launch role {launch.role_arn} is created by no stack of account {launch.stack.account}"
            findings.append(Finding(launch.where, LinkKind.LAUNCH_PERMISSION, message))
            continue
        # A provisioned product is updated from or to the product's other offered versions.
        others = [
            o.stack
            for o in launches
            if o.stack.account == launch.stack.account
            and o.product_name == launch.product_name
            and o.stack is not launch.stack
        ]
        requests += launch_requests(platform, launch.stack, launch.where, launch.role_arn, others)
    simulator = _LaunchSimulator(platform.documents, platform.organization_id, [r.account_id for r in platform.roles])
    unique = list({r.name: r for r in requests}.values())
    places = sorted({(launch.where, launch.stack.account) for launch in launches})
    return places, findings, [(simulator.request(r.flow()), _denied(r)) for r in unique]


def evaluate_requests(platform: Platform, requests: Sequence[LaunchRequest]) -> list[Finding]:
    """The requests the engine does not allow, one finding each (sorted)."""
    simulator = _LaunchSimulator(platform.documents, platform.organization_id, [r.account_id for r in platform.roles])
    unique = list({r.name: r for r in requests}.values())
    answers = run_engine([(r.name, simulator.request(r.flow())) for r in unique])
    return sorted((_denied(r) for r in unique if answers[r.name]["decision"] != "Allowed"), key=lambda f: f.line())


def _denied(request: LaunchRequest) -> Finding:
    role = request.role_arn.rsplit("/", 1)[-1]
    what = f"{'/'.join(request.handlers)} of {request.logical_id} ({request.resource_type})"
    message = f"{role} in {request.account} may not {request.action} on {request.resource}, needed by {what}"
    return Finding(request.where, LinkKind.LAUNCH_PERMISSION, message)


# -- which launches -------------------------------------------------------------------------------


def _launches(platform: Platform) -> list[_Launch]:
    """Each launch stack (``product_launches``: stage "Products", ID ``<product>@<version>``)
    with its product's name and the launch role its constraint names, in its account."""
    products: dict[str, str] = {}  # product logical ID -> name
    roles: dict[str, tuple[StackInstance, Any]] = {}  # product logical ID -> (hub, role name or ARN)
    for stack in platform.assembly.stacks:
        if stack.stage == "Products":
            continue
        for logical_id, resource in stack.resources.items():
            props = resource.get("Properties", {})
            if resource["Type"] == "AWS::ServiceCatalog::CloudFormationProduct":
                products[logical_id] = platform.resolver.resolve_text(stack, props["Name"])
            elif resource["Type"] == "AWS::ServiceCatalog::LaunchRoleConstraint":
                product = props["ProductId"].get("Ref") if isinstance(props["ProductId"], dict) else None
                if product is not None:
                    roles[product] = (stack, props.get("LocalRoleName") or props.get("RoleArn"))
    launches = []
    for stack in platform.assembly.stacks:
        if stack.stage != "Products":
            continue
        product, version = stack.stack_id.split("@", 1)
        role_arn = None
        if product in roles:
            hub, value = roles[product]
            role = platform.resolver.resolve_text(hub, value)
            partition = platform.partition
            role_arn = role if role.startswith("arn:") else f"arn:{partition}:iam::{stack.account}:role/{role}"
        launches.append(_Launch(stack, products.get(product, product), version, role_arn))
    return launches


# -- what a launch calls ------------------------------------------------------------------------------


def launch_requests(
    platform: Platform, stack: StackInstance, where: str, role_arn: str, other_versions: Sequence[StackInstance] = ()
) -> list[LaunchRequest]:
    """Every call launching ``stack`` makes with ``role_arn``; its update and delete handlers
    also serve updates from and to ``other_versions`` (the product's other versions)."""
    r = platform.resolver
    p, region, account = platform.partition, stack.region, stack.account

    def call(
        logical_id: str,
        resource_type: str,
        handlers: tuple[str, ...],
        action: str,
        resource: str,
        context: Mapping[str, ContextValue] | None = None,
        resource_account: str | None = None,
    ) -> LaunchRequest:
        return LaunchRequest(
            where,
            account,
            role_arn,
            logical_id,
            resource_type,
            handlers,
            action,
            resource,
            context or {},
            resource_account,
        )

    launch = ("launch",)
    stack_arn = str(r.resolve(stack, {"Ref": "AWS::StackId"}))
    requests = [
        call("(Service Catalog)", "AWS::CloudFormation::Stack", launch, action, resource)
        for action in SERVICE_CATALOG_ACTIONS
        for resource in _choose(action, [stack_arn], [], p, region, account, seed=(stack.stack_name, action))
    ]
    template_object = f"arn:{p}:s3:::servicecatalog-templates-{region}/{stack.stack_id.replace('@', '/')}.json"
    # Service Catalog's bucket is AWS's, and so is its bucket policy: only the identity side is
    # the platform's to get right, so the read is evaluated as a same-account request.
    requests.append(
        call(
            "(Service Catalog)",
            "AWS::CloudFormation::Stack",
            launch,
            "s3:GetObject",
            template_object,
            {TEMPLATE_TAG: "true"},
            resource_account=account,
        )
    )
    for name, spec in stack.template.get("Parameters", {}).items():
        if str(spec.get("Type", "")).startswith("AWS::SSM::Parameter::Value<"):
            parameter = stack.parameter_values.get(name, spec.get("Default"))
            arn = f"arn:{p}:ssm:{region}:{account}:parameter{parameter}"
            requests.append(call("(CloudFormation)", f"parameter {name}", launch, "ssm:GetParameters", arn))
    documents = platform.documents
    for logical_id, resource in stack.resources.items():
        if not r.is_created(stack, logical_id):
            continue
        kind = resource["Type"]
        props = r.resolve(stack, resource.get("Properties", {}))
        own = _own_arns(r, stack, logical_id)
        referenced = sorted(set(_referenced_arns(props, p, region, account)) - set(own))
        before = [
            r.resolve(other, other.resources[logical_id].get("Properties", {}))
            for other in other_versions
            if other.resources.get(logical_id, {}).get("Type") == kind
        ]
        needed, _ = needed_actions(kind, props, region, update_properties=before)
        for need in needed:
            if not known_action(need.action):
                raise ValueError(
                    f"{kind}: {need.action} is not in the IAM reference data; add it to SKIPS with a reason"
                )
            seed = (stack.stack_name, logical_id, need.action)
            for target in _choose(need.action, own, referenced, p, region, account, seed=seed):
                context = _context(need.action, kind, props, target, own, documents, region)
                requests.append(call(logical_id, kind, need.handlers, need.action, target, context))
    return requests


def _own_arns(resolver: Resolver, stack: StackInstance, logical_id: str) -> list[str]:
    """The resource's own ARNs (physical_ids formats): its ``Arn``-like attributes and a ``Ref``
    that is an ARN; a bucket's objects too."""
    kind = KINDS.get(stack.resources[logical_id]["Type"])
    if kind is None:
        return []
    found: list[str] = []
    for attribute in ["Ref", *sorted(a for a in kind.attrs if a.endswith("Arn"))]:
        try:
            value = resolver.get_att(stack, logical_id, attribute)
        except UnresolvableError:
            continue
        if isinstance(value, str) and value.startswith("arn:"):
            found.append(value)
    if stack.resources[logical_id]["Type"] == "AWS::S3::Bucket":
        found.append(f"{found[0]}/*")  # the handler's object calls: any object of the bucket
    return list(dict.fromkeys(found))


def _referenced_arns(value: Any, partition: str, region: str, account: str, key: str = "") -> Iterable[str]:
    """ARNs the (resolved) properties name, directly or by ID/name (``_ID_ARNS``); not those
    inside a policy document, which are what the policy is about, not what the handler calls."""
    if isinstance(value, Mapping) and "Statement" in value:
        return
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from _referenced_arns(v, partition, region, account, k)
    elif isinstance(value, list):
        for item in value:
            yield from _referenced_arns(item, partition, region, account, key)
    elif isinstance(value, str):
        if value.startswith("arn:"):
            yield value
        elif key in _ID_ARNS and value:
            yield _ID_ARNS[key].format(p=partition, r=region, a=account, v=value, lv=value.lower())


def _choose(
    action: str,
    own: Sequence[str],
    referenced: Sequence[str],
    partition: str,
    region: str,
    account: str,
    seed: tuple[str, ...],
) -> list[str]:
    """The resources a request for ``action`` names: ``*`` for an action that takes none; else
    the resource's own ARN where it is of a type the action takes; else, per type the action
    takes, the ARNs the properties reference, and for a required type nothing references, an
    ARN of its shape (one the call creates, such as a network interface)."""
    types = resource_types(action)
    if not types:
        return ["*"]
    mine = [arn for arn in own if any(t.regex.match(arn) for t in types)]
    if mine:
        return mine[:1]  # own ARNs in order of preference (a bucket before its objects)
    chosen: list[str] = []
    for resource_type in types:
        matches = [arn for arn in referenced if resource_type.regex.match(arn)]
        if matches:
            chosen += matches
        elif resource_type.required:
            chosen.append(fill_pattern(resource_type.arn, partition, region, account, generated_id("hex17", *seed)))
    if not chosen:
        chosen.append(fill_pattern(types[0].arn, partition, region, account, generated_id("hex17", *seed)))
    return list(dict.fromkeys(chosen))


def _context(
    action: str,
    resource_type: str,
    props: Mapping[str, Any],
    target: str,
    own: Sequence[str],
    documents: IamDocuments,
    region: str,
) -> dict[str, ContextValue]:
    """The condition keys the call carries (only those the action supports)."""
    service = resource_type.split("::")[1].lower()
    context: dict[str, ContextValue] = {}
    if action == "iam:PassRole":
        context["iam:PassedToService"] = PASSED_TO.get(service, f"{service}.amazonaws.com")
    if action.startswith("kms:") and service != "kms":
        context["kms:ViaService"] = f"{service}.{region}.amazonaws.com"  # the service calls KMS for the caller
        if action in GRANT_ACTIONS:
            context["kms:GrantIsForAWSResource"] = "true"
    if action.startswith("iam:") and ":role/" in target:
        boundary = props.get("PermissionsBoundary") if target in own else _boundary(documents, target)
        if boundary:
            context["iam:PermissionsBoundary"] = str(boundary)
        if resource_type == "AWS::IAM::ManagedPolicy":
            context["iam:PolicyARN"] = next(a for a in own if ":policy/" in a)
    for key, path in _PROPERTY_CONTEXT.get(resource_type, {}).items():
        value = dig(props, path)
        if value is not None:
            values = [str(v) for v in value] if isinstance(value, list) else [str(value)]
            context[key] = values if key in _LIST_KEYS else values[0]
    supported = condition_keys(action)
    return {k: v for k, v in context.items() if k.lower() in supported}


def _boundary(documents: IamDocuments, role_arn: str) -> str | None:
    role = documents.roles.get(role_arn)
    return None if role is None or role.boundary is None else role.boundary.name
