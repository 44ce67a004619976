"""Builders for Ground Truth's pre- and post-annotation requests, worker answers and the S3 payload file,
in the formats of the AWS docs ("Processing data in a custom labeling workflow with AWS Lambda"), and the
loaders of the two labeling Lambdas (their flat modules get unique names, see conftest.load_lambda_module)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import pytest
from botocore.response import StreamingBody  # type: ignore[import-untyped,unused-ignore]
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

from .conftest import LAMBDA_ROOT, REGION, FakeLambdaContext, load_lambda_module
from .doubles import captured_logs
from .doubles import log_records as log_records

__all__ = ["configure", "logs", "modules", "sleeps", "stub"]  # the post-annotation fixtures

PRE_ASSET = LAMBDA_ROOT / "labeling_pre_annotation"
POST_ASSET = LAMBDA_ROOT / "labeling_post_annotation"
JOB_NAME = "wildfire-haze-v1"
JOB_ARN = f"arn:aws:sagemaker:{REGION}:111122223333:labeling-job/{JOB_NAME}"
ROLE_ARN = "arn:aws:iam::111122223333:role/service-role/GroundTruthExecution"
BUCKET = "ml-platform-labeling-output"
KEY = f"{JOB_NAME}/annotations/consolidation-request/iteration-1/2025-01-01_00:00:00.json"
CATEGORIES = ["smoke", "haze", "clear"]
ATTRIBUTE = "sky-condition"
NOW = datetime(2025, 1, 1, 12, 30, 45, 123456, tzinfo=UTC)
CREATION_DATE = "2025-01-01T12:30:45.123456"
PRE_CONTEXT = FakeLambdaContext(
    function_name="labeling-pre-annotation",
    invoked_function_arn="arn:aws:lambda:us-east-1:111122223333:function:labeling-pre-annotation",
)
POST_CONTEXT = FakeLambdaContext(
    function_name="labeling-post-annotation",
    invoked_function_arn="arn:aws:lambda:us-east-1:111122223333:function:labeling-post-annotation",
)


def load_pre(label_categories: str = json.dumps(CATEGORIES)) -> tuple[ModuleType, ModuleType]:
    """(logic, handler) of the pre-annotation asset; the handler reads LABEL_CATEGORIES at import."""
    logic = load_lambda_module("labeling_pre_annotation_task_input", PRE_ASSET / "labeling_task_input.py")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LABEL_CATEGORIES", label_categories)
        handler = load_lambda_module(
            "labeling_pre_annotation_handler", PRE_ASSET / "handler.py", aliases={"labeling_task_input": logic}
        )
    return logic, handler


def load_post() -> dict[str, ModuleType]:
    """The post-annotation modules by flat name, each loaded with its siblings aliased; TASK_TYPE/TIE_BREAK unset."""
    loaded: dict[str, ModuleType] = {}
    for name in ("labeling_request", "labeling_answers", "labeling_boxes", "labeling_consolidation"):
        path = POST_ASSET / f"{name}.py"
        loaded[name] = load_lambda_module(f"labeling_post_annotation_{name}", path, aliases=dict(loaded))
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("TASK_TYPE", raising=False)
        mp.delenv("TIE_BREAK", raising=False)
        mp.setenv("LABEL_CATEGORIES", json.dumps(CATEGORIES))
        path = POST_ASSET / "handler.py"
        loaded["handler"] = load_lambda_module("labeling_post_annotation_handler", path, aliases=dict(loaded))
    return loaded


def pre_event(data_object: Any = None, **extra: Any) -> dict[str, Any]:
    event = {"version": "2018-10-16", "labelingJobArn": JOB_ARN, **extra}
    if data_object is not None:
        event["dataObject"] = data_object
    return event


def post_event(**overrides: Any) -> dict[str, Any]:
    """A consolidation request; ``overrides`` replace its keys, and a value of None removes that key."""
    event = {
        "version": "2018-10-16",
        "labelingJobArn": JOB_ARN,
        "labelCategories": CATEGORIES,
        "labelAttributeName": ATTRIBUTE,
        "roleArn": ROLE_ARN,
        "payload": {"s3Uri": f"s3://{BUCKET}/{KEY}"},
        **overrides,
    }
    return {key: value for key, value in event.items() if value is not None}


def answer(worker: str, label: Any = None, element: str = "category", content: str | None = None) -> dict[str, Any]:
    """One worker's annotation; ``content`` (raw text) wins over ``label`` under the template ``element``."""
    text = content if content is not None else json.dumps({element: {"label": label}})
    return {"workerId": f"private.{REGION}.{worker}", "annotationData": {"content": text}}


