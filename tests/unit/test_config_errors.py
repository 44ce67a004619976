"""Bad configs: each fails with one message naming the exact field path and the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ml_platform.config import ConfigError

from ..helpers import config_from, example_data

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    """Mutation that sets a dotted path (list indexes as numbers) in the example data."""

    def apply(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return apply


def _delete(path: str) -> Mutation:
    def apply(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[last]

    return apply


def _both(*mutations: Mutation) -> Mutation:
    def apply(data: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(data)

    return apply


USER = "accounts.data_science.0.studio.users"
CASES: list[tuple[str, Mutation, str, str]] = [
    (
        "account id 11 digits",
        _set("accounts.test.account_id", "12345678901"),
        "accounts.test.account_id",
        "should match pattern",
    ),
    (
        "account id unquoted",
        _set("accounts.prod.account_id", 666666666666),
        "accounts.prod.account_id",
        "must be quoted",
    ),
    (
        "account reused",
        _set("accounts.prod.account_id", "555555555555"),
        "accounts.prod.account_id",
        "already used by test",
    ),
    (
        "data science reuses shared",
        _set("accounts.data_science.1.account_id", "111111111111"),
        "accounts.data_science[1].account_id",
        "already used by shared_services",
    ),
    ("region invalid", _set("organisation.region", "us-east"), "organisation.region", "pattern"),
    (
        "az outside region",
        _set("organisation.availability_zones", ["us-east-1a", "eu-west-1b"]),
        "organisation.availability_zones",
        "eu-west-1b not in region us-east-1",
    ),
    (
        "one az only",
        _set("organisation.availability_zones", ["us-east-1a"]),
        "organisation.availability_zones",
        "at least 2",
    ),
    ("org name uppercase", _set("organisation.name", "OpenAQ"), "organisation.name", "pattern"),
    (
        "org id malformed",
        _set("organisation.organization_id", "org-123"),
        "organisation.organization_id",
        "pattern",
    ),
    (
        "alert email malformed",
        _set("organisation.alert_emails", ["ops-at-example"]),
        "organisation.alert_emails[0]",
        "pattern",
    ),
    ("unknown top-level key", _set("colour", "blue"), "colour", "unknown key"),
    (
        "unknown nested key",
        _set("accounts.test.vpc.cidrr", "10.0.0.0/16"),
        "accounts.test.vpc.cidrr",
        "unknown key",
    ),
    ("missing account", _delete("accounts.data_lake"), "accounts.data_lake", "required field is missing"),
    (
        "no data science account",
        _set("accounts.data_science", []),
        "accounts.data_science",
        "at least 1 item",
    ),
    ("cost centre tag missing", _delete("tags.CostCenter"), "tags", "CostCenter"),
    ("environment tag set globally", _set("tags.Environment", "prod"), "tags", "set per account"),
    ("tag key reserved prefix", _set("tags.aws:owner", "x"), "tags.aws:owner (key)", "reserved 'aws:'"),
    (
        "team name reserved",
        _set("accounts.data_science.0.name", "prod"),
        "accounts.data_science[0].name",
        "reserved for a platform account",
    ),
    (
        "duplicate team",
        _set("accounts.data_science.1.name", "weatherproduct"),
        "accounts.data_science",
        "duplicate team name(s): weatherproduct",
    ),
    (
        "team name too long for buckets",
        _both(_set("organisation.name", "openaqweather"[:12]), _set("accounts.data_science.0.name", "a" * 20)),
        "accounts.data_science[0].name",
        "too long for bucket names",
    ),
    (
        "unknown persona",
        _set(f"{USER}.0.persona", "wizard"),
        "accounts.data_science[0].studio.users[0].persona",
        "'data_scientist', 'ml_engineer' or 'platform_admin'",
    ),
    (
        "duplicate user",
        _set(f"{USER}.1.name", "ana-scientist"),
        "accounts.data_science[0].studio.users",
        "duplicate user name(s): ana-scientist",
    ),
    (
        "user name invalid",
        _set(f"{USER}.0.name", "ana_scientist"),
        "accounts.data_science[0].studio.users[0].name",
        "pattern",
    ),
    (
        "idle timeout too short",
        _set("accounts.data_science.0.studio.idle_timeout_minutes", 30),
        "accounts.data_science[0].studio.idle_timeout_minutes",
        "greater than or equal to 60",
    ),
    (
        "vpc cidr and existing vpc",
        _set("accounts.test.vpc.existing_vpc_id", "vpc-0123456789abcdef0"),
        "accounts.test.vpc",
        "exactly one of 'cidr' or 'existing_vpc_id'",
    ),
    (
        # issue #18: found by the generated configs (CDK failed synth with a traceback)
        "existing vpc subnets not one per zone",
        _both(
            _delete("accounts.test.vpc.cidr"),
            _set("accounts.test.vpc.existing_vpc_id", "vpc-0123456789abcdef0"),
            _set(
                "accounts.test.vpc.existing_subnet_ids",
                ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"],
            ),
        ),
        "accounts.test.vpc.existing_subnet_ids",
        "3 subnet(s) for 2 availability zones; give one subnet per zone of organisation.availability_zones",
    ),
    (
        "vpc too small",
        _set("accounts.test.vpc.cidr", "10.20.0.0/28"),
        "accounts.test.vpc",
        "between /16 and /24",
    ),
    (
        "overlapping vpcs",
        _set("accounts.prod.vpc.cidr", "10.20.128.0/24"),
        "accounts.prod.vpc.cidr",
        "overlaps 10.20.0.0/16 of accounts.test.vpc.cidr",
    ),
    (
        "unknown interface endpoint",
        _set("network.interface_endpoints", ["sagemaker.apii"]),
        "network.interface_endpoints[0]",
        "Input should be",
    ),
    (
        "duplicate interface endpoint",
        _set("network.interface_endpoints", ["sts", "sts"]),
        "network.interface_endpoints",
        "lists sts more than once",
    ),
    (
        "flow log retention not allowed",
        _set("network.flow_log_retention_days", 42),
        "network.flow_log_retention_days",
        "must be one of",
    ),
    (
        "feature group identifier undefined",
        _set("feature_groups.0.record_identifier", "station"),
        "feature_groups[0]",
        "record_identifier 'station' is not one of the features",
    ),
    (
        "feature type unknown",
        _set("feature_groups.0.features.pm25", "Float"),
        "feature_groups[0].features.pm25",
        "'Integral', 'Fractional' or 'String'",
    ),
    (
        "event time integral",
        _set("feature_groups.0.features.EventTime", "Integral"),
        "feature_groups[0]",
        "must be Fractional or String",
    ),
    (
        "duplicate feature group",
        _set("feature_groups.1.name", "weather-observations-v1"),
        "feature_groups",
        "duplicate name(s): weather-observations-v1",
    ),
    (
        "variant uses unknown model",
        _set("endpoints.1.variants.0.model", "weather-lstm"),
        "endpoints[1].variants[0].model",
        "'weather-lstm' is not in 'models'",
    ),
    (
        "variant weight zero",
        _set("endpoints.3.variants.1.initial_weight", 0),
        "endpoints[3].variants[1].initial_weight",
        "greater than 0",
    ),
    (
        "endpoint account unknown",
        _set("endpoints.0.account", "staging"),
        "endpoints[0].account",
        "'test' or 'prod'",
    ),
    ("model without source", _delete("models.0.model_package_group"), "models[0]", "set one of"),
    (
        "monitor cron invalid",
        _set("monitors.0.schedule", "every hour"),
        "monitors[0].schedule",
        "is not a Model Monitor schedule",
    ),
    (
        "monitor on unknown endpoint",
        _set("monitors.0.endpoint", "weather-legacy"),
        "monitors[0].endpoint",
        "'weather-legacy' is not in 'endpoints'",
    ),
    (
        "labeling without categories",
        _set("accounts.data_science.0.labeling.label_categories", []),
        "accounts.data_science[0].labeling.label_categories",
        "at least 1 item",
    ),
    (
        "labeling duplicate categories",
        _set("accounts.data_science.0.labeling.label_categories", ["a", "a"]),
        "accounts.data_science[0].labeling.label_categories",
        "duplicate label",
    ),
    (
        "labeling no workers",
        _set("accounts.data_science.0.labeling.workers_per_object", 0),
        "accounts.data_science[0].labeling.workers_per_object",
        "greater than or equal to 1",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_config_names_field_and_reason(mutate: Mutation, path: str, reason: str) -> None:
    check_bad_config(mutate, path, reason)


def check_bad_config(mutate: Mutation, path: str, reason: str) -> None:
    """The mutated example fails with one line naming ``path`` and containing ``reason``."""
    data = example_data()
    mutate(data)
    with pytest.raises(ConfigError) as caught:
        config_from(data)
    err = caught.value
    assert err.path == path, str(err)
    assert reason in err.reason, str(err)
    message = str(err)
    assert "\n" not in message, "the message must be one line"
    assert message.startswith(f"config error in test.yaml: {path}: ")


def test_several_problems_report_the_first_and_count_the_rest() -> None:
    data = example_data()
    data["accounts"]["test"]["account_id"] = "1"
    data["accounts"]["prod"]["account_id"] = "2"
    with pytest.raises(ConfigError, match=r"\[\+1 more problem\(s\); fix this one and run again\]"):
        config_from(data)
