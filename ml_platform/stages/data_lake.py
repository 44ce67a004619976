"""Data lake account: raw and curated zones and the central feature store (XA-1, XA-5)."""

from __future__ import annotations

from ..constructs.secure_bucket import LifecycleProps
from ..stacks.account_data import BucketSpec
from .account_stage import AccountStage


class DataLakeStage(AccountStage):
    def bucket_specs(self) -> list[BucketSpec]:
        return [
            # Raw data is rarely re-read once curated: tier it down early (book ch13 cost).
            BucketSpec("Raw", "raw", LifecycleProps(infrequent_access_days=30, glacier_days=180)),
            BucketSpec("Curated", "curated", LifecycleProps(infrequent_access_days=90)),
        ]
