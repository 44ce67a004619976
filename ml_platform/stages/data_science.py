"""Data science account of one team: Studio, pipelines, model registry (XA-1, XA-2)."""

from __future__ import annotations

from ..stacks.account_data import BucketSpec
from .account_stage import AccountStage


class DataScienceStage(AccountStage):
    def bucket_specs(self) -> list[BucketSpec]:
        # Team data and the SageMaker default bucket of the account's jobs.
        return [BucketSpec("Projects", "projects")]
