"""Inference components (issue #22): who deploys, runs, scales and invokes a component, and who
may not. Derived from the templates: every ``AWS::SageMaker::InferenceComponent`` and the
endpoint config it runs on, so a new component cannot skip its proof.

- CloudFormation's execution role (with the checked-in execution policies) creates and, on a
  release, updates the component (the release's deployer only updates the stack: ``release.py``).
- SageMaker assumes the endpoint config's execution role (the account's models role).
- Application Auto Scaling changes copies through its service-linked role, and the
  scale-from-zero alarm's action is a scaling policy: neither has a policy the templates create
  to prove (``services.py`` skips autoscaling actions for the same reason).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...assembly.cloud_assembly import StackInstance
from ...rehearsal.execution_policy import execution_policy_documents
from ...topology import AccountKind
from ..model import ContextValue, Flow, OutsideRole, Role, Service, allow, deny, in_area
from ..platform import Platform

AREA = "inference components"
CFN_DOC = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-inferencecomponent.html"
)
ROLE_DOC = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html (ExecutionRoleArn)"
PASSED: dict[str, ContextValue] = {"iam:PassedToService": "sagemaker.amazonaws.com"}


def _components(platform: Platform) -> Iterator[tuple[StackInstance, str, dict[str, Any], dict[str, Any]]]:
    """(stack, component ARN, component properties, its endpoint config's properties)."""
    for stack in platform.assembly.stacks:
        configs = {
            platform.resolver.resolve(stack, {"Ref": lid}): platform.resolver.resolve(stack, r["Properties"])
            for lid, r in stack.resources.items()
            if r["Type"] == "AWS::SageMaker::EndpointConfig" and "ExecutionRoleArn" in r["Properties"]
        }
        endpoints = {
            r["Properties"]["EndpointName"]: platform.resolver.resolve(stack, r["Properties"]["EndpointConfigName"])
            for r in stack.resources.values()
            if r["Type"] == "AWS::SageMaker::Endpoint"
        }
        for resource in stack.resources.values():
            if resource["Type"] != "AWS::SageMaker::InferenceComponent":
                continue
            props = platform.resolver.resolve(stack, resource["Properties"])
            name = props["InferenceComponentName"]
            arn = platform.arn("sagemaker", stack.account, f"inference-component/{name}")
            yield stack, arn, props, configs.get(endpoints.get(props["EndpointName"], ""), {})


def _execution_role(platform: Platform, kind: AccountKind, account: str) -> OutsideRole:
    """The CDK bootstrap's CloudFormation execution role with the checked-in execution policies."""
    statements = [s for doc in execution_policy_documents(kind) for s in doc["Statement"]]
    arn = f"arn:{platform.partition}:iam::{account}:role/cdk-hnb659fds-cfn-exec-role-{account}-{platform.region}"
    return OutsideRole(arn, platform.organization_id, identity={"Version": "2012-10-17", "Statement": statements})


def flows(platform: Platform) -> list[Flow]:
    found: list[Flow] = []
    kinds = {r.account_id: r.kind for r in platform.roles}
    for stack, arn, props, config in _components(platform):
        name = props["InferenceComponentName"]
        deployer = _execution_role(platform, kinds[stack.account], stack.account)
        found += [
            allow(
                f"CloudFormation creates component {name}", deployer, "sagemaker:CreateInferenceComponent", arn, CFN_DOC
            ),
            allow(
                f"CloudFormation swaps {name}'s model on a release",
                deployer,
                "sagemaker:UpdateInferenceComponent",
                arn,
                CFN_DOC,
            ),
        ]
        role = config.get("ExecutionRoleArn")
        if isinstance(role, str):
            sagemaker = Service("sagemaker.amazonaws.com", stack.account)
            found.append(
                allow(
                    f"SageMaker assumes {name}'s endpoint execution role", sagemaker, "sts:AssumeRole", role, ROLE_DOC
                )
            )
            found += _denials(platform, stack, arn, name, role)
    return in_area(AREA, found)


def _denials(platform: Platform, stack: StackInstance, arn: str, name: str, role: str) -> list[Flow]:
    models = Role(role)
    slug = next(r.slug for r in platform.roles if r.account_id == stack.account)
    deployer = platform.role(slug, "model-deployer")
    why = "XA-11, book ch14: components change only through CloudFormation (the hosting stack), never by hand"
    found = [
        deny(f"the endpoint execution role updates {name}", models, "sagemaker:UpdateInferenceComponent", arn, why),
        deny(f"the endpoint execution role deletes {name}", models, "sagemaker:DeleteInferenceComponent", arn, why),
        deny(
            f"the endpoint execution role passes the release deployer role ({name})",
            models,
            "iam:PassRole",
            deployer.arn,
            "the models role cannot pass roles (docs/hosting.md)",
            context=PASSED,
        ),
        deny(
            f"the endpoint execution role passes itself ({name})",
            models,
            "iam:PassRole",
            role,
            "the models role cannot pass roles (docs/hosting.md)",
            context=PASSED,
        ),
        deny(
            f"the release deployer updates {name} directly",
            deployer,
            "sagemaker:UpdateInferenceComponent",
            arn,
            "XA-11: the deployer updates the hosting stack, CloudFormation the component",
        ),
    ]
    for team in platform.teams():
        scientist = platform.role(team.slug, "sm-data-scientist")
        found.append(
            deny(
                f"{team.slug}'s data scientist updates {slug}'s component {name}",
                scientist,
                "sagemaker:UpdateInferenceComponent",
                arn,
                "XA-2, book ch14: data scientists have no rights in the hosting accounts",
            )
        )
    return found
