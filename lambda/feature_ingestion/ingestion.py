"""Streaming ingestion into SageMaker Feature Store (book ch5): one Kinesis record, one PutRecord.

A record's data is base64 JSON, an object of feature name to value. It is checked against a pydantic
model generated at cold start from the feature group definition (``build_record_model``), then
written with PutRecord. A record that cannot be written raises: ``RecordRejectedError`` when its data
is malformed, botocore's ``ClientError`` when the service refused it; the handler reports either as a
batch item failure, so nothing is dropped silently.

Settings come from environment variables only, parsed once per container (ingestion_settings.py); the
record model and the conversion to a PutRecord Record are in ingestion_records.py. handler.py imports
this module alone, so the names it and the tests use from those two are re-exported here.

Redelivery is harmless: PutRecord upserts the record for its identifier and event time, so writing the
same record again (a Kinesis retry, a bisected batch, a replay from the on-failure destination) makes
the same call and leaves the store as it was.

Throttling is retried a few times with an injectable sleep (``RETRY``, from the shared runtime library's
platform_runtime.aws_calls, which says why).
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]
from ingestion_records import MAX_REASON_LENGTH as MAX_REASON_LENGTH
from ingestion_records import FeatureRecord
from ingestion_records import RecordRejectedError as RecordRejectedError
from ingestion_records import build_record_model as build_record_model
from ingestion_records import format_value as format_value
from ingestion_records import iso_event_time as iso_event_time
from ingestion_records import parse_record as parse_record
from ingestion_settings import ConfigurationError as ConfigurationError
from ingestion_settings import Settings as Settings
from platform_runtime.aws_calls import Retry, Sleep
from platform_runtime.aws_calls import error_code as error_code
from platform_runtime.aws_calls import error_message as error_message
from pydantic import BaseModel

# Sleeps 0.5, 1 and 2 s: at most 3.5 s per invocation (see Ingestor).
RETRY = Retry(frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException"}))
ONE_ATTEMPT = replace(RETRY, max_attempts=1)


class Ingestor:
    """Validates and writes the records of one batch, one at a time; make one per invocation.

    Once a record has used up its throttling retries, later records get a single attempt: Kinesis
    redelivers everything from the lowest failed sequence number anyway, and backing off again per
    record could run the invocation into its timeout, which would fail the whole batch.
    """

    def __init__(self, client: Any, settings: Settings, model: type[BaseModel], *, sleep: Sleep = time.sleep) -> None:
        self.client = client
        self.model = model
        self.sleep = sleep
        self.group = settings.feature_group_name
        self.target_stores = [str(store) for store in settings.target_stores]
        self.throttled_out = False
        self.written = 0

    def ingest(self, data: str) -> None:
        """Raises RecordRejectedError (malformed data) or ClientError (PutRecord refused, or throttled out)."""
        self.put(parse_record(data, self.model))

    def put(self, record: FeatureRecord) -> None:
        retry = ONE_ATTEMPT if self.throttled_out else RETRY
        try:
            # Idempotent: PutRecord upserts (identifier, event time), so a redelivered record is rewritten as is.
            retry.call(
                self.client.put_record,
                self.sleep,
                FeatureGroupName=self.group,
                Record=record,
                TargetStores=self.target_stores,
            )
        except ClientError as error:
            if error_code(error) in RETRY.codes:
                self.throttled_out = True
            raise
        self.written += 1
