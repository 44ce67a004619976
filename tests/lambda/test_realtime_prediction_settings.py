"""Realtime prediction Lambda: settings parsed from the environment at cold start, and the default clients."""

from __future__ import annotations

import pytest

from .conftest import load_lambda_module
from .prediction_fixtures import *  # noqa: F403 - the shared fixtures, which pytest finds by name
from .prediction_fixtures import PREDICTION_PATH
from .prediction_stubs import (
    ACCESS_KEY,
    ENDPOINT,
    ENTITY,
    ENV,
    EXPIRES,
    FEATURES,
    GROUP,
    PROD,
    ROLE_ARN,
    SECRET_KEY,
    SESSION_TOKEN,
    answer_over_http,
)


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
    [(url, headers, _)] = sent
    assert url.startswith(f"https://featurestore-runtime.sagemaker.eu-west-1.amazonaws.com/FeatureGroup/{GROUP}?")
    assert f"RecordIdentifierValueAsString={ENTITY}" in url and url.endswith("&FeatureName=tenure_months")
    assert f"Credential={ACCESS_KEY}/" in headers["Authorization"]
    assert "/eu-west-1/sagemaker/" in headers["Authorization"]
    assert headers["X-Amz-Security-Token"] == SESSION_TOKEN
    own = module.make_feature_store_client(None)
    assert own.meta.region_name == "eu-west-1"
    assert own._request_signer._credentials.access_key == "testing"  # the function's own (fake) keys
