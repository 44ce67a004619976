"""Start a team's model build pipeline, in its own account, when Model Monitor finds violations (book ch11, ch12).

``parse_event`` turns an EventBridge event into a ``Trigger`` (or raises ``MalformedEventError``); ``plan``
picks the endpoint's target and the de-duplication window; ``PipelineStarts`` starts the pipeline at most
once per (pipeline, window) with Powertools idempotency, recorded in DynamoDB.

The window is ``floor(event time / window_seconds)``, from the event's own ``time`` so that a retried event
keeps its window. The start assumes the team's role (STS) and calls StartPipelineExecution with a
ClientRequestToken derived from the pipeline and the window, so even a start whose idempotency record was
lost (or expired before a late retry) is not run twice by SageMaker.

Clients and the SageMaker client factory come in from the caller so tests can stub them. Events are read in
retraining_events.py (including whether a monitoring job found violations) and settings in
retraining_settings.py; handler.py imports this module alone, so the names it and the tests use from those
are re-exported here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from platform_runtime.aws_calls import error_code as error_code
from platform_runtime.aws_calls import error_message as error_message
from platform_runtime.credentials import Credentials as Credentials
from platform_runtime.credentials import assume_role
from retraining_events import ExecutionNotFoundError as ExecutionNotFoundError
from retraining_events import MalformedEventError as MalformedEventError
from retraining_events import Trigger
from retraining_events import decide as decide
from retraining_events import execution_status as execution_status
from retraining_events import parse_event as parse_event
from retraining_settings import ConfigurationError as ConfigurationError
from retraining_settings import Settings as Settings
from retraining_settings import Target as Target

# Idempotency records: the key is KEY_PREFIX#md5([pipeline_arn, window]); a stable prefix (not Powertools'
# default, the function and module name) keeps the records valid across renames and redeploys.
KEY_PREFIX = "retraining-trigger"
IDEMPOTENCY_KEY = "[pipeline_arn, window]"
# StartPipelineExecution limits (botocore's sagemaker model).
MAX_DISPLAY_NAME = 82
MAX_SESSION_NAME = 64
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Retraining:
    """One start of a pipeline: the idempotent payload (its key is ``[pipeline_arn, window]``)."""

    endpoint: str
    pipeline_arn: str
    role_arn: str
    region: str
    window_seconds: int
    window: int
    source: str


SageMakerClientFactory = Callable[[Credentials, str], Any]  # (credentials, region) -> sagemaker client


def window_index(when: datetime, window_seconds: int) -> int:
    """floor(when / window_seconds) in whole seconds since the epoch, exactly (no float rounding)."""
    return (when - EPOCH) // timedelta(seconds=window_seconds)


def plan(trigger: Trigger, settings: Settings) -> Retraining:
    target = settings.targets[trigger.endpoint]
    return Retraining(
        endpoint=trigger.endpoint,
        pipeline_arn=target.pipeline_arn,
        role_arn=target.role_arn,
        region=target.region,
        window_seconds=target.window_seconds,
        window=window_index(trigger.time, target.window_seconds),
        source=trigger.source,
    )


def session_name(endpoint: str) -> str:
    return f"retraining-{endpoint}"[:MAX_SESSION_NAME]


def display_name(endpoint: str, window: int) -> str:
    """retrain-<endpoint>-<window> within SageMaker's pattern and 82 characters; the endpoint is cut, not the window."""
    suffix = f"-{window}"
    cleaned = re.sub(r"[^a-zA-Z0-9-]", "-", endpoint)
    middle = cleaned[: MAX_DISPLAY_NAME - len("retrain-") - len(suffix)].strip("-")
    return f"retrain-{middle}{suffix}" if middle else f"retrain{suffix}"


def client_request_token(retraining: Retraining) -> str:
    """Deterministic per pipeline and window (72 characters; SageMaker takes 32 to 128)."""
    material = f"{retraining.pipeline_arn}#{retraining.window_seconds}#{retraining.window}"
    return "retrain-" + hashlib.sha256(material.encode()).hexdigest()


def start_retraining(*, retraining: Retraining, sts_client: Any, make_client: SageMakerClientFactory) -> dict[str, Any]:
    """Assume the team's role and start its pipeline; ClientError (STS or SageMaker) propagates."""
    credentials = assume_role(sts_client, retraining.role_arn, session_name(retraining.endpoint))
    sagemaker = make_client(credentials, retraining.region)
    response = sagemaker.start_pipeline_execution(
        PipelineName=retraining.pipeline_arn,
        PipelineExecutionDisplayName=display_name(retraining.endpoint, retraining.window),
        PipelineExecutionDescription=f"Model Monitor violations on {retraining.endpoint} ({retraining.source})",
        ClientRequestToken=client_request_token(retraining),
    )
    return {
        "started": True,
        "endpoint": retraining.endpoint,
        "pipeline_execution_arn": response["PipelineExecutionArn"],
        "window": retraining.window,
    }


@dataclass(frozen=True)
class Outcome:
    result: dict[str, Any]
    replayed: bool  # True: an earlier invocation started this window's execution; this one called nothing


class PipelineStarts:
    """``start_retraining`` made idempotent per pipeline: one Powertools config (its window) and persistence layer each.

    A persistence layer keeps the first config it is used with, so pipelines with different windows cannot
    share one; every layer writes to the same table through the same DynamoDB client.
    """

    def __init__(self, settings: Settings, dynamodb_client: Any) -> None:
        self._configs: dict[str, IdempotencyConfig] = {}
        self._starts: dict[str, Callable[..., Any]] = {}
        self._replayed = False
        for target in settings.targets.values():
            if target.pipeline_arn in self._starts:
                continue  # the settings guarantee one window length per pipeline
            config = IdempotencyConfig(
                event_key_jmespath=IDEMPOTENCY_KEY,
                raise_on_no_idempotency_key=True,  # never silently skip the de-duplication
                expires_after_seconds=target.window_seconds,
                response_hook=self._replay,
            )
            store = DynamoDBPersistenceLayer(table_name=settings.idempotency_table, boto3_client=dynamodb_client)
            self._configs[target.pipeline_arn] = config
            self._starts[target.pipeline_arn] = idempotent_function(
                start_retraining,
                data_keyword_argument="retraining",
                persistence_store=store,
                config=config,
                key_prefix=KEY_PREFIX,
            )

    def _replay(self, response: Any, idempotent_data: DataRecord) -> Any:
        self._replayed = True
        return response

    def start(
        self,
        retraining: Retraining,
        context: LambdaContext,
        *,
        sts_client: Any,
        make_client: SageMakerClientFactory,
    ) -> Outcome:
        """Start the pipeline unless this window's start is recorded; a failed start is not recorded."""
        # The remaining time bounds the in-progress record, so a timed-out invocation does not block the window.
        self._configs[retraining.pipeline_arn].register_lambda_context(context)
        self._replayed = False
        result = self._starts[retraining.pipeline_arn](
            retraining=retraining, sts_client=sts_client, make_client=make_client
        )
        return Outcome(result=result, replayed=self._replayed)
