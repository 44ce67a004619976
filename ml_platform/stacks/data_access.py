"""A data science account's view of the data lake: a resource link to the shared curated
database and Lake Formation grants to the team's SageMaker roles (book ch14; XA-8, AS-10)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_athena as athena
from aws_cdk import aws_glue as glue
from aws_cdk import aws_lakeformation as lakeformation
from constructs import Construct

from ..naming import partition_for
from ..schema.datalake import DataLakeConfig
from .base import PlatformStack, StackContext
from .data_catalog import cdk_execution_role
from .lake_formation import describe_database, select_columns


def resource_link_name(curated_database: str) -> str:
    return f"{curated_database}_shared"


ATHENA_RESULTS_PREFIX = "athena-results/"


class DataAccessStack(PlatformStack):
    """Stateless. Lake Formation shares the curated tables with this account through AWS RAM
    (accepted automatically inside an AWS Organization); this stack links and grants them."""

    STATEFUL = False

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        data_lake: DataLakeConfig,
        team: str,
        data_lake_account: str,
        reader_role_arns: Sequence[str],
        workgroup_name: str,
        results_bucket: str,
        results_key_arn: str,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            context,
            description=f"Resource link to the data lake and Lake Formation grants of {team}.",
        )
        partition = partition_for(self.region)
        # The deploy role must be a Lake Formation admin here to grant on the shared tables.
        # Note: DataLakeSettings is one per account; it replaces admins set by hand.
        settings = lakeformation.CfnDataLakeSettings(
            self,
            "Settings",
            admins=[
                lakeformation.CfnDataLakeSettings.DataLakePrincipalProperty(
                    data_lake_principal_identifier=cdk_execution_role(partition, self.account, self.region)
                )
            ],
        )
        # Where the team's Athena queries of the shared tables run (Studio, Data Wrangler): results
        # in the team bucket, encrypted with the data key; users cannot override it (issue #17).
        athena.CfnWorkGroup(
            self,
            "QueryWorkGroup",
            name=workgroup_name,
            description=f"Queries of the curated tables shared with {team}",
            recursive_delete_option=True,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{results_bucket}/{ATHENA_RESULTS_PREFIX}",
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(
                        encryption_option="SSE_KMS", kms_key=results_key_arn
                    ),
                ),
            ),
        )
        link_name = resource_link_name(data_lake.curated_database)
        link = glue.CfnDatabase(
            self,
            "CuratedLink",
            catalog_id=self.account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=link_name,
                target_database=glue.CfnDatabase.DatabaseIdentifierProperty(
                    catalog_id=data_lake_account, database_name=data_lake.curated_database
                ),
            ),
        )
        link.add_resource_dependency(settings)
        tables = [t for t in data_lake.curated_tables if t.share_with is None or team in t.share_with]
        for i, role in enumerate(reader_role_arns):
            describe = describe_database(
                self, f"DescribeLink{i}", role, catalog_id=self.account, database=link_name, grantable=False
            )
            describe.add_resource_dependency(link)
            for table in tables:
                select = select_columns(
                    self,
                    f"Select-{table.name}-{i}",
                    role,
                    catalog_id=data_lake_account,
                    database=data_lake.curated_database,
                    table=table.name,
                    columns=table.shared_columns or table.columns,
                    grantable=False,
                )
                select.add_resource_dependency(settings)
