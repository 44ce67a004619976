"""The naming helper: deterministic names within AWS limits."""

from __future__ import annotations

import pytest

from ml_platform.cross_account import org_condition, role_arn
from ml_platform.naming import NameTooLongError, Naming

NAMING = Naming("openaq", "weatherproduct", "333333333333", "us-east-1")


def test_names_are_deterministic() -> None:
    assert NAMING.bucket("projects") == "openaq-weatherproduct-projects-333333333333-us-east-1"
    assert NAMING.resource("alerts") == "openaq-weatherproduct-alerts"
    assert NAMING.alias("data") == "alias/openaq/weatherproduct/data"
    assert NAMING.stack("Data") == "openaq-weatherproduct-data"


def test_bucket_name_over_63_characters_is_refused() -> None:
    with pytest.raises(NameTooLongError, match="the limit is 63"):
        Naming("openaqweathe", "a" * 20, "333333333333", "ap-southeast-3").bucket("access-logs")


def test_role_name_limit() -> None:
    with pytest.raises(NameTooLongError, match="the limit is 64"):
        NAMING.resource("x" * 60)


def test_cross_account_helpers() -> None:
    assert role_arn("555555555555", "MlDeployRole") == "arn:aws:iam::555555555555:role/MlDeployRole"
    assert org_condition(None) == {}
    assert org_condition("o-exampleorg01") == {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorg01"}}
