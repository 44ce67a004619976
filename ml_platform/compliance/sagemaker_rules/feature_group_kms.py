"""Feature groups encrypt both stores with a customer key (book ch5, XC-4)."""

from __future__ import annotations

from .base import Resource, Rule, get, props


def _check(resource: Resource) -> str | None:
    p = props(resource)
    missing = []
    if p.get("OnlineStoreConfig") and not get(p, "OnlineStoreConfig", "SecurityConfig", "KmsKeyId"):
        missing.append("online store")
    if p.get("OfflineStoreConfig") and not get(p, "OfflineStoreConfig", "S3StorageConfig", "KmsKeyId"):
        missing.append("offline store")
    return f"no KmsKeyId on the {' and '.join(missing)}" if missing else None


RULE = Rule(
    "SM-FeatureGroupKms",
    ("AWS::SageMaker::FeatureGroup",),
    "book ch5 (Feature Store encryption)",
    "Feature groups encrypt the online and offline stores with a customer key",
    _check,
)
