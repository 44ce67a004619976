"""Glue catalog and Lake Formation of the data lake account: curated tables shared with the
data science accounts at column level (book ch14 Data Wrangler cross-account; XA-8, AS-10)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lakeformation as lakeformation
from constructs import Construct

from ..constructs.scoped_policy import Grant, ScopedPolicy
from ..naming import partition_for
from ..schema.datalake import DataLakeConfig
from .base import PlatformStack, StackContext
from .lake_formation import describe_database, select_columns


def _iam_allowed_all() -> lakeformation.CfnDataLakeSettings.PrincipalPermissionsProperty:
    return lakeformation.CfnDataLakeSettings.PrincipalPermissionsProperty(
        principal=lakeformation.CfnDataLakeSettings.DataLakePrincipalProperty(
            data_lake_principal_identifier="IAM_ALLOWED_PRINCIPALS"
        ),
        permissions=["ALL"],
    )


def cdk_execution_role(partition: str, account: str, region: str) -> str:
    """CloudFormation's role from `cdk bootstrap` (default qualifier): it must be a Lake
    Formation admin, or CloudFormation cannot create the grants."""
    return f"arn:{partition}:iam::{account}:role/cdk-hnb659fds-cfn-exec-role-{account}-{region}"


class DataCatalogStack(PlatformStack):
    """Stateless: catalog metadata can be recreated; the data stays in the retained buckets."""

    STATEFUL = False
    DESCRIPTION = "Glue databases, curated tables and Lake Formation grants of the data lake."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        data_lake: DataLakeConfig,
        curated_bucket_name: str,
        data_key: kms.IKey,
        teams: Mapping[str, str],
    ) -> None:
        super().__init__(scope, construct_id, context)
        partition = partition_for(self.region)
        settings = lakeformation.CfnDataLakeSettings(
            self,
            "Settings",
            admins=[
                lakeformation.CfnDataLakeSettings.DataLakePrincipalProperty(data_lake_principal_identifier=arn)
                for arn in [cdk_execution_role(partition, self.account, self.region), *data_lake.admins]
            ],
            parameters={"CROSS_ACCOUNT_VERSION": "4"},  # named-resource sharing through AWS RAM
            # Keep IAM-based access for new databases and tables (the feature store's offline
            # tables are created by SageMaker with IAM permissions); cross-account consumers are
            # governed by the Lake Formation grants below.
            create_database_default_permissions=[_iam_allowed_all()],
            create_table_default_permissions=[_iam_allowed_all()],
        )
        for construct_id_, name, what in (
            ("CuratedDatabase", data_lake.curated_database, "curated zone"),
            ("FeatureStoreDatabase", data_lake.feature_store_database, "feature groups' offline tables"),
        ):
            db = glue.CfnDatabase(
                self,
                construct_id_,
                catalog_id=self.account,
                database_input=glue.CfnDatabase.DatabaseInputProperty(name=name, description=what),
            )
            db.add_resource_dependency(settings)
        self._register_location(curated_bucket_name, data_key, partition)
        for table in data_lake.curated_tables:
            cfn_table = glue.CfnTable(
                self,
                f"Table-{table.name}",
                catalog_id=self.account,
                database_name=data_lake.curated_database,
                table_input=glue.CfnTable.TableInputProperty(
                    name=table.name,
                    table_type="EXTERNAL_TABLE",
                    parameters={"classification": "parquet"},
                    storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                        location=f"s3://{curated_bucket_name}/{table.prefix}",
                        columns=[glue.CfnTable.ColumnProperty(name=c, type=t.value) for c, t in table.columns.items()],
                        input_format="org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                        output_format="org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                        serde_info=glue.CfnTable.SerdeInfoProperty(
                            serialization_library="org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
                        ),
                    ),
                ),
            )
            cfn_table.add_resource_dependency(self.node.find_child("CuratedDatabase"))  # type: ignore[arg-type]
            shared = table.share_with if table.share_with is not None else tuple(teams)
            columns = list(table.shared_columns or table.columns)
            for team in shared:
                self._grant_table(team, teams[team], data_lake.curated_database, table.name, columns, cfn_table)

    def _register_location(self, bucket: str, key: kms.IKey, partition: str) -> None:
        """Lake Formation vends credentials for the curated bucket through this role."""
        role = iam.Role(
            self,
            "DataAccessRole",
            role_name=self.naming.resource("lf-data-access"),
            assumed_by=iam.ServicePrincipal("lakeformation.amazonaws.com"),
            description="Lake Formation reads the curated zone with this role",
        )
        policy = ScopedPolicy(
            self,
            "DataAccessPermissions",
            name=None,
            description="Read the curated zone",
            grants=[
                Grant(
                    "CuratedObjects",
                    ["s3:GetObject"],
                    [f"arn:{partition}:s3:::{bucket}/*"],
                    why="any object of the curated bucket",
                ),
                Grant("CuratedListing", ["s3:ListBucket"], [f"arn:{partition}:s3:::{bucket}"]),
                Grant("CuratedKey", ["kms:Decrypt", "kms:DescribeKey"], [key.key_arn]),
            ],
        )
        role.add_managed_policy(policy.policy)
        lakeformation.CfnResource(
            self,
            "CuratedLocation",
            resource_arn=f"arn:{partition}:s3:::{bucket}",
            use_service_linked_role=False,
            role_arn=role.role_arn,
        )

    def _grant_table(
        self, team: str, account: str, database: str, table: str, columns: Sequence[str], cfn_table: glue.CfnTable
    ) -> None:
        """SELECT on the listed columns and DESCRIBE on the database, to the team's account; its
        admin grants them on to the team's roles (``DataAccessStack``)."""
        table_grant = select_columns(
            self,
            f"Select-{table}-{team}",
            account,
            catalog_id=self.account,
            database=database,
            table=table,
            columns=columns,
            grantable=True,
        )
        table_grant.add_resource_dependency(cfn_table)
        if self.node.try_find_child(f"Describe-{database}-{team}") is None:
            describe = describe_database(
                self, f"Describe-{database}-{team}", account, catalog_id=self.account, database=database, grantable=True
            )
            describe.add_resource_dependency(cfn_table)
