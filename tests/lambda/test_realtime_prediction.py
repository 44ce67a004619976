"""Realtime prediction Lambda: logic and entry point against botocore's real STS, Feature Store runtime and
SageMaker runtime models through Stubber (offline). Active Stubbers raise on any call that was not queued."""

from __future__ import annotations

import base64
import io
import json
from datetime import timedelta

import pytest
from botocore.exceptions import ReadTimeoutError  # type: ignore[import-untyped,unused-ignore]
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

from .conftest import LAMBDA_ROOT, load_lambda_module
from .prediction_stubs import (
    ACCESS_KEY,
    CONTEXT,
    ENDPOINT,
    ENTITY,
    ENV,
    EXPIRES,
    FEATURES,
    GROUP,
    MODEL_FEATURES,
    PROD,
    RECORD,
    ROLE_ARN,
    SECRET_KEY,
    SESSION_TOKEN,
    Clock,
    FeatureStoreFactory,
    answer_over_http,
    assert_all_consumed,
    client,
    decoded,
    expect_assume_role,
    expect_get_record,
    expect_hit,
    expect_invoke,
    expect_invoke_error,
    http_api_event,
    rest_event,
)

HIT = {
    "statusCode": 200,
    "entity_id": ENTITY,
    "prediction": 0.8734,
    "features": MODEL_FEATURES,
    "feature_group": GROUP,
    "endpoint": ENDPOINT,
    "variant": "AllTraffic",
}
PREDICTION_PATH = LAMBDA_ROOT / "realtime_prediction"
DATA_LAKE_ROLE = ROLE_ARN.split("/")[-1]


@pytest.fixture(scope="module")
def logic(aws_offline_env):
    return load_lambda_module("realtime_prediction_logic", PREDICTION_PATH / "prediction.py")


