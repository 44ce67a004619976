"""Test doubles every Lambda test shares: loading a flat asset's modules under unique names, botocore
clients and Stubbers with fake credentials, STS answers, and the Powertools log of a handler.

Plain Python, no pytest fixtures: tests/lambda/conftest.py and the fixtures modules use it, and so does
bench_feature_ingestion.py, which must also run as a standalone script.
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped,unused-ignore]
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

REGION = "us-east-1"


def load_lambda_module(unique_name: str, path: Path, aliases: Mapping[str, ModuleType] | None = None) -> ModuleType:
    """Import ``path`` as ``unique_name``; ``aliases`` stand in for its flat imports while it loads."""
    aliases = aliases or {}
    if unique_name in sys.modules:
        return sys.modules[unique_name]
    spec = importlib.util.spec_from_file_location(unique_name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    saved = {name: sys.modules.get(name) for name in aliases}
    sys.modules.update(aliases)
    sys.modules[unique_name] = module  # dataclasses look their module up here while the class is built
    # No __pycache__ in the asset folder: CDK hashes the whole folder, so it would change the templates.
    dont_write_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[unique_name]
        raise
    finally:
        sys.dont_write_bytecode = dont_write_bytecode
        for name, previous in saved.items():
            if previous is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous
    return module


def load_flat_modules(folder: Path, unique_names: Mapping[str, str]) -> dict[str, ModuleType]:
    """A function folder's modules in import order (flat name -> unique name), each loaded with the ones
    before it aliased under their flat names."""
    loaded: dict[str, ModuleType] = {}
    for name, unique_name in unique_names.items():
        loaded[name] = load_lambda_module(unique_name, folder / f"{name}.py", aliases=dict(loaded))
    return loaded


def load_handler(
    path: Path, unique_name: str, env: Mapping[str, str], aliases: Mapping[str, ModuleType], unset: tuple[str, ...] = ()
) -> ModuleType:
    """``handler.py`` as Lambda loads it: ``env`` set (and ``unset`` removed) while it imports (cold start)."""
    import pytest  # only here: the benchmark loads this module without pytest's machinery

    with pytest.MonkeyPatch.context() as mp:
        for name in unset:
            mp.delenv(name, raising=False)
        for name, value in env.items():
            mp.setenv(name, value)
        return load_lambda_module(unique_name, path, aliases=aliases)


@cache
def _session() -> Any:
    """One boto3 session for every test client, so its loader parses each service model once per
    process. ``boto3.client`` inside a moto mock builds a new default session each time (moto patches
    ``boto3.DEFAULT_SESSION`` to None) and re-read the models: ~35 ms a client (issue #23). moto is
    imported first: a session registers moto's handler only if moto was imported before it."""
    import moto  # noqa: F401  (see above)

    return boto3.session.Session()


def client(service: str, region: str = REGION) -> Any:
    """A real botocore client with fake credentials (the tests never send a request)."""
    return _session().client(service, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")


@contextmanager
def stubbed(service: str, region: str = REGION) -> Iterator[Stubber]:
    """An active Stubber: every call must match the next queued request, or the call raises."""
    with Stubber(client(service, region)) as stub:
        yield stub


def stub_fixture(service: str, region: str = REGION) -> Any:
    """A pytest fixture that yields an active Stubber of ``service``: ``sts_stub = stub_fixture("sts")``."""
    import pytest  # only here: the benchmark loads this module without pytest's machinery

    def fixture() -> Iterator[Stubber]:
        with stubbed(service, region) as stub:
            yield stub

    return pytest.fixture(fixture)


@dataclass
class RecordingFactory:
    """Stands in for a handler's client factory (``make_*_client``): hands out the stubbed client and records
    what it was asked for (the credentials, and the region where the factory takes one)."""

    client: Any
    received: list[Any] = field(default_factory=list)

    def __call__(self, *args: Any) -> Any:
        self.received.append(args[0] if len(args) == 1 else args)
        return self.client


def assert_all_consumed(*stubs: Stubber) -> None:
    for stub in stubs:
        stub.assert_no_pending_responses()


def assume_role_response(
    role_arn: str, session: str, keys: tuple[str, str, str], expiration: datetime
) -> dict[str, Any]:
    """AssumeRole's answer (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html)."""
    access_key, secret_key, token = keys
    account, role_name = role_arn.split(":")[4], role_arn.rsplit("/", 1)[-1]
    return {
        "Credentials": {
            "AccessKeyId": access_key,
            "SecretAccessKey": secret_key,
            "SessionToken": token,
            "Expiration": expiration,
        },
        "AssumedRoleUser": {
            "AssumedRoleId": f"AROAEXAMPLE000000001:{session}",
            "Arn": f"arn:aws:sts::{account}:assumed-role/{role_name}/{session}",
        },
        "PackedPolicySize": 0,
    }


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> list[bytes]:
        return [self.body]


def answer_over_http(real_client: Any, operation: str, body: dict[str, Any]) -> list[tuple[str, dict[str, str], bytes]]:
    """Answer ``operation`` at the last moment before sending (after signing): the client's own
    serialisation, endpoint and signature run; records each request's URL, headers and body."""
    sent: list[tuple[str, dict[str, str], bytes]] = []

    def reply(request: Any, **_: Any) -> AWSResponse:
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        sent.append((request.url, headers, request.body or b""))
        return AWSResponse(request.url, 200, {}, _Raw(json.dumps(body).encode()))

    real_client.meta.events.register(f"before-send.{real_client.meta.service_model.service_name}.{operation}", reply)
    return sent


@contextmanager
def captured_logs(logger: Any) -> Iterator[io.StringIO]:
    """What a handler's Powertools logger writes, as JSON lines, while the block runs."""
    stream = io.StringIO()
    previous = logger.registered_handler.setStream(stream)
    try:
        yield stream
    finally:
        logger.registered_handler.setStream(previous)


def log_records(stream: io.StringIO, message: str | None = None) -> list[dict[str, Any]]:
    """The captured log entries, or those with ``message``."""
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [entry for entry in entries if message is None or entry["message"] == message]
