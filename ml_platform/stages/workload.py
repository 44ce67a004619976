"""Test and prod accounts: model hosting, data capture and monitoring (XA-1, XA-3)."""

from __future__ import annotations

from constructs import Construct

from .. import release
from ..config import PlatformConfig
from ..constructs.endpoint_observability import violation_alarm_name
from ..constructs.sagemaker_scope import ModelArtefacts
from ..constructs.secure_bucket import LifecycleProps
from ..cross_account import role_arn
from ..endpoint_needs import hosting_endpoints
from ..retraining import targets_for
from ..schema.hosting import EndpointConfig
from ..stacks.account_data import BucketSpec
from ..stacks.feature_store import feature_store_role_name
from ..stacks.hosting import HostingStack, endpoint_alarm_prefix
from ..stacks.monitoring import MonitoringStack
from ..stacks.network import NetworkStack
from ..stacks.prediction import PredictionStack
from ..stacks.release_access import ReleaseAccessStack
from ..topology import AccountKind, AccountRole
from .account_stage import AccountStage

MONITORING_PURPOSE = "monitoring"


class WorkloadStage(AccountStage):
    def __init__(self, scope: Construct, role: AccountRole, config: PlatformConfig) -> None:
        super().__init__(scope, role, config)
        account = config.accounts.test if role.kind == AccountKind.TEST else config.accounts.prod
        self.network = NetworkStack(
            self,
            "Network",
            self.stack_context,
            vpc=account.vpc,
            interface_endpoints=sorted(e.value for e in hosting_endpoints(config, role.slug)),
            endpoint_az_count=config.network.endpoint_az_count(role.slug),
            logs_key=self.data.logs_key.key,
            flow_log_retention_days=config.network.flow_log_retention_days,
        )

        endpoints = [e for e in config.endpoints if e.account.value == role.slug]
        targets = [t for g in release.released_groups(config) for t in g.targets if t.account == role.account_id]
        if endpoints:
            by_name = {m.name: m for m in config.models}
            hosted = [by_name[m] for m in release.hosted_models(config, role.slug)]
            parameters = {release.model_parameter(config, m): release.initial_value(m) for m in hosted}
            parameters |= {name: release.NONE for t in targets for name in (t.latest, t.previous)}
            shared = config.accounts.shared_services.account_id
            self.release_access = ReleaseAccessStack(
                self,
                "ReleaseAccess",
                self.stack_context,
                parameters=parameters,
                role_name=self.naming.resource(release.DEPLOYER_ROLE_PURPOSE) if targets else None,
                release_role_arn=role_arn(
                    shared,
                    release.shared_naming(config).resource(release.RELEASE_ROLE_PURPOSE),
                    config.organisation.region,
                ),
                stack_names=sorted({s.stack_name for t in targets for s in t.stacks}),
                released=sorted({name for t in targets for name in (t.latest, t.previous)}),
            )
        if endpoints:
            self._hosting(config, role, endpoints)
            retrained = {t.endpoint for t in targets_for(config, role.slug)}
            monitors = [m for m in config.monitors if m.endpoint in retrained]
            self.monitoring = MonitoringStack(
                self,
                "Monitoring",
                self.stack_context,
                retraining=targets_for(config, role.slug),
                schedules={m.schedule_name: m.endpoint for m in monitors},
                alarms={
                    violation_alarm_name(endpoint_alarm_prefix(self.naming), m): m.endpoint for m in monitors if m.alarm
                },
                key=self.data.data_key.key,
                alerts_key=self.data.alerts_key.key,
                logs_key=self.data.logs_key.key,
            )

        endpoint_names = {e.name for e in endpoints}
        predictions = [p for p in config.realtime_predictions if p.endpoint in endpoint_names]
        if predictions:
            reader = role_arn(
                config.accounts.data_lake.account_id,
                feature_store_role_name(self.naming.prefix, "online-reader"),
                config.organisation.region,
            )
            self.prediction = PredictionStack(
                self,
                "Prediction",
                self.stack_context,
                predictions=predictions,
                online_reader_role_arn=reader,
                network=self.network.network,
                logs_key=self.data.logs_key.key,
            )

    def _hosting(self, config: PlatformConfig, role: AccountRole, endpoints: list[EndpointConfig]) -> None:
        """One stack per shard of the endpoints (issue #13): each endpoint with its monitors."""
        shards: dict[str, list[EndpointConfig]] = {}
        for endpoint in endpoints:
            shards.setdefault(release.hosting_stack_id(config, role.slug, endpoint.name), []).append(endpoint)
        self.hosting_stacks: dict[str, HostingStack] = {}
        for stack_id, members in sorted(shards.items()):
            names = {e.name for e in members}
            stack = HostingStack(
                self,
                stack_id,
                self.stack_context,
                endpoints=members,
                models=config.models,
                model_parameters={m.name: release.model_parameter(config, m) for m in config.models},
                network=self.network.network,
                key=self.data.data_key.key,
                bucket_name=self.naming.bucket("inference"),
                image_accounts=[config.accounts.shared_services.account_id],
                artefacts=ModelArtefacts(
                    bucket=release.artefacts_bucket(config),
                    prefix="*",
                    key_account=config.accounts.shared_services.account_id,
                    key_alias=release.artefacts_key_alias(config),
                ),
                alerts_topic=self.operations.alerts.topic,
                monitoring_bucket=self.naming.bucket(MONITORING_PURPOSE),
                monitors=[m for m in config.monitors if m.endpoint in names],
                role_suffix=f"-{shard}" if (shard := stack_id.removeprefix(release.HOSTING_STACK_ID)) else "",
            )
            # The released-model parameters must exist before the stack resolves them.
            stack.add_stack_dependency(self.release_access, "resolves the released-model parameters")
            self.hosting_stacks[stack_id] = stack

    def links_observability(self) -> bool:
        return True

    def bucket_specs(self) -> list[BucketSpec]:
        # Async and batch outputs (book ch10); captured data, baselines, labels and monitor
        # reports, cheaper as they age (book ch11).
        monitoring = LifecycleProps(infrequent_access_days=30, glacier_days=90, noncurrent_version_days=30)
        return [
            BucketSpec("Inference", "inference"),
            BucketSpec("Monitoring", MONITORING_PURPOSE, lifecycle=monitoring),
        ]