@pytest.fixture(scope="module")
def module(aws_offline_env, logic):
    """The handler as Lambda loads it: settings from the environment at import (cold start)."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in ENV.items():
            mp.setenv(name, value)
        return load_lambda_module(
            "realtime_prediction_handler", PREDICTION_PATH / "handler.py", aliases={"prediction": logic}
        )


@pytest.fixture
def sts_stub():
    with Stubber(client("sts")) as stub:
        yield stub


@pytest.fixture
def store_stub():
    with Stubber(client("sagemaker-featurestore-runtime")) as stub:
        yield stub


@pytest.fixture
def runtime_stub():
    with Stubber(client("sagemaker-runtime")) as stub:
        yield stub


@pytest.fixture
def factory(store_stub):
    return FeatureStoreFactory(store_stub.client)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def configure(module, logic, sts_stub, runtime_stub, factory, clock, sleeps, monkeypatch):
    """Point the handler at the stubs, with ENV changed by ``overrides`` (None removes a variable)."""

    def apply(**overrides):
        env = {k: v for k, v in {**ENV, **overrides}.items() if v is not None}
        settings = logic.Settings.from_env(env)
        monkeypatch.setattr(module, "_settings", settings)
        store = logic.FeatureStoreClients(sts_stub.client, settings.feature_store_role_arn, factory, clock=clock)
        monkeypatch.setattr(module, "_feature_store", store)
        monkeypatch.setattr(module, "_runtime", runtime_stub.client)
        monkeypatch.setattr(module, "_sleep", sleeps.append)
        return module

    return apply


@pytest.fixture
def handler(configure):
    return configure()


@pytest.fixture
def stubs(sts_stub, store_stub, runtime_stub):
    return sts_stub, store_stub, runtime_stub


@pytest.fixture
def logs(module):
    stream = io.StringIO()
    previous = module.logger.registered_handler.setStream(stream)
    yield stream
    module.logger.registered_handler.setStream(previous)


def records(logs):
    return [json.loads(line) for line in logs.getvalue().splitlines()]


def outcome(result, detail="code"):
    return result["statusCode"], result["error"], result[detail]


# --- hits ------------------------------------------------------------------------------------------


def test_direct_hit_reads_the_data_lake_with_assumed_credentials_and_logs_no_secret(handler, stubs, factory, logs):
    sts, store, runtime = stubs
    expect_hit(sts, store, runtime)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)
    [credentials] = factory.received
    assert (credentials.access_key_id, credentials.secret_access_key) == (ACCESS_KEY, SECRET_KEY)
    assert (credentials.session_token, credentials.expiration) == (SESSION_TOKEN, EXPIRES)
    assert SECRET_KEY not in repr(credentials) and SESSION_TOKEN not in repr(credentials)
    [served] = [r for r in records(logs) if r["message"] == "Prediction served"]
    assert served["service"] == "realtime-prediction" and served["function_name"] == "realtime-prediction"
    assert served["entity_id"] == ENTITY and served["variant"] == "AllTraffic" and served["feature_count"] == 3
    assert set(served["latency_ms"]) == {"feature_store", "endpoint", "total"}
    assert all(isinstance(ms, float) and ms >= 0 for ms in served["latency_ms"].values())
    assert all(secret not in logs.getvalue() for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN))
    assert RECORD["monthly_charges"] not in logs.getvalue()  # feature values stay out of the log


@pytest.mark.parametrize(
    "event",
    [
        rest_event(path=ENTITY),
        rest_event(body={"entity_id": ENTITY}),
        rest_event(body={"entity_id": ENTITY}, encode=True),
        rest_event(path=ENTITY, body="not json: the path wins and the body is not read"),
        http_api_event({"entity_id": ENTITY, "debug": True}),
    ],
    ids=["rest-path", "rest-body", "rest-base64-body", "path-wins", "http-api-body"],
)
def test_api_gateway_hit_returns_a_proxy_response(handler, stubs, event):
    expect_hit(*stubs)
    status, body = decoded(handler.lambda_handler(event, CONTEXT))
    assert_all_consumed(*stubs)
    assert status == 200
    assert body == {key: value for key, value in HIT.items() if key != "statusCode"}


def test_integer_entity_id_is_sent_as_its_string(handler, stubs):
    sts, store, runtime = stubs
    expect_assume_role(sts)
    expect_get_record(store, {**RECORD, "customer_id": "42"}, entity="42")
    expect_invoke(runtime, b"0.5")
    result = handler.lambda_handler({"entity_id": 42}, CONTEXT)
    assert_all_consumed(*stubs)
    assert (result["statusCode"], result["entity_id"], result["prediction"]) == (200, "42", 0.5)


def test_features_go_in_the_configured_order_and_a_value_with_a_comma_is_quoted(configure, stubs):
    handler = configure(MODEL_FEATURES="contract_type,customer_id,tenure_months")
    sts, store, runtime = stubs
    order = ("contract_type", "customer_id", "tenure_months")
    expect_assume_role(sts)
    expect_get_record(store, {**RECORD, "customer_id": 'Smith, "J"'}, features=order)
    expect_invoke(runtime, b"[0.25]", row=b'2,"Smith, ""J""",18')
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert result["prediction"] == 0.25
    assert list(result["features"]) == list(order)


def test_target_variant_is_pinned_when_configured(configure, stubs):
    handler = configure(ENDPOINT_TARGET_VARIANT="challenger")
    sts, store, runtime = stubs
    expect_assume_role(sts)
    expect_get_record(store, RECORD)
    expect_invoke(runtime, variant="challenger", served_by="challenger")
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert (result["statusCode"], result["variant"]) == (200, "challenger")


def test_same_account_feature_store_uses_the_function_credentials_once(configure, stubs, factory):
    handler = configure(FEATURE_STORE_ROLE_ARN=None)
    _, store, runtime = stubs
    expect_hit(None, store, runtime)
    expect_hit(None, store, runtime)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)  # and the active STS Stubber raised on any AssumeRole
    assert factory.received == [None]


# --- credential cache ------------------------------------------------------------------------------


def test_assumed_credentials_are_reused_until_five_minutes_before_expiry(handler, stubs, factory, clock):
    sts, store, runtime = stubs
    expect_hit(sts, store, runtime)
    expect_hit(None, store, runtime)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    clock.now = EXPIRES - timedelta(minutes=5, microseconds=1)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)
    assert len(factory.received) == 1

    clock.now = EXPIRES - timedelta(minutes=5)
    renewed = EXPIRES + timedelta(hours=1)
    expect_assume_role(sts, expiration=renewed, access_key="ASIARENEWEDEXAMPLE02")
    expect_get_record(store, RECORD)
    expect_invoke(runtime)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)
    assert [(c.access_key_id, c.expiration) for c in factory.received] == [
        (ACCESS_KEY, EXPIRES),
        ("ASIARENEWEDEXAMPLE02", renewed),
    ]


