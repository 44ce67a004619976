"""A large organisation's config, generated from the example (issue #13): 20 data science accounts
with 10 Studio users each, 100 endpoints over test and prod with mixed strategies, 30 feature
groups, a monitor on every prod endpoint. Used by the scale tests and ``make bench``.

Plain Python (dicts), so it can be written to YAML (``scripts/large_config.py``) or validated
with ``config_errors.validate`` like any config file.
"""

from __future__ import annotations

import copy
from typing import Any

TEAMS = 20
USERS_PER_TEAM = 10
FEATURE_GROUPS = 30
ENDPOINTS = 100
TEST_ENDPOINTS = 36
PERSONAS = ("data_scientist", "ml_engineer", "platform_admin")


def _team(i: int) -> dict[str, Any]:
    return {
        "name": f"team{i:02d}",
        "account_id": f"70000000{i:04d}",
        "vpc": {"cidr": f"10.{100 + i}.0.0/16"},
        "studio": {
            "idle_timeout_minutes": 60,
            "users": [{"name": f"user{u:02d}", "persona": PERSONAS[u % len(PERSONAS)]} for u in range(USERS_PER_TEAM)],
        },
    }


def _feature_group(i: int) -> dict[str, Any]:
    return {
        "name": f"station-metrics-{i:02d}-v1",
        "description": f"Hourly station metrics, region {i:02d}",
        "record_identifier": "location",
        "event_time_feature": "EventTime",
        "features": {"location": "String", "EventTime": "String", "pm25": "Fractional", "no2": "Fractional"},
        "online_store": {"enabled": True},
        "offline_store": {"enabled": True, "table_format": "Iceberg"},
    }


def _test_endpoint(i: int) -> dict[str, Any]:
    variant: dict[str, Any] = {"name": "VariantA", "model": "weather-xgboost-v1"}
    if i % 3 == 0:
        variant["serverless"] = {"memory_mb": 2048, "max_concurrency": 5}
    else:
        variant |= {"instance_type": "ml.m5.large", "initial_instance_count": 1}
    return {"name": f"city-test-{i:03d}", "account": "test", "variants": [variant]}


def _prod_endpoint(i: int) -> dict[str, Any]:
    name = f"city-prod-{i:03d}"
    base = {"name": "VariantA", "model": "weather-xgboost-v1", "initial_instance_count": 2}
    kind = i % 4
    if kind == 0:  # A/B test with autoscaling
        scaling = {"min_capacity": 2, "max_capacity": 4}
        variants = [
            base | {"initial_weight": 0.8, "autoscaling": scaling},
            {"name": "VariantB", "model": "weather-xgboost-v2", "initial_instance_count": 2, "initial_weight": 0.2},
        ]
        return {"name": name, "account": "prod", "strategy": "ab_test", "variants": variants}
    if kind == 1:  # blue/green canary
        settings = {"traffic": "canary", "canary_percent": 10, "wait_seconds": 300}
        return {"name": name, "account": "prod", "strategy": "blue_green", "blue_green": settings, "variants": [base]}
    if kind == 2:  # shadow test of the challenger
        shadow = {"name": "ShadowB", "model": "weather-xgboost-v2", "sampling_percentage": 20}
        return {"name": name, "account": "prod", "strategy": "shadow", "variants": [base], "shadow_variants": [shadow]}
    return {"name": name, "account": "prod", "variants": [base]}


def large_config(example: dict[str, Any]) -> dict[str, Any]:
    """The example plus enough teams, feature groups, endpoints and monitors to reach the sizes above."""
    data = copy.deepcopy(example)
    teams = data["accounts"]["data_science"]
    teams += [_team(i) for i in range(1, TEAMS - len(teams) + 1)]
    names = [t["name"] for t in teams]
    data["service_catalog"]["share_with"] = names
    data["data_lake"]["curated_tables"][0]["share_with"] = names
    data["feature_groups"] += [_feature_group(i) for i in range(1, FEATURE_GROUPS - len(data["feature_groups"]) + 1)]
    existing = data["endpoints"]
    test_count = TEST_ENDPOINTS - sum(1 for e in existing if e["account"] == "test")
    prod_count = ENDPOINTS - len(existing) - test_count
    data["endpoints"] = (
        existing + [_test_endpoint(i) for i in range(test_count)] + [_prod_endpoint(i) for i in range(prod_count)]
    )
    monitored = {(m["endpoint"], m["type"]) for m in data["monitors"]}
    data["monitors"] += [
        {"endpoint": e["name"], "type": "data_quality", "schedule": "cron(0 * ? * * *)"}
        for e in data["endpoints"]
        if e["account"] == "prod" and (e["name"], "data_quality") not in monitored
    ]
    data["layout"] = {"test_hosting_stacks": 2, "prod_hosting_stacks": 4}
    return data


def with_one_more_endpoint(data: dict[str, Any]) -> dict[str, Any]:
    """The same config plus one prod endpoint (pinned model) and its monitor (issue #13 test)."""
    grown = copy.deepcopy(data)
    grown["endpoints"].append(
        {"name": "city-prod-new", "account": "prod", "variants": [{"name": "VariantA", "model": "weather-xgboost-v1"}]}
    )
    grown["monitors"].append({"endpoint": "city-prod-new", "type": "data_quality", "schedule": "cron(0 * ? * * *)"})
    return grown
