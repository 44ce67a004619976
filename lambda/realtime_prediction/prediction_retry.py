"""AWS calls with a few retries of throttling, and the code and message of a botocore ClientError.

Throttling: botocore's own retry handler runs inside the HTTP send loop, which botocore's Stubber
bypasses, so a Stubber test cannot show it. As in lambda/studio_teardown we therefore also retry
throttling here, a few times with short delays (a caller is waiting) and an injectable sleep; the code
is repeated because each Lambda asset is its own folder and cannot import the other's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]

Sleep = Callable[[float], None]

THROTTLING_CODES = frozenset({"ThrottlingException", "Throttling"})  # SageMaker runtimes (JSON), STS (query)
MAX_ATTEMPTS = 3
BASE_DELAY_SECONDS = 0.2  # sleeps 0.2 s then 0.4 s: a caller is waiting


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def error_message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message", ""))


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