def test_a_failed_assume_role_is_not_cached(handler, stubs, factory):
    sts, store, runtime = stubs
    expect_assume_role(sts, "AccessDenied")
    expect_hit(sts, store, runtime)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)["statusCode"] == 503
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)
    assert len(factory.received) == 1


def test_expired_token_drops_the_cached_credentials(handler, stubs, factory):
    sts, store, runtime = stubs
    expect_assume_role(sts)
    expect_get_record(store, error="ExpiredTokenException")
    expect_hit(sts, store, runtime)
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert outcome(result) == (503, "FeatureStoreUnavailable", "ExpiredTokenException")
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)
    assert len(factory.received) == 2


# --- feature store failures ------------------------------------------------------------------------


def test_longest_entity_id_is_accepted(handler, stubs):
    sts, store, _ = stubs
    longest = "x" * 358_400  # the GetRecord maximum; one more is a 400 (below)
    expect_assume_role(sts)
    expect_get_record(store, None, entity=longest)
    assert handler.lambda_handler({"entity_id": longest}, CONTEXT)["statusCode"] == 404
    assert_all_consumed(*stubs)


def test_unknown_entity_is_404_and_the_endpoint_is_not_called(handler, stubs):
    sts, store, _ = stubs
    expect_assume_role(sts)
    expect_get_record(store, None, entity="cust-9999")
    expect_get_record(store, None, entity="cust-9999")
    direct = handler.lambda_handler({"entity_id": "cust-9999"}, CONTEXT)
    status, body = decoded(handler.lambda_handler(rest_event(path="cust-9999"), CONTEXT))
    assert_all_consumed(*stubs)  # and the active runtime Stubber raised on any InvokeEndpoint
    assert direct == {"statusCode": 404, **body}
    assert status == 404 and body["error"] == "RecordNotFound"
    assert body["message"] == f"No record with identifier 'cust-9999' in the online store of {GROUP}"


def test_missing_features_are_422_listed_in_model_order(handler, stubs, logs):
    sts, store, _ = stubs
    partial = {k: v for k, v in RECORD.items() if k not in ("tenure_months", "contract_type")}
    expect_assume_role(sts)
    expect_get_record(store, partial)
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert result["statusCode"] == 422 and result["error"] == "IncompleteFeatures"
    assert result["missing"] == ["tenure_months", "contract_type"]
    assert "lacks 2 of the model's 3 features: tenure_months, contract_type" in result["message"]
    [failed] = [r for r in records(logs) if r["message"] == "Prediction failed"]
    assert failed["level"] == "WARNING" and failed["missing"] == result["missing"] and failed["status_code"] == 422


def test_list_valued_feature_is_422_unsupported(handler, stubs):
    sts, store, _ = stubs
    expect_assume_role(sts)
    expect_get_record(store, {k: v for k, v in RECORD.items() if k != "contract_type"}, lists={"contract_type": ["2"]})
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert outcome(result, "features") == (422, "UnsupportedFeatureValue", ["contract_type"])


@pytest.mark.parametrize(
    ("where", "code"),
    [("assume_role", "AccessDenied"), ("get_record", "AccessForbidden"), ("get_record", "ResourceNotFound")],
)
def test_access_denied_is_503_without_retry_and_hides_the_aws_message(handler, stubs, sleeps, logs, where, code):
    sts, store, _ = stubs
    expect_assume_role(sts, code if where == "assume_role" else "")
    if where == "get_record":
        expect_get_record(store, error=code)
    status, body = decoded(handler.lambda_handler(rest_event(path=ENTITY), CONTEXT))
    assert_all_consumed(*stubs)
    assert status == 503 and body["error"] == "FeatureStoreUnavailable" and body["code"] == code
    assert PROD not in body["message"] and DATA_LAKE_ROLE not in body["message"]
    assert sleeps == []
    [failed] = [r for r in records(logs) if r["message"] == "Prediction failed"]
    assert failed["level"] == "ERROR" and code in failed["cause"]  # the details are in the log


