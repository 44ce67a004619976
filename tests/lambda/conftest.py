"""Offline fixtures for the Lambda functions under lambda/: stubbed SageMaker clients, no network.

A Lambda folder is a flat asset whose modules have generic names (handler, teardown), so they are
loaded here under unique names; while a module loads, its flat sibling imports are aliased.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import botocore.httpsession  # type: ignore[import-untyped,unused-ignore]
import pytest
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

from .doubles import REGION, load_lambda_module

__all__ = ["LAMBDA_ROOT", "REGION", "FakeLambdaContext", "load_lambda_module"]

LAMBDA_ROOT = Path(__file__).resolve().parents[2] / "lambda"
# The shared runtime library (lambda/shared/platform_runtime), copied into every function's asset at synth,
# is imported here from its one source folder: pyproject.toml puts lambda/shared on pytest's pythonpath.


@pytest.fixture(scope="package", autouse=True)
def aws_offline_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Fake region and credentials for this package only, and no shared config a developer may have."""
    missing = tmp_path_factory.mktemp("aws") / "absent"
    with pytest.MonkeyPatch.context() as mp:
        for name in (
            "AWS_PROFILE",
            "AWS_SESSION_TOKEN",
            "AWS_ENDPOINT_URL",
            "AWS_RETRY_MODE",
            "AWS_MAX_ATTEMPTS",
        ):
            mp.delenv(name, raising=False)
        mp.setenv("AWS_DEFAULT_REGION", REGION)
        mp.setenv("AWS_REGION", REGION)
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_CONFIG_FILE", str(missing))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(missing))
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        mp.setenv("POWERTOOLS_SERVICE_NAME", "studio-teardown")
        yield


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Belt and braces beside Stubber: a request that reaches the HTTP layer fails the test."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a test tried to send a real HTTP request")

    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", refuse)


@pytest.fixture(scope="package")
def teardown_logic(aws_offline_env: None) -> ModuleType:
    return load_lambda_module("studio_teardown_logic", LAMBDA_ROOT / "studio_teardown" / "teardown.py")


@pytest.fixture(scope="package")
def teardown_handler(aws_offline_env: None, teardown_logic: ModuleType) -> ModuleType:
    return load_lambda_module(
        "studio_teardown_handler",
        LAMBDA_ROOT / "studio_teardown" / "handler.py",
        aliases={"teardown": teardown_logic},
    )


def make_sagemaker_client(config: Any = None) -> Any:
    return boto3.client(
        "sagemaker",
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )


@pytest.fixture
def sagemaker_factory() -> Callable[..., Any]:
    """For tests that need a client with a particular Config."""
    return make_sagemaker_client


@pytest.fixture
def sagemaker() -> Any:
    return make_sagemaker_client()


@pytest.fixture
def stubber(sagemaker: Any) -> Iterator[Stubber]:
    """Active Stubber: every call must match the next queued request, or the call raises."""
    with Stubber(sagemaker) as stub:
        yield stub


@pytest.fixture
def stubbed_handler(
    teardown_handler: ModuleType, sagemaker: Any, stubber: Stubber, monkeypatch: pytest.MonkeyPatch
) -> ModuleType:
    monkeypatch.setattr(teardown_handler, "_client", sagemaker)
    return teardown_handler


@dataclass(frozen=True)
class FakeLambdaContext:
    """The attributes Powertools' inject_lambda_context reads."""

    function_name: str = "studio-teardown"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:111122223333:function:studio-teardown"
    aws_request_id: str = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()
