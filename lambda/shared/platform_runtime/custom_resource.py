"""The request of a CloudFormation custom resource, as the CDK Provider framework hands it to ``onEvent``.

CloudFormation sends ``RequestType`` Create, Update or Delete; Update and Delete carry the resource's
``PhysicalResourceId`` (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html).
"""

from __future__ import annotations

from typing import Any

REQUEST_TYPES = ("Create", "Update", "Delete")


def request_type(event: Any) -> str:
    """Create, Update or Delete; ValueError naming what came instead."""
    value = event.get("RequestType") if isinstance(event, dict) else None
    if value not in REQUEST_TYPES:
        if not isinstance(event, dict):
            raise ValueError(f"A custom resource request must be a JSON object, got {type(event).__name__}")
        raise ValueError(f"Unknown RequestType {value!r}: expected one of {', '.join(REQUEST_TYPES)}")
    return str(value)


def existing_physical_id(event: dict[str, Any]) -> str:
    """The PhysicalResourceId an Update or Delete is about; ValueError if the request lacks it."""
    value = event.get("PhysicalResourceId")
    if not isinstance(value, str) or not value:
        raise ValueError(
            f"{event.get('RequestType')} request without a PhysicalResourceId (got {value!r}): CloudFormation "
            "always sends the ID it was given, so this request did not come from CloudFormation"
        )
    return value


def no_op_delete(event: dict[str, Any]) -> dict[str, Any]:
    """The answer to a Delete with nothing to undo: no call and no validation of the properties, because a
    Create that failed on bad properties is rolled back with a Delete carrying the same properties, which must
    succeed or the stack gets stuck."""
    return {"PhysicalResourceId": existing_physical_id(event)}