@pytest.mark.parametrize("operation", ["assume_role", "get_record"])
@pytest.mark.parametrize("code", ["ThrottlingException", "Throttling"])
def test_throttled_feature_store_is_retried_then_succeeds(handler, stubs, sleeps, operation, code):
    sts, store, runtime = stubs
    if operation == "assume_role":
        expect_assume_role(sts, code)
    expect_assume_role(sts)
    if operation == "get_record":
        expect_get_record(store, error=code)
    expect_get_record(store, RECORD)
    expect_invoke(runtime)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)
    assert sleeps == [0.2]


def test_throttled_feature_store_gives_up_after_bounded_attempts(handler, logic, stubs, sleeps):
    sts, store, _ = stubs
    expect_assume_role(sts)
    for _ in range(logic.MAX_ATTEMPTS):
        expect_get_record(store, error="ThrottlingException")
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert outcome(result) == (503, "FeatureStoreUnavailable", "ThrottlingException")
    assert sleeps == [0.2, 0.4]


def test_unreachable_feature_store_is_503(handler, logic, sts_stub, monkeypatch):
    def timeout(**_):
        raise ReadTimeoutError(endpoint_url="https://featurestore-runtime.sagemaker.us-east-1.amazonaws.com")

    class Unreachable:
        get_record = staticmethod(timeout)

    store = logic.FeatureStoreClients(sts_stub.client, None, lambda _: Unreachable())
    monkeypatch.setattr(handler, "_feature_store", store)
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert outcome(result) == (503, "FeatureStoreUnavailable", "ReadTimeoutError")


# --- endpoint failures -----------------------------------------------------------------------------


def test_model_error_is_502_with_the_endpoint_message(handler, stubs):
    sts, store, runtime = stubs
    expect_assume_role(sts)
    expect_get_record(store, RECORD)
    message = (
        'Received server error (500) from primary with message "could not convert string to float". '
        f"See https://us-east-1.console.aws.amazon.com/cloudwatch/... in account {PROD} for more information."
    )
    modeled = {
        "OriginalStatusCode": 500,
        "OriginalMessage": "could not convert string to float",
        "LogStreamArn": f"arn:aws:logs:us-east-1:{PROD}:log-group:/aws/sagemaker/Endpoints/{ENDPOINT}",
    }
    expect_invoke_error(runtime, "ModelError", message, 424, modeled)
    status, body = decoded(handler.lambda_handler(rest_event(body={"entity_id": ENTITY}), CONTEXT))
    assert_all_consumed(*stubs)
    assert status == 502
    assert body == {"error": "EndpointError", "message": message, "code": "ModelError"}


def test_unknown_endpoint_is_502_validation_error(handler, stubs, sleeps):
    sts, store, runtime = stubs
    expect_assume_role(sts)
    expect_get_record(store, RECORD)
    message = f"Endpoint {ENDPOINT} of account {PROD} not found."
    expect_invoke_error(runtime, "ValidationError", message)
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert result == {"statusCode": 502, "error": "EndpointError", "message": message, "code": "ValidationError"}
    assert sleeps == []


def test_unreachable_endpoint_is_502(handler, stubs, monkeypatch):
    sts, store, _ = stubs
    expect_assume_role(sts)
    expect_get_record(store, RECORD)

    class Slow:
        def invoke_endpoint(self, **_):
            raise ReadTimeoutError(
                endpoint_url=f"https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/{ENDPOINT}"
            )

    monkeypatch.setattr(handler, "_runtime", Slow())
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert outcome(result) == (502, "EndpointError", "ReadTimeoutError")
    assert result["message"] == f"Endpoint {ENDPOINT} could not be reached (ReadTimeoutError)"


