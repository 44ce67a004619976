"""Find the Service Catalog portfolio that the hub (shared services) account shares with this spoke.

Its ID is random and only known once the hub has deployed, yet the spoke's AcceptedPortfolioShare
needs it: we assume a read-only role in the hub and look the portfolio up by its display name.

Clients come in from the caller (an STS client and a factory that builds a Service Catalog client from
temporary credentials) so tests can stub both.

Throttling: botocore's own retry handler runs inside the HTTP send loop, which botocore's Stubber
bypasses, so a Stubber test cannot show it. As in lambda/studio_teardown we therefore also retry
throttling here with an injectable sleep; the code is repeated because each Lambda asset is its own
folder and cannot import the other's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]

Sleep = Callable[[float], None]

THROTTLING_CODES = frozenset({"ThrottlingException", "Throttling"})  # Service Catalog (JSON), STS (query)
MAX_ATTEMPTS = 4
BASE_DELAY_SECONDS = 0.5
PAGE_SIZE = 20  # the ListPortfolios maximum
SESSION_NAME = "portfolio-lookup"  # shows in the hub's CloudTrail as the assumed-role session
SESSION_SECONDS = 900  # the STS minimum: one lookup takes seconds, shorter-lived keys leak less


@dataclass(frozen=True)
class Credentials:
    """Temporary hub credentials; the secrets are kept out of repr so a stray log line cannot leak them."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)


@dataclass(frozen=True)
class Portfolio:
    id: str
    arn: str
    display_name: str


CatalogClientFactory = Callable[[Credentials], Any]


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def call_with_retry(method: Callable[..., Any], sleep: Sleep = time.sleep, **params: Any) -> dict[str, Any]:
    """Call ``method``, retrying throttling with exponential backoff; other errors propagate at once."""
    attempt = 1
    while True:
        try:
            response: dict[str, Any] = method(**params)
            return response
        except ClientError as error:
            if error_code(error) not in THROTTLING_CODES or attempt >= MAX_ATTEMPTS:
                raise
        sleep(BASE_DELAY_SECONDS * 2 ** (attempt - 1))
        attempt += 1


def assume_hub_role(sts_client: Any, role_arn: str, *, sleep: Sleep = time.sleep) -> Credentials:
    response = call_with_retry(
        sts_client.assume_role,
        sleep,
        RoleArn=role_arn,
        RoleSessionName=SESSION_NAME,
        DurationSeconds=SESSION_SECONDS,
    )
    credentials = response["Credentials"]
    return Credentials(credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"])


def list_portfolios(catalog_client: Any, *, sleep: Sleep = time.sleep) -> list[dict[str, Any]]:
    # Manual loop rather than a paginator, so each page call gets the throttling retry. The API asks
    # for PageToken but answers with NextPageToken.
    params: dict[str, Any] = {"PageSize": PAGE_SIZE}
    portfolios: list[dict[str, Any]] = []
    while True:
        page = call_with_retry(catalog_client.list_portfolios, sleep, **params)
        portfolios.extend(page.get("PortfolioDetails", []))
        token = page.get("NextPageToken")
        if not token:
            return portfolios
        params = {**params, "PageToken": token}


def find_portfolio(
    sts_client: Any,
    make_catalog_client: CatalogClientFactory,
    hub_role_arn: str,
    name: str,
    *,
    sleep: Sleep = time.sleep,
) -> Portfolio:
    """The one hub portfolio whose DisplayName is exactly ``name``; LookupError if none or several."""
    credentials = assume_hub_role(sts_client, hub_role_arn, sleep=sleep)
    portfolios = list_portfolios(make_catalog_client(credentials), sleep=sleep)
    matches = [p for p in portfolios if p.get("DisplayName") == name]
    hub_account = hub_role_arn.split(":")[4]
    if not matches:
        raise LookupError(
            f"The hub account {hub_account} has no Service Catalog portfolio named {name!r} "
            f"({len(portfolios)} portfolios listed). Deploy the SharedServices stage first, then this stack."
        )
    if len(matches) > 1:
        # Guessing would accept the wrong share silently; the hub must keep display names unique.
        ids = ", ".join(sorted(p["Id"] for p in matches))
        raise LookupError(f"Ambiguous: the hub account {hub_account} has several portfolios named {name!r}: {ids}")
    match = matches[0]
    return Portfolio(id=match["Id"], arn=match["ARN"], display_name=match["DisplayName"])
