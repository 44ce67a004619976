"""Custom resource (CDK Provider, onEvent + isComplete) that clears a Studio domain before it is deleted.

The resource depends on the domain and its user profiles, so CloudFormation deletes it first: its
Delete removes every app and space, and isComplete holds the stack until they are gone. Create and
Update touch nothing.

Event contract: ``ResourceProperties.DomainId`` (required, non-empty string).
PhysicalResourceId: ``studio-teardown-<DomainId>``, echoed unchanged on Update and Delete.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import teardown  # flat: the asset is this folder alone (tests alias it, see tests/lambda/conftest.py)
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]

logger = Logger(service="studio-teardown")

# Standard mode retries throttling and transient errors with backoff inside botocore.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 8})
# Once per container: the init phase pays for it, warm invocations reuse it. Tests replace it.
_client: Any = boto3.client("sagemaker", config=CLIENT_CONFIG)

REQUEST_TYPES = ("Create", "Update", "Delete")


def _request_type(event: dict[str, Any]) -> str:
    request_type = event.get("RequestType")
    if request_type not in REQUEST_TYPES:
        raise ValueError(f"Unknown RequestType {request_type!r}: expected one of {', '.join(REQUEST_TYPES)}")
    return str(request_type)


def _domain_id(event: dict[str, Any]) -> str:
    domain_id = (event.get("ResourceProperties") or {}).get("DomainId")
    if not isinstance(domain_id, str) or not domain_id.strip():
        # Raised rather than skipped: the Provider reports it as FAILED instead of silently leaving apps.
        raise ValueError(f"ResourceProperties.DomainId must be a non-empty string, got {domain_id!r}")
    return domain_id


def _physical_id(event: dict[str, Any], domain_id: str) -> str:
    # Update must keep the ID (a new one makes CloudFormation delete the old resource, i.e. tear down
    # the domain) and the Provider framework rejects a Delete that returns a different ID.
    existing = event.get("PhysicalResourceId")
    if event["RequestType"] != "Create" and isinstance(existing, str) and existing:
        return existing
    return f"studio-teardown-{domain_id}"


@logger.inject_lambda_context
def on_event(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request_type = _request_type(event)
    domain_id = _domain_id(event)
    physical_id = _physical_id(event, domain_id)
    logger.append_keys(domain_id=domain_id, request_type=request_type)
    if request_type == "Delete":
        summary = teardown.start_teardown(_client, domain_id)
        logger.info("App deletion requested", extra=asdict(summary))
    else:
        logger.info("Nothing to do before the domain is deleted")
    return {"PhysicalResourceId": physical_id}


@logger.inject_lambda_context
def is_complete(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request_type = _request_type(event)
    domain_id = _domain_id(event)
    logger.append_keys(domain_id=domain_id, request_type=request_type)
    if request_type != "Delete":
        return {"IsComplete": True}
    # Not complete means the Provider polls again later, until its total timeout reports a failure.
    status = teardown.check_teardown(_client, domain_id)
    logger.info("Teardown status", extra=asdict(status))
    return {"IsComplete": status.complete}