def test_throttled_endpoint_is_retried_then_succeeds_or_gives_up(handler, logic, stubs, sleeps):
    sts, store, runtime = stubs
    expect_assume_role(sts)
    expect_get_record(store, RECORD)
    expect_invoke_error(runtime, "ThrottlingException", "Rate exceeded")
    expect_invoke(runtime)
    assert handler.lambda_handler({"entity_id": ENTITY}, CONTEXT) == HIT
    assert_all_consumed(*stubs)
    assert sleeps == [0.2]

    sleeps.clear()
    expect_get_record(store, RECORD)
    for _ in range(logic.MAX_ATTEMPTS):
        expect_invoke_error(runtime, "ThrottlingException", "Rate exceeded")
    result = handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    assert_all_consumed(*stubs)
    assert outcome(result) == (502, "EndpointError", "ThrottlingException")
    assert sleeps == [0.2, 0.4]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not a number",
        b'{"predictions": [0.1, 0.9]}',
        b'{"predictions": []}',
        b'{"prediction": 0.1, "predictions": [0.1]}',
        b'{"predicted_label": 1}',
        b'{"predictions": [{"predicted_label": 1}]}',
        b"[0.1, 0.9]",
        b'"0.87"',
        b"true",
        b"null",
        b"NaN",
        b"Infinity",
        b"1" + b"0" * 400,
        b"0.1,0.9",
        b"0.1\n0.9",
        b"\xff\xfe",
    ],
)
def test_unparseable_model_response_is_502(handler, stubs, body):
    sts, store, runtime = stubs
    expect_assume_role(sts)
    expect_get_record(store, RECORD)
    expect_invoke(runtime, body, content_type="text/csv")
    status, answer = decoded(handler.lambda_handler(rest_event(path=ENTITY), CONTEXT))
    assert_all_consumed(*stubs)
    assert status == 502 and answer["error"] == "BadModelResponse"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"0.8734", 0.8734),
        (b"0.8734\n", 0.8734),
        (b"1", 1.0),
        (b"-2.5e-3", -0.0025),
        (b".5\r\n", 0.5),  # not JSON: read as a one-value CSV line
        (b"[0.8734]", 0.8734),
        (b"[[0.8734]]", 0.8734),
        (b'{"prediction": 0.8734}', 0.8734),
        (b'{"predictions": 0.8734}', 0.8734),
        (b'{"predictions": [0.8734]}', 0.8734),
        (b'{"predictions": [[0.8734]]}', 0.8734),
        (b'{"predictions": [{"score": 0.8734, "predicted_label": 1}]}', 0.8734),
        (b'{"score": 0.8734}', 0.8734),
    ],
)
def test_accepted_model_responses(logic, body, expected):
    assert logic.parse_prediction(body) == expected


def test_unexpected_error_is_a_typed_500_without_traceback(handler, stubs, monkeypatch, logs):
    sts, store, _ = stubs
    expect_assume_role(sts)
    expect_get_record(store, RECORD)

    class Broken:
        def invoke_endpoint(self, **_):
            raise RuntimeError("bug")

    monkeypatch.setattr(handler, "_runtime", Broken())
    status, body = decoded(handler.lambda_handler(rest_event(path=ENTITY), CONTEXT))
    assert status == 500
    assert body == {
        "error": "InternalError",
        "message": f"Unexpected error; the function log has the details (request {CONTEXT.aws_request_id})",
    }
    [logged] = [r for r in records(logs) if r["message"] == "Unexpected error"]
    assert "RuntimeError: bug" in logged["exception"]


# --- invalid requests ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({}, "entity_id is required"),
        ({"entity_id": None}, "entity_id is required"),
        ({"entity_id": ""}, "entity_id must not be empty"),
        ({"entity_id": "  \t"}, "entity_id must not be empty"),
        ({"entity_id": True}, "entity_id must be a string, got bool"),
        ({"entity_id": 4.2}, "entity_id must be a string, got float"),
        ({"entity_id": ["a"]}, "entity_id must be a string, got list"),
        ({"entity_id": "x" * 358_401}, "entity_id is longer than 358400 characters"),
        ({"id": ENTITY}, "entity_id is required"),
        ("cust-0042", "The event must be a JSON object"),
        (None, "The event must be a JSON object"),
    ],
)
def test_invalid_direct_event_is_400(handler, stubs, factory, event, message):
    result = handler.lambda_handler(event, CONTEXT)
    assert_all_consumed(*stubs)  # and the active Stubbers raised on any call
    assert factory.received == []
    assert result["statusCode"] == 400 and result["error"] == "InvalidRequest"
    assert result["message"].startswith(message)
    assert set(result) == {"statusCode", "error", "message"}


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (rest_event(), "entity_id is required, in the path or as a JSON body"),
        (rest_event(body=""), "entity_id is required, in the path or as a JSON body"),
        (rest_event(body="{not json"), "The body is not valid JSON"),
        (rest_event(body=[ENTITY]), "The body must be a JSON object"),
        (rest_event(body={"entityId": ENTITY}), "body.entity_id is required"),
        (rest_event(body={"entity_id": ""}), "body.entity_id must not be empty"),
        (rest_event(path=""), "pathParameters.entity_id must not be empty"),
        ({**rest_event(body="x"), "body": "%%%", "isBase64Encoded": True}, "The body is not valid base64"),
        ({**rest_event(), "body": base64.b64encode(b"\xff").decode(), "isBase64Encoded": True}, "The body is not"),
        (http_api_event(42), "The body must be a JSON object"),
    ],
)
def test_invalid_api_gateway_event_is_400(handler, stubs, event, message):
    status, body = decoded(handler.lambda_handler(event, CONTEXT))
    assert_all_consumed(*stubs)
    assert status == 400 and body["error"] == "InvalidRequest"
    assert body["message"].startswith(message)


