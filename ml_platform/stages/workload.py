"""Test and prod accounts: model hosting, data capture and monitoring (XA-1, XA-3)."""

from __future__ import annotations

from constructs import Construct

from ..config import PlatformConfig
from ..cross_account import role_arn
from ..schema.network import HOSTING_INTERFACE_ENDPOINTS
from ..stacks.account_data import BucketSpec
from ..stacks.feature_store import feature_store_role_name
from ..stacks.network import NetworkStack
from ..stacks.prediction import PredictionStack
from ..topology import AccountKind, AccountRole
from .account_stage import AccountStage


class WorkloadStage(AccountStage):
    def __init__(self, scope: Construct, role: AccountRole, config: PlatformConfig) -> None:
        super().__init__(scope, role, config)
        account = config.accounts.test if role.kind == AccountKind.TEST else config.accounts.prod
        self.network = NetworkStack(
            self,
            "Network",
            self.stack_context,
            vpc=account.vpc,
            interface_endpoints=[
                e.value for e in config.network.interface_endpoints if e in HOSTING_INTERFACE_ENDPOINTS
            ],
            logs_key=self.data.logs_key.key,
            flow_log_retention_days=config.network.flow_log_retention_days,
        )

        hosted = {e.name for e in config.endpoints if e.account.value == role.slug}
        predictions = [p for p in config.realtime_predictions if p.endpoint in hosted]
        if predictions:
            reader = role_arn(
                config.accounts.data_lake.account_id, feature_store_role_name(self.naming.prefix, "online-reader")
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

    def bucket_specs(self) -> list[BucketSpec]:
        # Captured requests, async and batch outputs land here (book ch9-ch11).
        return [BucketSpec("Inference", "inference")]
