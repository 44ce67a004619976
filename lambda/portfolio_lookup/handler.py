"""Custom resource (CDK Provider, onEvent only) that finds the hub's Service Catalog portfolio ID.

It runs in a spoke (data science) account, assumes a read-only role in the hub (shared services)
account and looks the portfolio up by display name, so the spoke can accept the share.

Event contract: ``ResourceProperties.HubRoleArn`` (IAM role ARN) and ``PortfolioName`` (non-empty
string) are required; ``Nonce`` is optional and ignored (changing it forces a new lookup).
Create/Update return ``PhysicalResourceId`` = the portfolio ID and ``Data`` {PortfolioId, PortfolioArn}.
Delete makes no call and echoes the PhysicalResourceId.
"""

from __future__ import annotations

import os
import re
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import lookup  # flat sibling module (tests alias it, see tests/lambda/test_portfolio_lookup.py)
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]
from platform_runtime.custom_resource import no_op_delete, request_type

logger = Logger(service="portfolio-lookup")

# Standard mode retries throttling and transient errors with backoff inside botocore.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 8})
# Once per container: the init phase pays for it, warm invocations reuse it. Tests replace it.
_sts: Any = boto3.client("sts", config=CLIENT_CONFIG)

# Role names and paths: letters, digits and +=,.@_- (IAM's own rule); ASCII so \w and \d stay narrow.
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}", re.ASCII)
MAX_NAME_LENGTH = 100  # the Service Catalog limit for a portfolio DisplayName


def make_catalog_client(credentials: lookup.Credentials) -> Any:
    # Built per lookup: the credentials are the hub's and expire. The portfolio lives in this region.
    return boto3.client(
        "servicecatalog",
        region_name=os.environ.get("AWS_REGION"),
        config=CLIENT_CONFIG,
        **credentials.client_keys(),
    )


# Tests replace it to hand the lookup a stubbed client.
_make_catalog_client: lookup.CatalogClientFactory = make_catalog_client


def _properties(event: dict[str, Any]) -> tuple[str, str]:
    properties = event.get("ResourceProperties") or {}
    role_arn = properties.get("HubRoleArn")
    if not isinstance(role_arn, str) or not ROLE_ARN.fullmatch(role_arn):
        raise ValueError(
            f"ResourceProperties.HubRoleArn must be an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>), "
            f"got {role_arn!r}"
        )
    name = properties.get("PortfolioName")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_LENGTH:
        raise ValueError(
            f"ResourceProperties.PortfolioName must be a non-empty string of at most {MAX_NAME_LENGTH} "
            f"characters, got {name!r}"
        )
    return role_arn, name


@logger.inject_lambda_context
def on_event(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    kind = request_type(event)
    logger.append_keys(request_type=kind)
    if kind == "Delete":
        return no_op_delete(event)  # nothing to undo
    role_arn, name = _properties(event)
    portfolio = lookup.find_portfolio(_sts, _make_catalog_client, role_arn, name)
    logger.info("Found hub portfolio", extra={"portfolio_id": portfolio.id, "portfolio_name": name})
    # The physical ID is the portfolio ID: if the hub replaces the portfolio, an Update returns a new
    # ID and CloudFormation sends the old one a (no-op) Delete; dependants see the new PortfolioId.
    return {
        "PhysicalResourceId": portfolio.id,
        "Data": {"PortfolioId": portfolio.id, "PortfolioArn": portfolio.arn},
    }
