"""What a product launch calls with the launch role (issue #18). The launch role, within its
permissions boundary, must be allowed

- what Service Catalog does with it: the CloudFormation stack actions the launch-constraint
  guide lists (https://docs.aws.amazon.com/servicecatalog/latest/adminguide/getstarted-launchconstraint.html)
  on the provisioned stack, and ``s3:GetObject`` on the template in Service Catalog's bucket;
- what CloudFormation does with the caller's credentials before any resource: resolve the
  template's ``AWS::SSM::Parameter::Value`` parameters
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html);
- every permission the schema of each resource type lists for its create, update and delete
  handlers (``handler_permissions``), on the resource it acts on (``launch_resources``), with the
  request context the call carries. ``handler_permissions.SKIPS`` is the one table of what is
  left out, and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..assembly.cloud_assembly import StackInstance
from ..assembly.iam_documents import IamDocuments
from ..assembly.resolver import dig
from ..flows.model import ContextValue, Flow, Role, allow
from ..flows.platform import Platform
from .handler_permissions import needed_actions
from .iam_reference import condition_keys, known_action
from .launch_resources import choose_resources, own_arns, referenced_arns

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
        for resource in choose_resources(action, [stack_arn], [], p, region, account, seed=(stack.stack_name, action))
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
        own = own_arns(r, stack, logical_id)
        referenced = sorted(set(referenced_arns(props, p, region, account)) - set(own))
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
            for target in choose_resources(need.action, own, referenced, p, region, account, seed=seed):
                context = _context(need.action, kind, props, target, own, documents, region)
                requests.append(call(logical_id, kind, need.handlers, need.action, target, context))
    return requests


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
