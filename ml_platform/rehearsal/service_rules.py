"""Rules AWS applies when it creates a resource that the resource schemas (and so cfn-lint)
do not express; each cites the page that states it (issue #18).

A rule takes the resource's resolved properties and returns why AWS would reject them, or
None. The rehearsal reports a rejection as a broken link of the stack that holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Rule = Callable[[Mapping[str, Any]], str | None]

OFFLINE_STORE = (
    "https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-storage-configurations-offline-store.html"
)


def _iceberg_event_time(props: Mapping[str, Any]) -> str | None:
    """An Iceberg offline store takes only a String event time (CreateFeatureGroup rejects
    anything else: "Offline store", SageMaker Developer Guide)."""
    if props.get("OfflineStoreConfig", {}).get("TableFormat") != "Iceberg":
        return None
    event_time = props.get("EventTimeFeatureName")
    types = {d.get("FeatureName"): d.get("FeatureType") for d in props.get("FeatureDefinitions", [])}
    if types.get(event_time) == "String":
        return None
    return (
        f"an Iceberg offline store needs a String event time, and {event_time} is {types.get(event_time)} "
        f"(CreateFeatureGroup rejects it: {OFFLINE_STORE})"
    )


RULES: dict[str, tuple[Rule, ...]] = {
    "AWS::SageMaker::FeatureGroup": (_iceberg_event_time,),
}


def rejections(kind: str, props: Mapping[str, Any]) -> list[str]:
    return [reason for rule in RULES.get(kind, ()) if (reason := rule(props)) is not None]
