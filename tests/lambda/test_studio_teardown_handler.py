"""Studio teardown Lambda entry points: the custom resource event contract, with a stubbed client."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]

from .studio_stubs import (
    DOMAIN,
    PHYSICAL_ID,
    app,
    event,
    expect_delete_app,
    expect_delete_space,
    expect_list,
    space,
)


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_create_and_update_touch_nothing_and_keep_the_id(stubbed_handler, stubber, lambda_context, request_type):
    # An Update always carries the old properties; the same domain keeps its (possibly older) physical ID.
    old = {"OldResourceProperties": {"DomainId": DOMAIN}}
    extra = {"PhysicalResourceId": "studio-teardown-d-old", **old} if request_type == "Update" else {}
    expected = extra.get("PhysicalResourceId", PHYSICAL_ID)
    assert stubbed_handler.on_event(event(request_type, **extra), lambda_context) == {"PhysicalResourceId": expected}
    assert stubbed_handler.is_complete(event(request_type, **extra), lambda_context) == {"IsComplete": True}
    stubber.assert_no_pending_responses()  # and the active Stubber raised on any call


def test_delete_twice_is_safe(stubbed_handler, stubber, lambda_context):
    item = app("InService", user="alice")
    expect_list(stubber, "list_apps", [item])
    expect_delete_app(stubber, item)
    expect_list(stubber, "list_apps", [{**item, "Status": "Deleting"}])
    delete = event("Delete", PhysicalResourceId=PHYSICAL_ID)
    assert stubbed_handler.on_event(delete, lambda_context) == {"PhysicalResourceId": PHYSICAL_ID}
    assert stubbed_handler.on_event(delete, lambda_context) == {"PhysicalResourceId": PHYSICAL_ID}
    stubber.assert_no_pending_responses()


def test_is_complete_polls_until_apps_and_spaces_are_gone(stubbed_handler, stubber, lambda_context):
    delete = event("Delete", PhysicalResourceId=PHYSICAL_ID)
    expect_list(stubber, "list_apps", [app("Deleting", space="team"), app("Deleting", user="alice")])
    expect_list(stubber, "list_spaces", [space("team")])
    assert stubbed_handler.is_complete(delete, lambda_context) == {"IsComplete": False}
    expect_list(stubber, "list_apps", [app("Deleted", space="team"), app("Deleted", user="alice")])
    expect_list(stubber, "list_spaces", [space("team"), space("other", "Deleting")])
    expect_delete_space(stubber, "team")
    assert stubbed_handler.is_complete(delete, lambda_context) == {"IsComplete": False}
    expect_list(stubber, "list_apps", [app("Deleted", space="team"), app("Deleted", user="alice")])
    expect_list(stubber, "list_spaces", [space("team", "Deleting"), space("other", "Deleting")])
    assert stubbed_handler.is_complete(delete, lambda_context) == {"IsComplete": False}
    expect_list(stubber, "list_apps", [])
    expect_list(stubber, "list_spaces", [])
    assert stubbed_handler.is_complete(delete, lambda_context) == {"IsComplete": True}
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize("gone", ["empty", "ResourceNotFound"])
def test_domain_already_gone_is_complete_at_once(stubbed_handler, stubber, lambda_context, gone):
    delete = event("Delete", PhysicalResourceId=PHYSICAL_ID)
    for operation in ("list_apps", "list_apps", "list_spaces"):
        if gone == "empty":
            expect_list(stubber, operation, [])
        else:
            stubber.add_client_error(operation, "ResourceNotFound", "Domain not found", 400)
    assert stubbed_handler.on_event(delete, lambda_context) == {"PhysicalResourceId": PHYSICAL_ID}
    assert stubbed_handler.is_complete(delete, lambda_context) == {"IsComplete": True}
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize("domain_id", [None, "", "   ", 42])
@pytest.mark.parametrize("entry_point", ["on_event", "is_complete"])
@pytest.mark.parametrize("request_type", ["Create", "Delete"])
def test_missing_domain_id_fails_loudly(stubbed_handler, lambda_context, domain_id, entry_point, request_type):
    bad = event(request_type, domain_id, PhysicalResourceId=PHYSICAL_ID)
    if domain_id is None:
        del bad["ResourceProperties"]["DomainId"]
    with pytest.raises(ValueError, match=r"ResourceProperties\.DomainId"):
        getattr(stubbed_handler, entry_point)(bad, lambda_context)


@pytest.mark.parametrize("entry_point", ["on_event", "is_complete"])
def test_unknown_request_type_fails(stubbed_handler, lambda_context, entry_point):
    with pytest.raises(ValueError, match="Unknown RequestType 'Replace'"):
        getattr(stubbed_handler, entry_point)(event("Replace"), lambda_context)


def test_access_denied_propagates_from_both_entry_points(stubbed_handler, stubber, lambda_context):
    delete = event("Delete", PhysicalResourceId=PHYSICAL_ID)
    item = app("InService", user="alice")
    expect_list(stubber, "list_apps", [item])
    expect_delete_app(stubber, item, "AccessDeniedException", "not authorized")
    stubber.add_client_error("list_apps", "AccessDeniedException", "not authorized", 400)
    with pytest.raises(ClientError, match="AccessDeniedException"):
        stubbed_handler.on_event(delete, lambda_context)
    with pytest.raises(ClientError, match="AccessDeniedException"):
        stubbed_handler.is_complete(delete, lambda_context)
    stubber.assert_no_pending_responses()


def test_a_replaced_domain_gets_a_new_id_and_the_old_one_is_torn_down(stubbed_handler, stubber, lambda_context):
    """Issue #19, defect 6. A new DomainId returns a new physical ID, which CloudFormation treats as a
    replacement and answers with a Delete of the old ID, carrying the old properties
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html); that
    Delete tears down the old domain's apps. Keeping the old ID would leave them running, and billing."""
    update = event(
        "Update", "d-new987654321", PhysicalResourceId=PHYSICAL_ID, OldResourceProperties={"DomainId": DOMAIN}
    )
    assert stubbed_handler.on_event(update, lambda_context) == {"PhysicalResourceId": "studio-teardown-d-new987654321"}
    item = app("InService", space="team-space")
    expect_list(stubber, "list_apps", [item])
    expect_delete_app(stubber, item)
    delete_old = event("Delete", DOMAIN, PhysicalResourceId=PHYSICAL_ID)
    assert stubbed_handler.on_event(delete_old, lambda_context) == {"PhysicalResourceId": PHYSICAL_ID}
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize("entry_point", ["on_event"])
def test_a_delete_without_physical_id_fails_clearly(stubbed_handler, lambda_context, entry_point):
    """CloudFormation always sends the PhysicalResourceId on Delete
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-delete.html)."""
    with pytest.raises(ValueError, match="Delete request without a PhysicalResourceId"):
        getattr(stubbed_handler, entry_point)(event("Delete"), lambda_context)


def test_an_app_without_an_owner_is_reported_not_a_key_error(stubbed_handler, stubber, lambda_context):
    """ListApps (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AppDetails.html) names the user
    profile or the space of an app; one with neither cannot be deleted, and the message says so."""
    orphan = {key: value for key, value in app("InService", space="x").items() if key != "SpaceName"}
    expect_list(stubber, "list_apps", [orphan])
    with pytest.raises(ValueError, match="neither UserProfileName nor SpaceName"):
        stubbed_handler.on_event(event("Delete", PhysicalResourceId=PHYSICAL_ID), lambda_context)
