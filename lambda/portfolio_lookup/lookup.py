"""Find the Service Catalog portfolio that the hub (shared services) account shares with this spoke.

Its ID is random and only known once the hub has deployed, yet the spoke's AcceptedPortfolioShare
needs it: we assume a read-only role in the hub and look the portfolio up by its display name.

Clients come in from the caller (an STS client and a factory that builds a Service Catalog client from
temporary credentials) so tests can stub both.

Throttling is retried with an injectable sleep (``RETRY``, from the shared runtime library's
platform_runtime.aws_calls, which says why).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from platform_runtime.aws_calls import Retry, Sleep
from platform_runtime.credentials import Credentials, assume_role

__all__ = ["RETRY", "Credentials", "Portfolio", "find_portfolio", "list_portfolios"]

RETRY = Retry(frozenset({"ThrottlingException", "Throttling"}))  # Service Catalog (JSON), STS (query)
PAGE_SIZE = 20  # the ListPortfolios maximum
SESSION_NAME = "portfolio-lookup"  # shows in the hub's CloudTrail as the assumed-role session
SESSION_SECONDS = 900  # the STS minimum: one lookup takes seconds, shorter-lived keys leak less


@dataclass(frozen=True)
class Portfolio:
    id: str
    arn: str
    display_name: str


CatalogClientFactory = Callable[[Credentials], Any]


def list_portfolios(catalog_client: Any, *, sleep: Sleep = time.sleep) -> list[dict[str, Any]]:
    # Manual loop rather than a paginator, so each page call gets the throttling retry. The API asks
    # for PageToken but answers with NextPageToken.
    params: dict[str, Any] = {"PageSize": PAGE_SIZE}
    portfolios: list[dict[str, Any]] = []
    while True:
        page = RETRY.call(catalog_client.list_portfolios, sleep, **params)
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
    credentials = assume_role(
        sts_client, hub_role_arn, SESSION_NAME, duration_seconds=SESSION_SECONDS, retry=RETRY, sleep=sleep
    )
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
