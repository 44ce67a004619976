"""Tear down a SageMaker Studio domain's apps and spaces so that CloudFormation can delete the domain.

The SageMaker client is passed in so tests can stub it. Every function is idempotent: CloudFormation
and the Provider framework may call them again at any time, so the listing is the source of truth and
"already gone" is success.

Throttling: botocore's own retry handler (the handler's client uses standard mode) runs inside the
HTTP send loop, which botocore's Stubber bypasses (it answers at ``before-call``), so a Stubber test
cannot show that retry. We therefore also retry throttling here, a few times with an injectable
sleep, which the tests exercise; in Lambda it only adds attempts after botocore's own have run out.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]
from platform_runtime.aws_calls import Retry, Sleep, error_code, error_message

# A Failed app still blocks deleting its space and the domain, so it is deleted like a running one.
DELETABLE_APP_STATUSES = frozenset({"InService", "Pending", "Failed"})
SPACE_STATUS_DELETING = "Deleting"
APP_STATUS_DELETED = "Deleted"
NOT_FOUND_CODES = frozenset({"ResourceNotFound", "ResourceNotFoundException"})
RETRY = Retry(frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException"}))
PAGE_SIZE = 100  # the API maximum: fewer calls, so less throttling on big domains
# Only messages that say the resource is already on its way out; "cannot be deleted while ..." must
# still fail loudly, otherwise the real reason would be hidden behind a Provider timeout.
_ALREADY_DELETING = re.compile(
    r"already (being |been )?deleted|is being deleted|delet(ing|ed) (state|status)"
    r"|status\W*(is\W*)?delet(ing|ed)",
    re.IGNORECASE,
)


class Outcome(Enum):
    REQUESTED = "requested"  # the delete call was accepted
    GONE = "gone"  # already deleted or being deleted
    DEFERRED = "deferred"  # ResourceInUse: retried on the next poll, bounded by the Provider's timeout


@dataclass
class Summary:
    """What one pass over the apps did, for logging."""

    apps_listed: int = 0
    apps_delete_requested: int = 0
    apps_already_gone: int = 0
    deferred: list[str] = field(default_factory=list)


@dataclass
class Status:
    """Whether the domain is clear of apps and spaces, for is_complete and logging."""

    complete: bool
    apps: Summary
    apps_live: int
    spaces_remaining: int
    spaces_delete_requested: int


def _list_all(client: Any, operation: str, key: str, domain_id: str, sleep: Sleep) -> list[dict[str, Any]]:
    # Manual NextToken loop rather than a paginator, so each page call gets the throttling retry.
    params: dict[str, Any] = {"DomainIdEquals": domain_id, "MaxResults": PAGE_SIZE}
    items: list[dict[str, Any]] = []
    while True:
        try:
            page = RETRY.call(getattr(client, operation), sleep, **params)
        except ClientError as error:
            if error_code(error) in NOT_FOUND_CODES:
                return []  # the domain itself is gone, so are its apps and spaces
            raise
        items.extend(page.get(key, []))
        token = page.get("NextToken")
        if not token:
            return items
        params = {**params, "NextToken": token}


def _delete(method: Callable[..., Any], sleep: Sleep, params: dict[str, Any], reasons: list[str]) -> Outcome:
    try:
        RETRY.call(method, sleep, **params)
    except ClientError as error:
        code, message = error_code(error), error_message(error)
        if code in NOT_FOUND_CODES or (code == "ValidationException" and _ALREADY_DELETING.search(message)):
            return Outcome.GONE
        if code == "ResourceInUse":
            reasons.append(f"{params}: {message}")
            return Outcome.DEFERRED
        raise
    return Outcome.REQUESTED


def _owner(app: dict[str, Any]) -> dict[str, str]:
    """An app belongs either to a user profile (classic Studio) or to a space (JupyterLab, Code Editor);
    DeleteApp needs that owner. ListApps always names one: an app without is reported, not guessed."""
    for key in ("UserProfileName", "SpaceName"):
        if app.get(key):
            return {key: app[key]}
    raise ValueError(
        f"ListApps returned app {app.get('AppType')}/{app.get('AppName')} with neither UserProfileName nor "
        "SpaceName: it cannot be deleted by this function; delete it by hand, then retry the stack operation"
    )


def _delete_apps(client: Any, domain_id: str, apps: list[dict[str, Any]], sleep: Sleep) -> Summary:
    summary = Summary(apps_listed=len(apps))
    for app in apps:
        if app.get("Status") not in DELETABLE_APP_STATUSES:
            continue
        params: dict[str, Any] = {"DomainId": domain_id, "AppType": app["AppType"], "AppName": app["AppName"]}
        params.update(_owner(app))
        outcome = _delete(client.delete_app, sleep, params, summary.deferred)
        if outcome is Outcome.REQUESTED:
            summary.apps_delete_requested += 1
        elif outcome is Outcome.GONE:
            summary.apps_already_gone += 1
    return summary


def start_teardown(client: Any, domain_id: str, *, sleep: Sleep = time.sleep) -> Summary:
    """Request deletion of every live app of the domain; spaces wait for check_teardown."""
    apps = _list_all(client, "list_apps", "Apps", domain_id, sleep)
    return _delete_apps(client, domain_id, apps, sleep)


def check_teardown(client: Any, domain_id: str, *, sleep: Sleep = time.sleep) -> Status:
    """One poll: re-request app deletions, delete spaces whose apps are gone, report whether all is gone."""
    apps = _list_all(client, "list_apps", "Apps", domain_id, sleep)
    summary = _delete_apps(client, domain_id, apps, sleep)  # apps created since on_event, or failed ones
    live = [app for app in apps if app.get("Status") != APP_STATUS_DELETED]
    # SageMaker refuses to delete a space while any of its apps exists, even one still Deleting.
    busy_spaces = {app["SpaceName"] for app in live if app.get("SpaceName")}
    spaces = _list_all(client, "list_spaces", "Spaces", domain_id, sleep)
    spaces_requested = 0
    for space in spaces:
        if space.get("Status") == SPACE_STATUS_DELETING or space["SpaceName"] in busy_spaces:
            continue
        params = {"DomainId": domain_id, "SpaceName": space["SpaceName"]}
        if _delete(client.delete_space, sleep, params, summary.deferred) is Outcome.REQUESTED:
            spaces_requested += 1
    return Status(
        complete=not live and not spaces,
        apps=summary,
        apps_live=len(live),
        spaces_remaining=len(spaces),
        spaces_delete_requested=spaces_requested,
    )