def test_log_keys_do_not_leak_into_the_next_invocation(handler, stubs, logs):
    expect_hit(*stubs)
    handler.lambda_handler({"entity_id": ENTITY}, CONTEXT)
    handler.lambda_handler({"entity_id": ""}, CONTEXT)
    first, second = [r for r in records(logs) if r["message"] in ("Prediction served", "Prediction failed")]
    assert first["entity_id"] == ENTITY and "entity_id" not in second
    assert second["status_code"] == 400 and second["reason"] == "entity_id must not be empty"


# --- settings and default clients ------------------------------------------------------------------


def test_settings_are_parsed_once_from_the_environment(module, logic):
    settings = module._settings
    assert settings == logic.Settings(
        feature_group_name=GROUP, model_features=FEATURES, endpoint_name=ENDPOINT, feature_store_role_arn=ROLE_ARN
    )
    assert settings.endpoint_target_variant is None
    with pytest.raises(ValueError, match="frozen"):
        settings.endpoint_name = "other"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"FEATURE_GROUP_NAME": None}, "FEATURE_GROUP_NAME: required"),
        ({"FEATURE_GROUP_NAME": "  "}, "FEATURE_GROUP_NAME: required"),
        ({"FEATURE_GROUP_NAME": "customers v1"}, "FEATURE_GROUP_NAME: 'customers v1' is not a valid feature group"),
        ({"FEATURE_GROUP_NAME": "a" * 65}, "FEATURE_GROUP_NAME: 'a"),
        ({"FEATURE_GROUP_NAME": "a" + "_b" * 32}, "FEATURE_GROUP_NAME: 'a_b"),  # 65 characters
        ({"MODEL_FEATURES": None}, "MODEL_FEATURES: required"),
        ({"MODEL_FEATURES": "a,,b"}, "MODEL_FEATURES: 'a,,b' has an empty name"),
        ({"MODEL_FEATURES": "a,b,"}, "MODEL_FEATURES: 'a,b,' has an empty name"),
        ({"MODEL_FEATURES": "a,b,a"}, "MODEL_FEATURES: duplicate feature names: a"),
        ({"MODEL_FEATURES": "a,b c"}, "MODEL_FEATURES: 'b c' is not a valid feature name"),
        ({"ENDPOINT_NAME": None}, "ENDPOINT_NAME: required"),
        ({"ENDPOINT_NAME": "churn_prod"}, "ENDPOINT_NAME: 'churn_prod' is not a valid endpoint name"),
        ({"ENDPOINT_NAME": "a" * 64}, "ENDPOINT_NAME: 'a"),
        ({"ENDPOINT_NAME": "a" + "-b" * 32}, "ENDPOINT_NAME: 'a-b"),  # 65 characters
        ({"FEATURE_STORE_ROLE_ARN": "mlp-reader"}, "FEATURE_STORE_ROLE_ARN: 'mlp-reader' is not a valid IAM role"),
        ({"FEATURE_STORE_ROLE_ARN": "arn:aws:iam::4444:role/r"}, "FEATURE_STORE_ROLE_ARN: "),
        ({"ENDPOINT_TARGET_VARIANT": "blue_green"}, "ENDPOINT_TARGET_VARIANT: 'blue_green' is not a valid production"),
    ],
)
def test_invalid_settings_name_the_variable(logic, overrides, message):
    env = {k: v for k, v in {**ENV, **overrides}.items() if v is not None}
    with pytest.raises(logic.ConfigurationError, match=rf"^Invalid environment: {message}"):
        logic.Settings.from_env(env)


