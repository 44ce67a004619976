"""Access to the online feature store, usually in the data lake account: it is read with a reader role
assumed there, whose temporary credentials are cached per container and renewed 5 minutes before they
expire. The client factory and the clock come in from the caller so tests can stub them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from platform_runtime.aws_calls import Retry, Sleep
from platform_runtime.credentials import Credentials, assume_role

__all__ = ["RETRY", "Credentials", "FeatureStoreClients"]

Clock = Callable[[], datetime]

SESSION_NAME = "realtime-prediction"  # shows in the data lake's CloudTrail as the assumed-role session
SESSION_SECONDS = 3600  # the default MaxSessionDuration of a role: one AssumeRole per hour per container
REFRESH_MARGIN = timedelta(minutes=5)
# A caller is waiting: a few short retries of throttling (SageMaker runtimes say ThrottlingException, STS
# Throttling), 0.2 s then 0.4 s, after botocore's own.
RETRY = Retry(frozenset({"ThrottlingException", "Throttling"}), max_attempts=3, base_delay_seconds=0.2)


FeatureStoreClientFactory = Callable[[Credentials | None], Any]  # None: the function's own credentials


def _utcnow() -> datetime:
    return datetime.now(UTC)


class FeatureStoreClients:
    """Hands out a sagemaker-featurestore-runtime client, kept for the life of the container.

    With ``role_arn`` the client signs with that role's temporary credentials, assumed on first use and
    again once ``clock()`` reaches 5 minutes before they expire; without it, with the function's own.
    """

    def __init__(
        self,
        sts_client: Any,
        role_arn: str | None,
        make_client: FeatureStoreClientFactory,
        *,
        clock: Clock = _utcnow,
    ) -> None:
        self._sts = sts_client
        self._role_arn = role_arn
        self._make_client = make_client
        self._clock = clock
        self._client: Any = None
        self._expiration: datetime | None = None

    def get(self, sleep: Sleep = time.sleep) -> Any:
        if self._client is not None and (self._expiration is None or self._clock() < self._expiration - REFRESH_MARGIN):
            return self._client
        if self._role_arn is None:
            self._client = self._make_client(None)
            return self._client
        credentials = assume_role(
            self._sts, self._role_arn, SESSION_NAME, duration_seconds=SESSION_SECONDS, retry=RETRY, sleep=sleep
        )
        self._client, self._expiration = self._make_client(credentials), credentials.expiration
        return self._client

    def invalidate(self) -> None:
        """Forget the client (and its credentials) so the next ``get`` builds a new one."""
        self._client, self._expiration = None, None
