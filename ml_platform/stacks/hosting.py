"""Endpoints of a hosting account (test or prod), and the parameters releases update (book ch9, ch14)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from ..constructs import sagemaker_scope as platform_grants
from ..constructs.component_endpoint import ComponentEndpoint
from ..constructs.endpoint_alarms import rollback_alarm_name
from ..constructs.endpoint_monitors import EndpointMonitors
from ..constructs.endpoint_observability import EndpointObservability
from ..constructs.hosted_endpoint import AsyncOutput, HostedEndpoint
from ..constructs.ml_vpc import MlVpc
from ..constructs.sagemaker_role import SageMakerRole
from ..constructs.scoped_policy import Grant
from ..naming import Naming, partition_for
from ..personas import MODEL_GRANTS, grants_for
from ..release import NONE, released_parameter
from ..schema.hosting import EndpointConfig, ModelConfig
from ..schema.monitoring import MonitorConfig
from .base import PlatformStack, StackContext


def endpoint_alarm_prefix(naming: Naming) -> str:
    """Every endpoint alarm's name starts here: under the account's alarm prefix, which the
    alerts topic admits CloudWatch for (``OperationsStack``)."""
    return naming.resource("endpoints", 200)


def _apply_condition(scope: Construct, condition: cdk.CfnCondition) -> None:
    """Every CloudFormation resource under ``scope`` is created only when ``condition`` holds."""
    for child in scope.node.find_all():
        if isinstance(child, cdk.CfnResource):
            child.cfn_options.condition = condition


def any_condition(scope: Construct, name: str, conditions: Sequence[cdk.CfnCondition]) -> cdk.CfnCondition:
    """One condition true when any of ``conditions`` is, named ``name`` (a single condition is
    returned as it is). Fn::Or takes 2 to 10 conditions: more are nested by tens, the inner ones
    named ``<name><depth>x<group>``."""
    level = list(conditions)
    depth = 0
    while len(level) > 1:
        depth += 1
        last = len(level) <= 10  # this level's one group is the result
        level = [
            group[0]
            if len(group) == 1
            else cdk.CfnCondition(
                scope,
                name if last else f"{name}{depth}x{i}",
                # CfnCondition implements ICfnConditionExpression (jsii; mypy cannot see it).
                expression=cdk.Fn.condition_or(*[cast(cdk.ICfnConditionExpression, c) for c in group]),
            )
            for i, group in enumerate(level[k : k + 10] for k in range(0, len(level), 10))
        ]
    return level[0]


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


class HostingStack(PlatformStack):
    """Stateless: endpoints serve models stored elsewhere (registry, artefacts bucket, ECR).

    Every model is deployed from its ``Released<Model>`` parameter, which resolves the model's
    released-model SSM parameter at every deploy (``cdk deploy``, the platform pipeline or a
    release), so no deploy rolls a release back. While that value is ``none`` (nothing released
    yet) the endpoints using the model, with their scaling and monitors, are left out by a
    CloudFormation condition: the platform deploys into an organisation without any model
    (issue #18), and an endpoint comes into being with its model's first release.
    """

    STATEFUL = False
    DESCRIPTION = "Model endpoints of the {slug} account."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        endpoints: Sequence[EndpointConfig],
        models: Sequence[ModelConfig],
        model_parameters: Mapping[str, str],
        network: MlVpc,
        key: kms.IKey,
        bucket_name: str,
        image_accounts: Sequence[str],
        artefacts: platform_grants.ModelArtefacts,
        alerts_topic: sns.ITopic,
        monitoring_bucket: str,
        monitors: Sequence[MonitorConfig] = (),
        role_suffix: str = "",
    ) -> None:
        super().__init__(scope, construct_id, context)
        by_name = {m.name: m for m in models}
        used = sorted({m for e in endpoints for m in e.models})
        package_arns: dict[str, str] = {}
        released: dict[str, cdk.CfnCondition] = {}
        for name in used:
            parameter = cdk.CfnParameter(
                self,
                released_parameter(name),
                type="AWS::SSM::Parameter::Value<String>",
                default=model_parameters[name],
                description=f"Released {name}: a package ARN or image URI, or '{NONE}' (docs/model-release.md)",
            )
            released[name] = cdk.CfnCondition(
                self,
                f"{released_parameter(name)}IsSet",
                expression=cdk.Fn.condition_not(cdk.Fn.condition_equals(parameter.value_as_string, NONE)),
            )
            if by_name[name].from_registry:
                package_arns[name] = parameter.value_as_string
        scope_values = platform_grants.SageMakerScope(
            partition=partition_for(self.region),
            region=self.region,
            account=self.account,
            bucket_name=bucket_name,
            key_arns=[key.key_arn],
            role_name_prefix=self.naming.resource("sm-"),
            image_accounts=image_accounts,
            artefacts=artefacts,
        )
        asynchronous = [e for e in endpoints if e.async_inference is not None]
        topics = {e.name: self._async_topics(e.name, key) for e in asynchronous if e.async_inference.notifications}  # type: ignore[union-attr]
        grants = grants_for(MODEL_GRANTS, scope_values)
        if any(e.capture for e in endpoints):  # SageMaker writes captured data as the model role
            grants.append(
                Grant(
                    "WriteCapturedData",
                    ["s3:PutObject", "s3:GetBucketLocation"],
                    [
                        f"arn:{scope_values.partition}:s3:::{monitoring_bucket}",
                        f"arn:{scope_values.partition}:s3:::{monitoring_bucket}/capture/*",
                    ],
                    why="captured requests and responses, named by SageMaker per endpoint, variant and hour",
                )
            )
        if topics:
            grants.append(
                Grant("AsyncNotifications", ["sns:Publish"], [t.topic_arn for pair in topics.values() for t in pair])
            )
        alarm_prefix = endpoint_alarm_prefix(self.naming)
        blue_green = [e.name for e in endpoints if e.blue_green is not None]
        if blue_green:
            # Auto-rollback reads its alarms through the endpoint's execution role ("Auto-Rollback
            # Configuration and Monitoring", SageMaker Developer Guide:
            # https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html).
            grants.append(
                Grant(
                    "ReadRollbackAlarms",
                    ["cloudwatch:DescribeAlarms"],
                    [
                        scope_values.arn("cloudwatch", f"alarm:{rollback_alarm_name(alarm_prefix, name, '*')}")
                        for name in blue_green
                    ],
                    why="the rollback alarms of each blue/green endpoint (named <prefix>-<endpoint>-<what>)",
                )
            )
        self.model_role = SageMakerRole(
            self,
            "ModelRole",
            role_name=self.naming.resource(f"sm-models{role_suffix}"),
            description="Execution role of the hosted models: artefacts, images, logs, async results",
            grants=grants,
        )
        self.endpoints: dict[str, HostedEndpoint | ComponentEndpoint] = {}
        self._gates: dict[str, cdk.CfnCondition] = {}
        self._combined: dict[tuple[str, ...], cdk.CfnCondition] = {}
        for endpoint in endpoints:
            if endpoint.component_mode:
                self.endpoints[endpoint.name] = self._component_endpoint(
                    endpoint, by_name, package_arns, released, network, key, alarm_prefix, monitoring_bucket
                )
                continue
            output = None
            if endpoint.async_inference is not None:
                settings, base = endpoint.async_inference, f"s3://{bucket_name}/async/{endpoint.name}"
                success, error = topics.get(endpoint.name, (None, None))
                output = AsyncOutput(
                    output_path=settings.output_path or f"{base}/output/",
                    failure_path=settings.failure_path or f"{base}/failures/",
                    success_topic=success,
                    error_topic=error,
                )
            hosted = HostedEndpoint(
                self,
                f"Endpoint{_pascal(endpoint.name)}",
                endpoint=endpoint,
                models=by_name,
                package_arns=package_arns,
                role=self.model_role.role,
                network=network,
                key=key,
                alarm_topic=alerts_topic,
                alarm_prefix=alarm_prefix,
                async_output=output,
                capture_uri=f"s3://{monitoring_bucket}/capture/" if endpoint.capture else None,
            )
            hosted.node.add_dependency(self.model_role)
            self.endpoints[endpoint.name] = hosted
            self._gates[endpoint.name] = self._gate(endpoint, released)
            _apply_condition(hosted, self._gates[endpoint.name])
        # Everything of an endpoint lives in its stack (issue #13): monitors and alarms too.
        if monitors:
            self.monitors = EndpointMonitors(
                self,
                "Monitors",
                monitors=monitors,
                role_name=self.naming.resource(f"sm-monitoring{role_suffix}"),
                bucket_name=monitoring_bucket,
                key=key,
                network=network,
            )
            for monitor in monitors:  # a schedule names its endpoint: the endpoint comes first
                construct = self.monitors.monitors[monitor.schedule_name]
                construct.node.add_dependency(self.endpoints[monitor.endpoint])
                _apply_condition(construct, self._gates[monitor.endpoint])
        self.alarms = EndpointObservability(
            self,
            "Alarms",
            alarm_prefix=alarm_prefix,
            topic=alerts_topic,
            endpoints=endpoints,
            monitors=monitors,
        )

    def _gate(self, endpoint: EndpointConfig, released: Mapping[str, cdk.CfnCondition]) -> cdk.CfnCondition:
        """The endpoint exists once every model it serves is released (one condition per set of
        models: endpoints serving the same models share it)."""
        names = tuple(sorted(set(endpoint.models)))
        if len(names) == 1:
            return released[names[0]]
        if names not in self._combined:
            self._combined[names] = cdk.CfnCondition(
                self,
                "Released" + "".join(_pascal(n) for n in names),
                # CfnCondition implements ICfnConditionExpression (jsii; mypy cannot see it).
                expression=cdk.Fn.condition_and(*[cast(cdk.ICfnConditionExpression, released[n]) for n in names]),
            )
        return self._combined[names]

    def _component_endpoint(
        self,
        endpoint: EndpointConfig,
        by_name: Mapping[str, ModelConfig],
        package_arns: Mapping[str, str],
        released: Mapping[str, cdk.CfnCondition],
        network: MlVpc,
        key: kms.IKey,
        alarm_prefix: str,
        monitoring_bucket: str,
    ) -> ComponentEndpoint:
        """An inference-component endpoint (docs/inference-components.md): the endpoint exists once
        any of its models is released, each component (model, component, scaling) once its own
        model is, so the first release of one model brings up its component only."""
        hosted = ComponentEndpoint(
            self,
            f"Endpoint{_pascal(endpoint.name)}",
            endpoint=endpoint,
            models=by_name,
            package_arns=package_arns,
            role=self.model_role.role,
            network=network,
            key=key,
            alarm_prefix=alarm_prefix,
            capture_uri=f"s3://{monitoring_bucket}/capture/" if endpoint.capture else None,
        )
        hosted.node.add_dependency(self.model_role)
        names = sorted(set(endpoint.models))
        self._gates[endpoint.name] = gate = any_condition(
            self, f"AnyReleased{_pascal(endpoint.name)}", [released[n] for n in names]
        )
        _apply_condition(hosted, gate)
        for component in endpoint.inference_components:
            _apply_condition(hosted.components[component.name], released[component.model])
        return hosted

    def _async_topics(self, endpoint: str, key: kms.IKey) -> tuple[sns.Topic, sns.Topic]:
        """Encrypted success and error topics of an asynchronous endpoint (book ch10)."""
        pair = tuple(
            sns.Topic(
                self,
                f"Async{_pascal(endpoint)}{outcome.capitalize()}",
                topic_name=self.naming.resource(f"{endpoint}-async-{outcome}", 256),
                master_key=key,
                enforce_ssl=True,
            )
            for outcome in ("success", "error")
        )
        return pair[0], pair[1]
