"""Test and prod accounts: model hosting, data capture and monitoring (XA-1, XA-3)."""

from __future__ import annotations

from ..stacks.account_data import BucketSpec
from .account_stage import AccountStage


class WorkloadStage(AccountStage):
    def bucket_specs(self) -> list[BucketSpec]:
        # Captured requests, async and batch outputs land here (book ch9-ch11).
        return [BucketSpec("Inference", "inference")]
