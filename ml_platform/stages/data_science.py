"""Data science account of one team: Studio, pipelines, model registry (XA-1, XA-2)."""

from __future__ import annotations

from aws_cdk import aws_s3 as s3
from constructs import Construct

from .. import platform_parameters as params
from .. import release, retraining
from ..config import PlatformConfig
from ..constructs.sagemaker_scope import ModelArtefacts
from ..cross_account import role_arn
from ..endpoint_needs import data_science_endpoints
from ..mlflow_support import MlflowTarget, mlflow_kind
from ..products import notebook_product
from ..schema.studio import Persona
from ..stacks.account_data import BucketSpec, KeySpec
from ..stacks.catalog_spoke import ServiceCatalogSpokeStack
from ..stacks.data_access import DataAccessStack
from ..stacks.feature_store import feature_store_role_name
from ..stacks.labeling import LabelingStack
from ..stacks.mlflow import MlflowStack
from ..stacks.model_build import ModelBuildStack
from ..stacks.network import NetworkStack
from ..stacks.studio import StudioStack
from ..stacks.studio_access import StudioAccessStack
from ..topology import AccountRole
from .account_stage import AccountStage


class DataScienceStage(AccountStage):
    def __init__(self, scope: Construct, role: AccountRole, config: PlatformConfig) -> None:
        super().__init__(scope, role, config)
        assert role.team_config is not None, "a data science role carries its team config"
        self.team = role.team_config
        self.network = NetworkStack(
            self,
            "Network",
            self.stack_context,
            vpc=self.team.vpc,
            interface_endpoints=sorted(e.value for e in data_science_endpoints(config, self.team)),
            endpoint_az_count=config.network.endpoint_az_count("data_science"),
            logs_key=self.data.logs_key.key,
            flow_log_retention_days=config.network.flow_log_retention_days,
        )

        bucket_name = self.naming.bucket("projects")
        studio_key = self.data.keys["studio"].key
        mlflow = self._mlflow(config, bucket_name)
        self.access = StudioAccessStack(
            self,
            "Access",
            self.stack_context,
            bucket_name=bucket_name,
            key_arns=[self.data.data_key.key_arn, studio_key.key_arn],
            image_accounts=[config.accounts.shared_services.account_id],
            data_lake_account=config.accounts.data_lake.account_id,
            assumable_role_arns=[
                role_arn(
                    config.accounts.data_lake.account_id,
                    feature_store_role_name(self.naming.prefix, purpose),
                    config.organisation.region,
                )
                for purpose in ("writer", "offline-reader")
            ],
            artefacts=ModelArtefacts(
                bucket=release.artefacts_bucket(config),
                prefix=self.team.name,
                key_account=config.accounts.shared_services.account_id,
                key_alias=release.artefacts_key_alias(config),
            ),
            labeling=self.team.labeling is not None,
            athena_workgroup=self.athena_workgroup,
            feature_store=self.team.feature_store,
            mlflow=mlflow,
            lifecycle=config.model_lifecycle,
        )
        self.data_access = DataAccessStack(
            self,
            "DataAccess",
            self.stack_context,
            data_lake=config.data_lake,
            team=self.team.name,
            data_lake_account=config.accounts.data_lake.account_id,
            reader_role_arns=[
                self.access.persona_roles[p].role_arn for p in (Persona.DATA_SCIENTIST, Persona.ML_ENGINEER)
            ]
            + [self.access.job_role.role_arn],
            workgroup_name=self.athena_workgroup,
            results_bucket=bucket_name,
            results_key_arn=self.data.data_key.key_arn,
        )
        self.studio = StudioStack(
            self,
            "Studio",
            self.stack_context,
            team=self.team,
            network=self.network.network,
            studio_key=studio_key,
            data_key=self.data.data_key.key,
            logs_key=self.data.logs_key.key,
            bucket_name=bucket_name,
            persona_roles=self.access.persona_roles,
        )

        self.catalog = ServiceCatalogSpokeStack(
            self,
            "ServiceCatalog",
            self.stack_context,
            catalog=config.service_catalog,
            hub_account=config.accounts.shared_services.account_id,
            logs_key=self.data.logs_key.key,
            key_arns=[self.data.data_key.key_arn, studio_key.key_arn],
            studio_role_arns=[
                self.access.persona_roles[p].role_arn for p in (Persona.DATA_SCIENTIST, Persona.ML_ENGINEER)
            ],
        )
        self._publish_for_products(bucket_name)
        if self.team.labeling is not None:
            self.labeling = LabelingStack(
                self,
                "Labeling",
                self.stack_context,
                labeling=self.team.labeling,
                bucket_name=self.naming.bucket("labeling"),
                data_key=self.data.data_key.key,
                notification_key=self.data.keys["labeling"].key,
                logs_key=self.data.logs_key.key,
                network=self.network.network,
            )
        self.data.access_logs.allow_logs_from_account_buckets(notebook_product.LOGS_PREFIX)
        builds = [b for b in config.model_builds if b.team == self.team.name]
        if builds:
            self.model_build = ModelBuildStack(
                self,
                "ModelBuild",
                self.stack_context,
                builds=builds,
                pipeline_role=self.access.job_role.role,
                bucket_name=bucket_name,
                volume_key=self.data.data_key.key,
                network=self.network.network,
                artefacts_uri=f"s3://{release.artefacts_bucket(config)}/{self.team.name}",
                artefacts_key=release.artefacts_key_alias_arn(config),
                image_registry=release.image_registry(config),
                deploy_accounts=[config.accounts.test.account_id, config.accounts.prod.account_id],
                lifecycle=config.model_lifecycle,
                release_account=config.accounts.shared_services.account_id,
                model_events_bus_arn=release.model_events_bus_arn(config),
                alerts_topic=self.operations.alerts.topic,
                alerts_key=self.data.alerts_key.key,
                retraining_callers=self._retraining_callers(),
            )

    def _mlflow(self, config: PlatformConfig, bucket_name: str) -> MlflowTarget | None:
        """The team's managed MLflow stack (issue #22), before the roles that may use it."""
        if self.team.mlflow is None:
            return None
        kind = mlflow_kind(config.organisation.region, self.team.mlflow.kind)
        if kind is None:  # the config check refuses a region without either
            return None
        self.mlflow = MlflowStack(
            self,
            "Mlflow",
            self.stack_context,
            mlflow=self.team.mlflow,
            kind=kind,
            bucket_name=bucket_name,
            data_key_arn=self.data.data_key.key_arn,
            model_package_groups=[b.model_package_group for b in config.model_builds if b.team == self.team.name],
        )
        return MlflowTarget(arn=self.mlflow.arn, kind=kind)

    @property
    def athena_workgroup(self) -> str:
        """The team's Athena workgroup for the shared curated tables (``DataAccessStack``)."""
        return self.naming.resource("curated-queries", 128)

    def _retraining_callers(self) -> dict[str, list[str]]:
        """Pipeline name -> the hosting accounts' retraining functions that may start it."""
        callers: dict[str, list[str]] = {}
        for environment, account in (("test", self.config.accounts.test), ("prod", self.config.accounts.prod)):
            for target in retraining.targets_for(self.config, environment):
                if target.team == self.team.name:
                    pipeline = target.pipeline_arn.rsplit("/", 1)[1]
                    callers.setdefault(pipeline, []).append(
                        retraining.function_role_arn(self.config, environment, account.account_id)
                    )
        return callers

    def _publish_for_products(self, bucket_name: str) -> None:
        """What Service Catalog products launched in this account look up (platform_parameters)."""
        network = self.network.network
        self.network.publish(params.SUBNET_IDS, network.subnets.subnet_ids, "Private subnets for SageMaker resources")
        self.network.publish(
            params.SAGEMAKER_SECURITY_GROUP,
            network.sagemaker_sg.security_group_id,
            "Security group of SageMaker apps, notebooks and jobs",
        )
        self.data.publish(params.DATA_KEY_ARN, self.data.data_key.key_arn, "Key of the team's data")
        self.data.publish(params.STUDIO_KEY_ARN, self.data.keys["studio"].key_arn, "Key of Studio and notebook volumes")
        self.data.publish(params.PROJECTS_BUCKET, bucket_name, "The team's projects bucket")
        self.data.publish(params.ACCESS_LOGS_BUCKET, self.data.access_logs.bucket.bucket_name, "S3 access log bucket")
        self.access.publish(
            params.SAGEMAKER_ROLE_PREFIX,
            self.access.sagemaker_scope.role_name_prefix,
            "Name prefix of the platform's SageMaker roles (PassRole scope)",
        )
        self.data.publish(params.TEAM, self.team.name, "The team of this account (Team tag)")
        self.data.publish(
            params.IMAGE_ACCOUNT, self.config.accounts.shared_services.account_id, "Account of the platform's images"
        )
        self.studio.publish(params.STUDIO_DOMAIN_ID, self.studio.domain.domain_id, "The team's Studio domain")
        self.studio.publish(
            params.NOTEBOOK_LIFECYCLE_CONFIG,
            self.studio.notebook_idle_stop.config_name,
            "Notebook lifecycle configuration that stops idle instances",
        )

    def key_specs(self) -> list[KeySpec]:
        keys = [KeySpec("StudioKey", "studio", f"Encrypts Studio home EFS and app volumes of {self.role.slug}.")]
        if self.role.team_config and self.role.team_config.labeling:
            # SageMaker publishes new-task notifications to the workteam's encrypted topic.
            keys.append(
                KeySpec(
                    "LabelingKey",
                    "labeling",
                    "Encrypts Ground Truth task notifications.",
                    service_principals=("sagemaker.amazonaws.com",),
                )
            )
        return keys

    def links_observability(self) -> bool:
        return True

    def bucket_specs(self) -> list[BucketSpec]:
        # Team data, Studio sharing and the SageMaker default bucket of the account's jobs.
        buckets = [BucketSpec("Projects", "projects")]
        if self.role.team_config and self.role.team_config.labeling:
            # The worker portal reads task objects from the browser (Ground Truth CORS requirement).
            cors = s3.CorsRule(
                allowed_methods=[s3.HttpMethods.GET],
                allowed_origins=["*"],
                exposed_headers=["Access-Control-Allow-Origin"],
            )
            buckets.append(BucketSpec("Labeling", "labeling", cors_rules=(cors,)))
        return buckets
