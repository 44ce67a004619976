"""Data lake account: raw and curated zones and the central feature store (XA-1, XA-5)."""

from __future__ import annotations

from constructs import Construct

from ..config import PlatformConfig
from ..constructs.secure_bucket import LifecycleProps
from ..stacks.account_data import BucketSpec, KeySpec
from ..stacks.data_catalog import DataCatalogStack
from ..stacks.feature_store import FeatureStoreStack
from ..stacks.ingestion import IngestionStack
from ..topology import AccountRole
from .account_stage import AccountStage


class DataLakeStage(AccountStage):
    def __init__(self, scope: Construct, role: AccountRole, config: PlatformConfig) -> None:
        super().__init__(scope, role, config)
        teams = {team.name: team.account_id for team in config.accounts.data_science}
        self.catalog = DataCatalogStack(
            self,
            "Catalog",
            self.stack_context,
            data_lake=config.data_lake,
            curated_bucket_name=self.naming.bucket("curated"),
            data_key=self.data.data_key.key,
            teams=teams,
        )
        hosting = {"test": config.accounts.test.account_id, "prod": config.accounts.prod.account_id}
        self.feature_store = FeatureStoreStack(
            self,
            "FeatureStore",
            self.stack_context,
            feature_groups=config.feature_groups,
            key=self.data.keys["features"].key,
            offline_bucket_name=self.naming.bucket("offline-store"),
            glue_database=config.data_lake.feature_store_database,
            # The platform's SageMaker roles of each team, and the prediction functions of test/prod.
            builder_accounts=sorted(teams.values()),
            reader_accounts=sorted(hosting.values()),
        )
        self.feature_store.add_stack_dependency(self.catalog)  # the Glue database of the offline tables
        # Only when a feature group is fed by a stream or a batch job: CloudFormation refuses a
        # template without resources (a new organisation's config has no feature groups; issue #18).
        self.ingestion: IngestionStack | None = None
        if any(g.batch_ingestion is not None or (g.streaming and g.streaming.enabled) for g in config.feature_groups):
            self.ingestion = IngestionStack(
                self,
                "Ingestion",
                self.stack_context,
                feature_groups=config.feature_groups,
                groups=self.feature_store.groups,
                key=self.data.keys["features"].key,
                logs_key=self.data.logs_key.key,
                data_key=self.data.data_key.key,
                curated_bucket_name=self.naming.bucket("curated"),
                curated_tables={t.name: t.prefix for t in config.data_lake.curated_tables},
                curated_database=config.data_lake.curated_database,
            )
            self.ingestion.add_stack_dependency(self.feature_store)

    def key_specs(self) -> list[KeySpec]:
        return [KeySpec("FeaturesKey", "features", "Encrypts the feature store's online and offline stores.")]

    def bucket_specs(self) -> list[BucketSpec]:
        return [
            # Raw data is rarely re-read once curated: tier it down early (book ch13 cost).
            BucketSpec("Raw", "raw", LifecycleProps(infrequent_access_days=30, glacier_days=180)),
            BucketSpec("Curated", "curated", LifecycleProps(infrequent_access_days=90)),
            # Offline store: training reads recent data; history moves to cheaper classes (AS-8).
            BucketSpec("OfflineStore", "offline-store", LifecycleProps(infrequent_access_days=60, glacier_days=365)),
        ]