def test_every_problem_is_reported_at_once(logic):
    with pytest.raises(logic.ConfigurationError) as raised:
        logic.Settings.from_env({"MODEL_FEATURES": "a,a", "FEATURE_STORE_ROLE_ARN": "x"})
    assert str(raised.value) == (
        "Invalid environment: FEATURE_GROUP_NAME: required, set it to a non-empty value; "
        "MODEL_FEATURES: duplicate feature names: a; ENDPOINT_NAME: required, set it to a non-empty value; "
        "FEATURE_STORE_ROLE_ARN: 'x' is not a valid IAM role ARN (arn:aws:iam::<12 digits>:role/...)"
    )


def test_blank_optional_settings_mean_unset_values_are_trimmed_and_arns_are_accepted(logic):
    arn = f"arn:aws:sagemaker:us-east-1:{PROD.replace('7', '4')}:feature-group/{GROUP}"
    env = {**ENV, "FEATURE_GROUP_NAME": f" {arn}\n", "FEATURE_STORE_ROLE_ARN": " ", "ENDPOINT_TARGET_VARIANT": ""}
    settings = logic.Settings.from_env({**env, "ENDPOINT_NAME": f"{'a-' * 31}b"})  # 63 characters: the maximum
    assert settings.feature_group_name == arn and settings.endpoint_name == f"{'a-' * 31}b"
    assert settings.feature_store_role_arn is None and settings.endpoint_target_variant is None


def test_a_bad_environment_fails_the_cold_start(logic, monkeypatch):
    monkeypatch.delenv("ENDPOINT_NAME", raising=False)
    for name in ("FEATURE_GROUP_NAME", "FEATURE_STORE_ROLE_ARN"):
        monkeypatch.setenv(name, ENV[name])
    monkeypatch.setenv("MODEL_FEATURES", "")
    with pytest.raises(logic.ConfigurationError, match=r"MODEL_FEATURES: required.*; ENDPOINT_NAME: required"):
        load_lambda_module("realtime_prediction_bad_env", PREDICTION_PATH / "handler.py", aliases={"prediction": logic})


def test_default_clients_have_short_timeouts_and_sign_with_data_lake_credentials(module, logic, monkeypatch):
    assert module._runtime.meta.config.retries == {"mode": "standard", "total_max_attempts": 2}
    assert (module._runtime.meta.config.connect_timeout, module._runtime.meta.config.read_timeout) == (2, 10)
    assert module._sts.meta.config.retries == {"mode": "standard", "total_max_attempts": 3}
    monkeypatch.setenv("AWS_REGION", "eu-west-1")  # Lambda sets it; AWS_DEFAULT_REGION stays us-east-1
    credentials = logic.Credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, EXPIRES)
    store = module.make_feature_store_client(credentials)
    assert store.meta.region_name == "eu-west-1"
    assert (store.meta.config.connect_timeout, store.meta.config.read_timeout) == (2, 3)
    sent = answer_over_http(store, "GetRecord", {"Record": [{"FeatureName": "tenure_months", "ValueAsString": "18"}]})
    params = {**{"FeatureGroupName": GROUP, "RecordIdentifierValueAsString": ENTITY}, "FeatureNames": ["tenure_months"]}
    assert store.get_record(**params)["Record"] == [{"FeatureName": "tenure_months", "ValueAsString": "18"}]
    [(url, headers)] = sent
    assert url.startswith(f"https://featurestore-runtime.sagemaker.eu-west-1.amazonaws.com/FeatureGroup/{GROUP}?")
    assert f"RecordIdentifierValueAsString={ENTITY}" in url and url.endswith("&FeatureName=tenure_months")
    assert f"Credential={ACCESS_KEY}/" in headers["Authorization"]
    assert "/eu-west-1/sagemaker/" in headers["Authorization"]
    assert headers["X-Amz-Security-Token"] == SESSION_TOKEN
    own = module.make_feature_store_client(None)
    assert own.meta.region_name == "eu-west-1"
    assert own._request_signer._credentials.access_key == "testing"  # the function's own (fake) keys
