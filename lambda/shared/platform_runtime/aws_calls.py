"""AWS calls retried on throttling, and the fields of a botocore ClientError.

botocore's own retry handler runs inside the HTTP send loop, which botocore's Stubber bypasses (it answers at
``before-call``), so a Stubber test cannot show it. Each function therefore also retries throttling here, with
its own ``Retry`` (codes, attempts, delays) and an injectable sleep that the tests exercise; in Lambda it only
adds attempts after botocore's own have run out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]

Sleep = Callable[[float], None]


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def error_message(error: ClientError) -> str:
    """The service's message: for the log only, it may name accounts, roles and ARNs."""
    return str(error.response.get("Error", {}).get("Message", ""))


@dataclass(frozen=True)
class Retry:
    """Which error codes are throttling for a service, and how often and how long to wait for them."""

    codes: frozenset[str]
    max_attempts: int = 4
    base_delay_seconds: float = 0.5

    def call(self, method: Callable[..., Any], sleep: Sleep = time.sleep, **params: Any) -> dict[str, Any]:
        """Call ``method``, retrying throttling with exponential backoff; other errors propagate at once."""
        attempt = 1
        while True:
            try:
                response: dict[str, Any] = method(**params)
                return response
            except ClientError as error:
                if error_code(error) not in self.codes or attempt >= self.max_attempts:
                    raise
            sleep(self.base_delay_seconds * 2 ** (attempt - 1))
            attempt += 1
