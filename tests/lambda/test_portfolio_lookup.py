"""Portfolio lookup Lambda: logic and entry point against botocore's real STS and Service Catalog models
through Stubber (offline). Active Stubbers raise on any call that was not queued."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]

from .conftest import LAMBDA_ROOT, load_lambda_module
from .doubles import captured_logs, stub_fixture
from .portfolio_stubs import (
    ACCESS_KEY,
    CONTEXT,
    NAME,
    ROLE_ARN,
    SECRET_KEY,
    SESSION_TOKEN,
    CatalogFactory,
    answer_over_http,
    assert_all_consumed,
    event,
    expect_assume_role,
    expect_list,
    find,
    portfolio,
)

TARGET = portfolio("abcdefghijklm")
# Near misses that an exact DisplayName match must skip.
OTHERS = [portfolio("archive", f"{NAME}-archive"), portfolio("upper", NAME.upper()), portfolio("space", f" {NAME}")]


@pytest.fixture(scope="module")
def lookup_logic(aws_offline_env):
    return load_lambda_module("portfolio_lookup_logic", LAMBDA_ROOT / "portfolio_lookup" / "lookup.py")


@pytest.fixture(scope="module")
def lookup_handler(aws_offline_env, lookup_logic):
    path = LAMBDA_ROOT / "portfolio_lookup" / "handler.py"
    return load_lambda_module("portfolio_lookup_handler", path, aliases={"lookup": lookup_logic})


sts_stub = stub_fixture("sts")


catalog_stub = stub_fixture("servicecatalog")


@pytest.fixture
def factory(catalog_stub):
    return CatalogFactory(catalog_stub.client)


@pytest.fixture
def handler(lookup_handler, sts_stub, factory, monkeypatch):
    monkeypatch.setattr(lookup_handler, "_sts", sts_stub.client)
    monkeypatch.setattr(lookup_handler, "_make_catalog_client", factory)
    return lookup_handler


@pytest.fixture
def logs(lookup_handler):
    with captured_logs(lookup_handler.logger) as stream:
        yield stream


def test_found_on_second_page_with_the_assumed_role_credentials(lookup_logic, sts_stub, catalog_stub, factory):
    expect_assume_role(sts_stub)
    expect_list(catalog_stub, OTHERS[:2], next_token="page-2")
    expect_list(catalog_stub, [OTHERS[2], TARGET], token="page-2")
    found = find(lookup_logic, sts_stub, factory)
    assert_all_consumed(sts_stub, catalog_stub)
    assert found == lookup_logic.Portfolio(TARGET["Id"], TARGET["ARN"], NAME)
    assert found.id == "port-abcdefghijklm"
    [credentials] = factory.received
    assert (credentials.access_key_id, credentials.secret_access_key, credentials.session_token) == (
        ACCESS_KEY,
        SECRET_KEY,
        SESSION_TOKEN,
    )
    assert SECRET_KEY not in repr(factory.received) and SESSION_TOKEN not in repr(factory.received)


def test_ambiguous_name_fails_naming_every_match(lookup_logic, sts_stub, catalog_stub, factory):
    twin = portfolio("twin")
    expect_assume_role(sts_stub)
    expect_list(catalog_stub, [TARGET], next_token="page-2")
    expect_list(catalog_stub, [twin, OTHERS[0]], token="page-2")
    with pytest.raises(LookupError, match=rf"Ambiguous.*'{NAME}': {TARGET['Id']}, {twin['Id']}$"):
        find(lookup_logic, sts_stub, factory)
    assert_all_consumed(sts_stub, catalog_stub)


@pytest.mark.parametrize("code", ["Throttling", "ThrottlingException"])
@pytest.mark.parametrize("operation", ["assume_role", "list_portfolios"])
def test_throttling_is_retried_then_succeeds(lookup_logic, sts_stub, catalog_stub, factory, operation, code):
    expect_assume_role(sts_stub, code if operation == "assume_role" else "")
    if operation == "assume_role":
        expect_assume_role(sts_stub)
    expect_list(catalog_stub, OTHERS, next_token="page-2")
    if operation == "list_portfolios":
        expect_list(catalog_stub, [], token="page-2", error=code)  # the same page is asked again
    expect_list(catalog_stub, [TARGET], token="page-2")
    sleeps: list[float] = []
    assert find(lookup_logic, sts_stub, factory, sleeps).id == TARGET["Id"]
    assert_all_consumed(sts_stub, catalog_stub)
    assert sleeps == [0.5]
    assert len(factory.received) == 1


def test_throttling_gives_up_after_bounded_attempts(lookup_logic, sts_stub, catalog_stub, factory):
    expect_assume_role(sts_stub)
    for _ in range(lookup_logic.RETRY.max_attempts):
        expect_list(catalog_stub, [], error="ThrottlingException")
    sleeps: list[float] = []
    with pytest.raises(ClientError, match="ThrottlingException"):
        find(lookup_logic, sts_stub, factory, sleeps)
    assert_all_consumed(sts_stub, catalog_stub)
    assert sleeps == [0.5, 1.0, 2.0]


@pytest.mark.parametrize(("operation", "code"), [("assume_role", "AccessDenied"), ("list", "AccessDeniedException")])
def test_access_denied_propagates_without_retry(lookup_logic, sts_stub, catalog_stub, factory, operation, code):
    expect_assume_role(sts_stub, code if operation == "assume_role" else "")
    if operation == "list":
        expect_list(catalog_stub, [], error=code)
    sleeps: list[float] = []
    with pytest.raises(ClientError, match=code):
        find(lookup_logic, sts_stub, factory, sleeps)
    assert_all_consumed(sts_stub, catalog_stub)
    assert sleeps == []
    assert len(factory.received) == (operation == "list")


@pytest.mark.parametrize("nonce", [None, "2025-01-01T00:00:00Z"])
def test_create_returns_the_portfolio_and_logs_its_id_but_no_secret(handler, sts_stub, catalog_stub, logs, nonce):
    expect_assume_role(sts_stub)
    expect_list(catalog_stub, [*OTHERS, TARGET])
    result = handler.on_event(event("Create", Nonce=nonce), CONTEXT)
    assert_all_consumed(sts_stub, catalog_stub)
    data = {"PortfolioId": TARGET["Id"], "PortfolioArn": TARGET["ARN"]}
    assert result == {"PhysicalResourceId": TARGET["Id"], "Data": data}
    records = [json.loads(line) for line in logs.getvalue().splitlines()]
    assert [r["portfolio_id"] for r in records if r["message"] == "Found hub portfolio"] == [TARGET["Id"]]
    assert records[0]["service"] == "portfolio-lookup" and records[0]["function_name"] == "portfolio-lookup"
    assert all(secret not in logs.getvalue() for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN))


def test_update_returns_a_new_physical_id_when_the_hub_replaced_the_portfolio(handler, sts_stub, catalog_stub):
    replacement = portfolio("replacement")
    expect_assume_role(sts_stub)
    expect_list(catalog_stub, [replacement])
    result = handler.on_event(event("Update", physical_id=TARGET["Id"], Nonce="2"), CONTEXT)
    assert_all_consumed(sts_stub, catalog_stub)
    assert result["PhysicalResourceId"] == replacement["Id"] != TARGET["Id"]
    assert result["Data"] == {"PortfolioId": replacement["Id"], "PortfolioArn": replacement["ARN"]}


def test_not_found_fails_the_create_with_a_clear_message(handler, sts_stub, catalog_stub):
    expect_assume_role(sts_stub)
    expect_list(catalog_stub, OTHERS[:1], next_token="page-2")
    expect_list(catalog_stub, OTHERS[1:], token="page-2")
    message = rf"hub account 111111111111 has no .* portfolio named '{NAME}' .*Deploy the SharedServices stage first"
    with pytest.raises(LookupError, match=message):
        handler.on_event(event("Create"), CONTEXT)
    assert_all_consumed(sts_stub, catalog_stub)


@pytest.mark.parametrize("properties", [{}, {"HubRoleArn": "not-an-arn", "PortfolioName": None}])
def test_delete_makes_no_call_and_echoes_the_physical_id(handler, sts_stub, catalog_stub, factory, properties):
    result = handler.on_event(event("Delete", physical_id=TARGET["Id"], **properties), CONTEXT)
    assert result == {"PhysicalResourceId": TARGET["Id"]}
    assert_all_consumed(sts_stub, catalog_stub)
    assert factory.received == []


def test_delete_without_a_physical_id_fails_clearly(handler, sts_stub, catalog_stub):
    """Issue #19, defect 8: CloudFormation always sends PhysicalResourceId on Delete
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-delete.html); a request
    without it gets a message that says so, not a KeyError."""
    with pytest.raises(ValueError, match="Delete request without a PhysicalResourceId"):
        handler.on_event(event("Delete"), CONTEXT)
    assert_all_consumed(sts_stub, catalog_stub)


@pytest.mark.parametrize(
    ("key", "value"),
    [("PortfolioName", value) for value in (None, "", "   ", 42, "x" * 101)]
    + [("HubRoleArn", value) for value in (None, "", 42, f"{ROLE_ARN} ", "arn:aws:iam::12345:role/reader")]
    + [("HubRoleArn", f"arn:aws:{arn}") for arn in ("iam::111111111111:user/r", "sts::111111111111:assumed-role/r/s")]
    + [("HubRoleArn", f"arn:aws:iam::111111111111:role/{name}") for name in ("", "a b", "x" * 65, "path/")],
)
@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_missing_or_invalid_property_fails_naming_it(handler, sts_stub, catalog_stub, key, value, request_type):
    with pytest.raises(ValueError, match=rf"ResourceProperties\.{key} "):
        handler.on_event(event(request_type, physical_id=TARGET["Id"], **{key: value}), CONTEXT)
    assert_all_consumed(sts_stub, catalog_stub)


@pytest.mark.parametrize("request_type", ["Replace", None])
def test_unknown_request_type_fails(handler, sts_stub, catalog_stub, request_type):
    with pytest.raises(ValueError, match=f"Unknown RequestType {request_type!r}"):
        handler.on_event(event(request_type), CONTEXT)
    assert_all_consumed(sts_stub, catalog_stub)


def test_default_clients_retry_and_sign_with_hub_credentials_in_the_lambda_region(
    lookup_handler, lookup_logic, monkeypatch
):
    assert lookup_handler._sts.meta.config.retries == {"mode": "standard", "total_max_attempts": 9}
    monkeypatch.setenv("AWS_REGION", "eu-west-1")  # Lambda sets it; AWS_DEFAULT_REGION stays us-east-1
    credentials = lookup_logic.Credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)
    catalog = lookup_handler.make_catalog_client(credentials)
    assert catalog.meta.region_name == "eu-west-1"
    assert catalog.meta.config.retries == {"mode": "standard", "total_max_attempts": 9}
    sent = answer_over_http(catalog, "ListPortfolios", {"PortfolioDetails": []})
    assert catalog.list_portfolios(PageSize=20)["PortfolioDetails"] == []
    [(_, headers, body)] = sent
    assert json.loads(body) == {"PageSize": 20}
    assert f"Credential={ACCESS_KEY}/" in headers["Authorization"]
    assert "/eu-west-1/servicecatalog/" in headers["Authorization"]
    assert headers["X-Amz-Security-Token"] == SESSION_TOKEN
