"""The naming helper: deterministic names within AWS limits."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import botocore  # type: ignore[import-untyped,unused-ignore]
import pytest

from ml_platform.cross_account import org_condition, role_arn
from ml_platform.naming import NameTooLongError, Naming, partition_for, url_suffix_for
from ml_platform.schema.accounts import REGION_PATTERN

REGION = re.compile(REGION_PATTERN)

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
    assert role_arn("555555555555", "MlDeployRole", "us-east-1") == "arn:aws:iam::555555555555:role/MlDeployRole"
    assert role_arn("555555555555", "MlDeployRole", "cn-north-1") == "arn:aws-cn:iam::555555555555:role/MlDeployRole"
    assert org_condition(None) == {}
    assert org_condition("o-exampleorg01") == {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorg01"}}


def _sdk_partitions() -> list[dict[str, Any]]:
    """The AWS SDKs' shared partition metadata, as botocore ships it."""
    partitions: list[dict[str, Any]] = json.loads(
        (Path(botocore.__file__).parent / "data" / "partitions.json").read_text()
    )["partitions"]
    return partitions


@pytest.mark.parametrize("partition", _sdk_partitions(), ids=lambda p: p["id"])
def test_each_region_the_config_admits_gets_its_partition_and_url_suffix(partition: dict[str, Any]) -> None:
    """ARNs and AWS::URLSuffix in an isolated, China or GovCloud region name that partition's values."""
    regions = [r for r in partition["regions"] if REGION.fullmatch(r)]
    if partition["id"] == "aws-eusc":
        assert not regions  # the config's region pattern does not admit eusc-de-east-1 yet
    else:
        assert regions
    for region in regions:
        assert (partition_for(region), url_suffix_for(region)) == (partition["id"], partition["outputs"]["dnsSuffix"])


def test_cdk_writes_the_same_partition_and_domain_as_the_table() -> None:
    """The pipeline's nag acknowledgements name the partition CDK writes as a literal for a known region
    (aws-cdk-lib's region-info, with @aws-cdk/core:enablePartitionLiterals in cdk.json)."""
    from aws_cdk import region_info

    known = 0
    for partition in _sdk_partitions():
        for region in (r for r in partition["regions"] if REGION.fullmatch(r)):
            info = region_info.RegionInfo.get(region)
            if info.partition is not None:
                known += 1
                assert (info.partition, info.domain_suffix) == (partition_for(region), url_suffix_for(region)), region
    assert known > 30
