"""Custom resource (CDK Provider, onEvent + isComplete) that clears a Studio domain before it is deleted.

The resource depends on the domain and its user profiles, so CloudFormation deletes it first: its
Delete removes every app and space, and isComplete holds the stack until they are gone. Create and
Update touch nothing.

Event contract: ``ResourceProperties.DomainId`` (required, non-empty string).
PhysicalResourceId: ``studio-teardown-<DomainId>``. An Update to another DomainId (the domain was replaced)
returns the new domain's ID, so CloudFormation sends the old one a Delete, with the old properties, which
tears down the old domain's apps and spaces
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html: a
different PhysicalResourceId is a replacement). Any other Update, and Delete, echo the existing ID.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import teardown  # flat sibling module (tests alias it, see tests/lambda/conftest.py)
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]
from platform_runtime.custom_resource import existing_physical_id
from platform_runtime.custom_resource import request_type as request_type_of

logger = Logger(service="studio-teardown")

# Standard mode retries throttling and transient errors with backoff inside botocore.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 8})
# Once per container: the init phase pays for it, warm invocations reuse it. Tests replace it.
_client: Any = boto3.client("sagemaker", config=CLIENT_CONFIG)


def _domain_id(event: dict[str, Any]) -> str:
    domain_id = (event.get("ResourceProperties") or {}).get("DomainId")
    if not isinstance(domain_id, str) or not domain_id.strip():
        # Raised rather than skipped: the Provider reports it as FAILED instead of silently leaving apps.
        raise ValueError(f"ResourceProperties.DomainId must be a non-empty string, got {domain_id!r}")
    return domain_id


def _physical_id(event: dict[str, Any], domain_id: str) -> str:
    if event["RequestType"] == "Create":
        return f"studio-teardown-{domain_id}"
    existing = existing_physical_id(event)  # the Provider framework rejects a Delete with a different ID
    old_domain = (event.get("OldResourceProperties") or {}).get("DomainId")
    if event["RequestType"] == "Update" and old_domain != domain_id:
        # A new domain: a new ID, so that CloudFormation's Delete of the old ID tears the old domain down.
        # The same domain keeps its ID: a new one would tear down the domain still in use.
        return f"studio-teardown-{domain_id}"
    return existing


@logger.inject_lambda_context
def on_event(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request_type = request_type_of(event)
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
    request_type = request_type_of(event)
    domain_id = _domain_id(event)
    logger.append_keys(domain_id=domain_id, request_type=request_type)
    if request_type != "Delete":
        return {"IsComplete": True}
    # Not complete means the Provider polls again later, until its total timeout reports a failure.
    status = teardown.check_teardown(_client, domain_id)
    logger.info("Teardown status", extra=asdict(status))
    return {"IsComplete": status.complete}