def box(label: str, left: float, top: float, width: float, height: float) -> dict[str, Any]:
    return {"label": label, "left": left, "top": top, "width": width, "height": height}


def box_answer(worker: str, boxes: list[Any], image: dict[str, Any] | None = None) -> dict[str, Any]:
    document = {"boundingBox": {"boundingBoxes": boxes, "inputImageProperties": image or {"width": 640, "height": 480}}}
    return answer(worker, content=json.dumps(document))


def data_object(object_id: str, annotations: list[Any] | None, source: str = "") -> dict[str, Any]:
    item: dict[str, Any] = {
        "datasetObjectId": object_id,
        "dataObject": {"s3Uri": f"s3://ml-platform-raw/images/{object_id}.jpg"} if not source else {"content": source},
    }
    if annotations is not None:
        item["annotations"] = annotations
    return item


def s3_client() -> Any:
    return boto3.client("s3", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")


def expect_get_object(stub: Stubber, items: Any = None, *, raw: bytes | None = None, error: str = "") -> None:
    params = {"Bucket": BUCKET, "Key": KEY}
    if error:
        status = {"NoSuchKey": 404, "AccessDenied": 403, "SlowDown": 503}.get(error, 400)
        stub.add_client_error("get_object", error, f"{error} (stubbed)", status, expected_params=params)
        return
    data = raw if raw is not None else json.dumps(items).encode()
    body = StreamingBody(io.BytesIO(data), len(data))
    stub.add_response("get_object", {"Body": body, "ContentLength": len(data)}, params)


def expect_answer_file(stub: Stubber, key: str, document: Any = None, *, error: str = "") -> str:
    """A worker's answer given as a file in the labeling bucket (``annotationData.s3Uri``); returns its URI."""
    params = {"Bucket": BUCKET, "Key": key}
    if error:
        status = {"NoSuchKey": 404, "AccessDenied": 403, "SlowDown": 503}.get(error, 400)
        stub.add_client_error("get_object", error, f"{error} (stubbed)", status, expected_params=params)
    else:
        data = json.dumps(document).encode()
        stub.add_response("get_object", {"Body": StreamingBody(io.BytesIO(data), len(data))}, params)
    return f"s3://{BUCKET}/{key}"


def label_content(label: str, confidence: float, workers: int) -> dict[str, Any]:
    """The expected classification content of one consolidated data object."""
    return {
        ATTRIBUTE: {"label": label, "confidence": confidence, "workers": workers},
        f"{ATTRIBUTE}-metadata": {
            "class-name": label,
            "confidence": confidence,
            "type": "groundtruth/text-classification",
            "human-annotated": "yes",
            "creation-date": CREATION_DATE,
            "job-name": JOB_NAME,
        },
    }


# Post-annotation fixtures; test_labeling_post_annotation.py takes them with a star import.


@pytest.fixture(scope="module")
def modules(aws_offline_env):
    return load_post()


@pytest.fixture
def stub():
    with Stubber(s3_client()) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def configure(modules, stub, sleeps, monkeypatch):
    """The handler against the stub, with TASK_TYPE/TIE_BREAK/BOX_MATCH_IOU from ``env`` and CATEGORIES
    configured as LABEL_CATEGORIES (unless ``env`` sets it)."""

    def apply(**env):
        handler = modules["handler"]
        settings = modules["labeling_request"].Settings.from_env({"LABEL_CATEGORIES": json.dumps(CATEGORIES), **env})
        monkeypatch.setattr(handler, "_settings", settings)
        monkeypatch.setattr(handler, "_s3", stub.client)
        monkeypatch.setattr(handler, "_sleep", sleeps.append)
        monkeypatch.setattr(handler, "_clock", lambda: NOW)
        return handler

    return apply


@pytest.fixture
def logs(modules):
    handler = modules["handler"]
    with captured_logs(handler.logger) as stream:
        yield stream
