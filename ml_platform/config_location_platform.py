"""What the config's ARNs, image URIs and S3 locations are judged against (issue #18, defect 4):
the platform the config describes (its partition, region, accounts and the buckets its stages
create), and the two rules that need nothing else: a location in another partition, and an S3
location a platform role may or may not use. ``config_location_checks`` applies them, and
explains what decides each rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .naming import Naming, partition_for

if TYPE_CHECKING:
    from .config import PlatformConfig

__all__ = [
    "ARTEFACTS",
    "INFERENCE",
    "MONITORING",
    "PLATFORM_BUCKET_PURPOSES",
    "PROJECTS",
    "Finding",
    "PlatformLocations",
]

# Bucket purposes by account role, as the stages create them (stages/*.py ``bucket_specs``,
# stacks/account_data.py); a test keeps them in step with the stages.
ARTEFACTS = "artefacts"  # shared services: models written by the team pipelines (release.ARTEFACTS_PURPOSE)
INFERENCE = "inference"  # test/prod: async results, batch outputs
MONITORING = "monitoring"  # test/prod: captured data, baselines, ground truth (stages.workload.MONITORING_PURPOSE)
PROJECTS = "projects"  # each team: datasets, pipeline outputs
PLATFORM_BUCKET_PURPOSES: dict[str, tuple[str, ...]] = {
    "shared": (ARTEFACTS, "access-logs"),
    "datalake": ("raw", "curated", "offline-store", "access-logs"),
    "test": (INFERENCE, MONITORING, "access-logs"),
    "prod": (INFERENCE, MONITORING, "access-logs"),
    "team": (PROJECTS, "labeling", "access-logs"),
}
HOSTING = ("test", "prod")


@dataclass(frozen=True)
class Finding:
    path: str
    reason: str
    error: bool

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class _Bucket:
    owner: str  # e.g. "the prod account", "the data science account of team 'weatherproduct'"
    purpose: str


class PlatformLocations:
    """What the config's locations are judged against: partition, region, accounts, buckets."""

    def __init__(self, config: PlatformConfig) -> None:
        self.config = config
        self.region = config.organisation.region
        self.partition = partition_for(self.region)
        accounts = config.accounts
        self.shared = accounts.shared_services.account_id
        self.data_lake = accounts.data_lake.account_id
        self.hosting = {"test": accounts.test.account_id, "prod": accounts.prod.account_id}
        self.teams = {t.name: t.account_id for t in accounts.data_science}
        # Account ID -> how a message names it.
        self.owners: dict[str, str] = {
            self.shared: "the shared services account",
            self.data_lake: "the data lake account",
        }
        self.owners |= {account: f"the data science account of team '{team}'" for team, account in self.teams.items()}
        self.owners |= {account: f"the {env} account" for env, account in self.hosting.items()}
        self.buckets: dict[str, _Bucket] = {}
        roles = [("shared", self.shared, "shared"), ("datalake", self.data_lake, "datalake")]
        roles += [(env, account, env) for env, account in self.hosting.items()]
        roles += [(team, account, "team") for team, account in self.teams.items()]
        for slug, account, kind in roles:
            for purpose in PLATFORM_BUCKET_PURPOSES[kind]:
                try:
                    name = self.bucket(slug, account, purpose)
                except ValueError:  # a name too long is refused elsewhere (accounts.data_science[].name)
                    continue
                self.buckets[name] = _Bucket(self.owners[account], purpose)
        self.hosts: dict[str, set[str]] = {}
        for endpoint in config.endpoints:
            for model in endpoint.models:
                self.hosts.setdefault(model, set()).add(endpoint.account.value)

    def bucket(self, slug: str, account: str, purpose: str) -> str:
        return Naming(self.config.organisation.name, slug, account, self.region).bucket(purpose)

    def model_hosts(self, model: str) -> tuple[str, ...]:
        """Where a model runs: the accounts of its endpoints; both when no endpoint uses it yet."""
        used = self.hosts.get(model)
        return tuple(h for h in HOSTING if not used or h in used)

    def wrong_partition(self, path: str, partition: str) -> Finding | None:
        if partition == self.partition:
            return None
        return Finding(
            path,
            f"partition {partition} is not the platform's ({self.partition}, region {self.region}); "
            "credentials of one partition cannot reach another",
            error=True,
        )

    def s3(
        self, path: str, uri: str, allowed: list[tuple[str, str]], who: str, readers: tuple[str, ...]
    ) -> Finding | None:
        """``uri`` is used by ``who`` (a platform role) in the ``readers`` accounts (IDs); ``allowed``
        are the (bucket, key prefix) pairs its grants reach."""
        bucket, _, key = uri.removeprefix("s3://").partition("/")
        if any(bucket == b and key.startswith(prefix) for b, prefix in allowed):
            return None
        works = ", ".join(f"s3://{b}/{prefix}" for b, prefix in allowed)
        known = self.buckets.get(bucket)
        prefixes = [prefix for b, prefix in allowed if b == bucket]
        if prefixes:
            return Finding(
                path,
                f"{who} has a grant only under {', '.join(f's3://{bucket}/{prefix}' for prefix in prefixes)} "
                f"in this bucket (use {works})",
                error=True,
            )
        if known is not None:
            return Finding(
                path,
                f"{bucket} is the {known.purpose} bucket of {known.owner}, outside what {who} may use ({works})",
                error=True,
            )
        if len(readers) > 1:
            accounts = " and ".join(self.owners[a] for a in readers)
            return Finding(
                path,
                f"{bucket} is not a platform bucket: it can be in only one of {accounts}, and {who} has no grant "
                f"for it in the other (use {works})",
                error=True,
            )
        return Finding(
            path,
            f"{bucket} is not a platform bucket: it works only if it is in {self.owners[readers[0]]} "
            f"({readers[0]}) and its bucket policy grants {who} (platform buckets that work: {works})",
            error=False,
        )
