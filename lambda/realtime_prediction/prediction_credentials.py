"""Access to the online feature store, usually in the data lake account: it is read with a reader role
assumed there, whose temporary credentials are cached per container and renewed 5 minutes before they
expire. The client factory and the clock come in from the caller so tests can stub them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from prediction_retry import Sleep, call_with_retry

Clock = Callable[[], datetime]

SESSION_NAME = "realtime-prediction"  # shows in the data lake's CloudTrail as the assumed-role session
SESSION_SECONDS = 3600  # the default MaxSessionDuration of a role: one AssumeRole per hour per container
REFRESH_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True)
class Credentials:
    """Temporary data lake credentials; the secrets are kept out of repr so a stray log line cannot leak them."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime


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
        credentials = assume_role(self._sts, self._role_arn, sleep=sleep)
        self._client, self._expiration = self._make_client(credentials), credentials.expiration
        return self._client

    def invalidate(self) -> None:
        """Forget the client (and its credentials) so the next ``get`` builds a new one."""
        self._client, self._expiration = None, None


def assume_role(sts_client: Any, role_arn: str, *, sleep: Sleep = time.sleep) -> Credentials:
    response = call_with_retry(
        sts_client.assume_role,
        sleep,
        RoleArn=role_arn,
        RoleSessionName=SESSION_NAME,
        DurationSeconds=SESSION_SECONDS,
    )
    keys = response["Credentials"]
    return Credentials(keys["AccessKeyId"], keys["SecretAccessKey"], keys["SessionToken"], keys["Expiration"])
