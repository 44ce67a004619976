"""Temporary credentials of a role assumed in another account (STS AssumeRole)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .aws_calls import Retry, Sleep

# STS (query protocol) says Throttling; its JSON variant ThrottlingException.
STS_RETRY = Retry(frozenset({"Throttling", "ThrottlingException"}))


@dataclass(frozen=True)
class Credentials:
    """The secrets are kept out of repr so a stray log line cannot leak them."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime | None = None

    def client_keys(self) -> dict[str, str]:
        """The keyword arguments of ``boto3.client`` that sign with these credentials."""
        return {
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key,
            "aws_session_token": self.session_token,
        }


def assume_role(
    sts_client: Any,
    role_arn: str,
    session_name: str,
    *,
    duration_seconds: int | None = None,
    retry: Retry = STS_RETRY,
    sleep: Sleep = time.sleep,
) -> Credentials:
    """AssumeRole, retried on throttling; ClientError (e.g. AccessDenied) propagates."""
    params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": session_name}
    if duration_seconds is not None:
        params["DurationSeconds"] = duration_seconds
    keys = retry.call(sts_client.assume_role, sleep, **params)["Credentials"]
    return Credentials(keys["AccessKeyId"], keys["SecretAccessKey"], keys["SessionToken"], keys.get("Expiration"))
