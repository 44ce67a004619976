"""Studio teardown logic against botocore's real SageMaker model through Stubber (offline)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped,unused-ignore]
from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

from .studio_stubs import (
    DOMAIN,
    app,
    delete_params,
    expect_delete_app,
    expect_delete_space,
    expect_list,
    space,
)


def test_only_live_apps_are_deleted_with_their_owner(teardown_logic, sagemaker, stubber):
    live = [
        app("InService", user="alice"),
        app("Pending", space="team", app_type="CodeEditor"),
        app("Failed", user="bob", app_type="KernelGateway"),
    ]
    gone = [app("Deleting", user="carol"), app("Deleted", space="old", app_type="JupyterServer")]
    expect_list(stubber, "list_apps", [live[0], *gone, live[1], live[2]])
    for item in live:
        expect_delete_app(stubber, item)
    summary = teardown_logic.start_teardown(sagemaker, DOMAIN)
    stubber.assert_no_pending_responses()
    assert (summary.apps_listed, summary.apps_delete_requested, summary.apps_already_gone) == (5, 3, 0)


def test_list_apps_and_list_spaces_follow_next_token(teardown_logic, sagemaker, stubber):
    expect_list(stubber, "list_apps", [app("Deleted", user="a")], next_token="p2")
    stubber.add_client_error("list_apps", "ThrottlingException", "Rate exceeded", 400)  # page 2, retried
    expect_list(stubber, "list_apps", [app("Deleted", user="b")], token="p2", next_token="p3")
    expect_list(stubber, "list_apps", [app("Deleted", space="s1")], token="p3")
    expect_list(stubber, "list_spaces", [space("s1")], next_token="q2")
    expect_list(stubber, "list_spaces", [space("s2")], token="q2")
    expect_delete_space(stubber, "s1")
    expect_delete_space(stubber, "s2")
    status = teardown_logic.check_teardown(sagemaker, DOMAIN, sleep=lambda _: None)
    stubber.assert_no_pending_responses()
    assert (status.apps.apps_listed, status.spaces_delete_requested, status.complete) == (3, 2, False)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ResourceNotFound", "App does not exist"),
        ("ValidationException", "App [default] is already being deleted."),
        ("ValidationException", "App default has already been deleted"),
        ("ValidationException", "Cannot delete app: status is Deleting"),
    ],
)
def test_app_already_going_away_counts_as_success(teardown_logic, sagemaker, stubber, code, message):
    item = app("InService", user="alice")
    expect_list(stubber, "list_apps", [item])
    expect_delete_app(stubber, item, code, message)
    summary = teardown_logic.start_teardown(sagemaker, DOMAIN)
    stubber.assert_no_pending_responses()
    assert (summary.apps_delete_requested, summary.apps_already_gone) == (0, 1)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("AccessDeniedException", "not authorized"),
        ("ValidationException", "App cannot be deleted while busy"),
    ],
)
def test_other_delete_errors_propagate(teardown_logic, sagemaker, stubber, code, message):
    item = app("InService", space="team")
    expect_list(stubber, "list_apps", [item])
    expect_delete_app(stubber, item, code, message)
    with pytest.raises(ClientError, match=code):
        teardown_logic.start_teardown(sagemaker, DOMAIN)
    stubber.assert_no_pending_responses()


def test_throttling_is_retried_with_backoff_then_gives_up(teardown_logic, sagemaker, stubber):
    item = app("InService", user="alice")
    expect_list(stubber, "list_apps", [item])
    expect_delete_app(stubber, item, "ThrottlingException", "Rate exceeded")
    expect_delete_app(stubber, item)
    sleeps: list[float] = []
    assert teardown_logic.start_teardown(sagemaker, DOMAIN, sleep=sleeps.append).apps_delete_requested == 1
    assert sleeps == [0.5]
    expect_list(stubber, "list_apps", [item])
    for _ in range(teardown_logic.RETRY.max_attempts):
        expect_delete_app(stubber, item, "ThrottlingException", "Rate exceeded")
    sleeps.clear()
    with pytest.raises(ClientError, match="ThrottlingException"):
        teardown_logic.start_teardown(sagemaker, DOMAIN, sleep=sleeps.append)
    stubber.assert_no_pending_responses()
    assert sleeps == [0.5, 1.0, 2.0]


def test_stubber_bypasses_botocore_retries_hence_the_explicit_retry(teardown_handler, sagemaker_factory):
    """If this ever fails, botocore retries Stubber errors and teardown's own retry could go."""
    client = sagemaker_factory(teardown_handler.CLIENT_CONFIG)
    item = app("InService", user="alice")
    with Stubber(client) as stub:
        expect_delete_app(stub, item, "ThrottlingException", "Rate exceeded")
        with pytest.raises(ClientError, match="ThrottlingException"):
            client.delete_app(**delete_params(item))


def test_handler_client_config_retries_throttling_over_http(teardown_handler, sagemaker_factory, monkeypatch):
    assert teardown_handler._client.meta.config.retries == {"mode": "standard", "total_max_attempts": 9}
    assert teardown_handler._client.meta.region_name == "us-east-1"
    client = sagemaker_factory(teardown_handler.CLIENT_CONFIG)
    replies = [(400, {"__type": "ThrottlingException", "message": "Rate exceeded"}), (200, {})]
    sent: list[str] = []

    class Raw:
        def __init__(self, body: bytes) -> None:
            self.body = body

        def stream(self, **_: Any) -> list[bytes]:
            return [self.body]

    def reply(request: Any, **_: Any) -> AWSResponse:
        sent.append(request.headers["X-Amz-Target"].decode())
        code, body = replies.pop(0)
        return AWSResponse(request.url, code, {}, Raw(json.dumps(body).encode()))

    client.meta.events.register("before-send.sagemaker.DeleteApp", reply)
    monkeypatch.setattr(time, "sleep", lambda _: None)  # botocore's backoff between attempts
    client.delete_app(**delete_params(app("InService", user="alice")))
    assert sent == ["SageMaker.DeleteApp", "SageMaker.DeleteApp"]


def test_spaces_wait_for_their_apps_and_deleting_spaces_are_left_alone(teardown_logic, sagemaker, stubber):
    fresh = app("InService", space="new")  # created after on_event: deleted now, space waits for it
    expect_list(stubber, "list_apps", [app("Deleting", space="busy"), fresh, app("Deleted", space="idle")])
    expect_delete_app(stubber, fresh)
    expect_list(stubber, "list_spaces", [space("busy"), space("new"), space("idle"), space("gone", "Deleting")])
    expect_delete_space(stubber, "idle")
    status = teardown_logic.check_teardown(sagemaker, DOMAIN)
    stubber.assert_no_pending_responses()
    assert (status.complete, status.apps_live, status.spaces_remaining) == (False, 2, 4)
    assert (status.apps.apps_delete_requested, status.spaces_delete_requested) == (1, 1)


def test_space_in_use_is_deferred_and_missing_space_is_fine(teardown_logic, sagemaker, stubber):
    expect_list(stubber, "list_apps", [])
    expect_list(stubber, "list_spaces", [space("racing"), space("vanished")])
    expect_delete_space(stubber, "racing", "ResourceInUse")
    expect_delete_space(stubber, "vanished", "ResourceNotFound")
    status = teardown_logic.check_teardown(sagemaker, DOMAIN)
    stubber.assert_no_pending_responses()
    assert (status.complete, status.spaces_delete_requested, len(status.apps.deferred)) == (False, 0, 1)
