"""Kinesis Data Streams consumer that writes each record to SageMaker Feature Store (book ch5).

Event: a Kinesis batch from an event source mapping with ReportBatchItemFailures and
BisectBatchOnFunctionError, and an SQS on-failure destination (all set by the infrastructure).
Each record's ``kinesis.data`` is base64 JSON, an object of feature name to value; see ingestion.py. Its
event time is epoch seconds for a Fractional event-time feature; for a String one (required with an Iceberg
offline store) an ISO-8601 UTC string, yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-ddTHH:mm:ss.SSSZ, sent unchanged, or
epoch seconds, sent as yyyy-MM-ddTHH:mm:ss.SSSZ (ingestion_records.py).

Response: ``{"batchItemFailures": [{"itemIdentifier": <sequence number>}, ...]}`` naming every record
that was not written (malformed, refused by PutRecord, or still throttled after retries), each logged
with its reason; the others are written. Kinesis retries from the lowest failed sequence number, then
hands the range to the on-failure destination. If every record fails, Powertools raises
BatchProcessingError instead, so the function error makes Lambda bisect the batch. An event that is not a
Kinesis batch, or a record without ``kinesis.sequenceNumber`` (which a partial failure must name; Lambda
treats a missing or empty itemIdentifier as a failure of the whole batch,
https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html), raises
``MalformedBatchError`` naming it, before any record is written.

Environment (parsed at cold start; a bad value fails the init with ConfigurationError naming it):
FEATURE_GROUP_NAME, RECORD_IDENTIFIER, EVENT_TIME_FEATURE, FEATURE_DEFINITIONS (JSON object of feature
name to Integral, Fractional or String) and optional TARGET_STORES (default OnlineStore; comma list of
OnlineStore, OfflineStore).
"""

from __future__ import annotations

import os
import time
from typing import Any

# First, before ingestion imports pydantic: with pydantic already loaded, the batch utility also builds
# Powertools' parser models (see aws_lambda_powertools/utilities/batch/types.py), ~20 ms of cold start.
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

# isort: split
import botocore.session  # type: ignore[import-untyped,unused-ignore]
import ingestion  # flat sibling module (tests alias it, see tests/lambda/ingestion_fixtures.py)
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]
from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]

logger = Logger(service="feature-ingestion")

# Parsed once per container: a bad environment fails the init (ConfigurationError), not every batch.
SETTINGS = ingestion.Settings.from_env(os.environ)
RECORD_MODEL = ingestion.build_record_model(SETTINGS)

# Standard mode retries throttling and transient errors inside botocore; kept short (and the timeouts
# bounded) because the records of a batch are written one after another within one invocation.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=10)
# Once per container: the init phase pays for it, warm invocations reuse it. Tests replace both.
# botocore directly, not boto3: the same client, ~15 ms less cold start (budget: 300 ms).
_client: Any = botocore.session.get_session().create_client("sagemaker-featurestore-runtime", config=CLIENT_CONFIG)
_sleep: ingestion.Sleep = time.sleep

processor = BatchProcessor(event_type=EventType.KinesisDataStreams)


class MalformedBatchError(ValueError):
    """The event is not a Kinesis batch whose records can each be reported as a partial failure."""


def _checked_batch(event: Any) -> list[Any]:
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        raise MalformedBatchError(
            f"expected a Kinesis batch, an object with a Records list; got {type(event).__name__}"
        )
    for index, record in enumerate(records):
        kinesis = record.get("kinesis") if isinstance(record, dict) else None
        sequence = kinesis.get("sequenceNumber") if isinstance(kinesis, dict) else None
        if not isinstance(sequence, str) or not sequence:
            raise MalformedBatchError(
                f"Records[{index}] has no kinesis.sequenceNumber, so it could not be reported as a partial failure"
            )
    return records


def _where(record: KinesisStreamRecord) -> dict[str, Any]:
    # Identifies the record for the logs and the on-failure destination; its data is never logged.
    return {
        "sequence_number": record.kinesis.sequence_number,
        "partition_key": record.kinesis.partition_key,
        "event_id": record.event_id,
    }


@logger.inject_lambda_context
def lambda_handler(event: Any, context: LambdaContext) -> PartialItemFailureResponse:
    try:
        records = len(_checked_batch(event))
    except MalformedBatchError as error:
        # Raised: the whole batch fails, so Lambda retries and bisects it, then hands it on; nothing is dropped.
        logger.error("Malformed batch", extra={"reason": str(error)})
        raise
    ingestor = ingestion.Ingestor(_client, SETTINGS, RECORD_MODEL, sleep=_sleep)

    def record_handler(record: KinesisStreamRecord) -> None:
        # Re-raised: BatchProcessor turns any exception into this record's batch item failure.
        try:
            ingestor.ingest(record.kinesis.data)
        except ingestion.RecordRejectedError as error:
            logger.warning("Record rejected", extra={**_where(record), "reason": str(error)})
            raise
        except ClientError as error:
            code, message = ingestion.error_code(error), ingestion.error_message(error)
            logger.error("PutRecord failed", extra={**_where(record), "error_code": code, "reason": message})
            raise
        except Exception:
            logger.exception("Record failed unexpectedly", extra=_where(record))
            raise

    summary = {"feature_group": SETTINGS.feature_group_name, "records": records}
    try:
        response = process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    except BatchProcessingError:
        logger.error("Every record failed; raising so that Lambda retries and bisects the batch", extra=summary)
        raise
    failed = len(response["batchItemFailures"])
    logger.info("Batch processed", extra={**summary, "written": ingestor.written, "failed": failed})
    return response
