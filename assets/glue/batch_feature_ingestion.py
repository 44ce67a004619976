"""Glue job: load a curated table into a feature group, on a schedule (book ch5 batch ingestion).

Arguments (set by the platform's BatchFeatureIngestion construct):
  --FEATURE_GROUP_NAME  target feature group
  --DATABASE --TABLE    curated source table (Lake Formation governed, Glue catalog)
  --MAPPING             JSON {feature name: source column or "@ingestion_time"}
  --RECORD_IDENTIFIER   the feature group's record identifier feature
  --EVENT_TIME_FEATURE --EVENT_TIME_TYPE  optional, together: the event-time feature and its type
                        (Fractional or String). Without them the event time is written as epoch
                        seconds, which only a Fractional event-time feature accepts.
Event time: a Fractional one is epoch seconds. A String one (which an Iceberg offline store requires)
is an ISO-8601 UTC string: the load time, a timestamp column and epoch seconds are written as
yyyy-MM-ddTHH:mm:ss.SSSZ, a string column must already be in one of Feature Store's two formats. A row
whose event time cannot be written is rejected (counted and its reason printed, no values), the others
are written.
The pure functions below are unit-tested without Spark (tests/unit/test_batch_ingestion.py).
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from decimal import ROUND_FLOOR, Decimal
from typing import Any, NamedTuple

INGESTION_TIME = "@ingestion_time"
FRACTIONAL, STRING = "Fractional", "String"
REQUIRED_ARGS = ["FEATURE_GROUP_NAME", "DATABASE", "TABLE", "MAPPING", "RECORD_IDENTIFIER"]
OPTIONAL_ARGS = ["EVENT_TIME_FEATURE", "EVENT_TIME_TYPE"]
# Feature Store's two String event time formats, yyyy-MM-dd'T'HH:mm:ssZ and yyyy-MM-dd'T'HH:mm:ss.SSSZ, as
# CreateFeatureGroup's EventTimeFeatureName lists them (also in botocore's sagemaker model):
# https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html
ISO_EVENT_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z", re.ASCII)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # noqa: UP017 (Glue 4: Python 3.10)
MIN_EPOCH_SECONDS, MAX_EPOCH_SECONDS = -62_135_596_800, 253_402_300_800  # years 1 to 9999


class RowRejectedError(ValueError):
    """The row cannot be written to the feature group; the message says why (without the row's values)."""


class Counts(NamedTuple):
    written: int
    skipped: int  # no record identifier
    rejected: int  # a value that cannot be written (RowRejectedError)


def iso_event_time(moment: datetime) -> str:
    """A timestamp as a String event time, yyyy-MM-ddTHH:mm:ss.SSSZ in UTC (naive means UTC), cut to the ms.

    Always with milliseconds, so that written times have one width and sort as text in time order; the
    year is padded by hand (strftime's %Y does not pad years before 1000 on Linux).
    """
    utc = moment.replace(tzinfo=moment.tzinfo or timezone.utc).astimezone(timezone.utc)  # noqa: UP017
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def _epoch_to_iso(seconds: int | float | Decimal) -> str:
    # The shortest repr digits of a float are what the table holds: 1735689600.123 is .123, not .122.
    exact = Decimal(repr(seconds)) if isinstance(seconds, float) else Decimal(seconds)
    if not exact.is_finite() or not MIN_EPOCH_SECONDS <= exact < MAX_EPOCH_SECONDS:
        raise RowRejectedError("expected epoch seconds between years 1 and 9999 (milliseconds by mistake?)")
    millis = int((exact * 1000).to_integral_value(rounding=ROUND_FLOOR))
    return iso_event_time(EPOCH + timedelta(milliseconds=millis))


def _string_event_time(value: Any) -> str:
    if isinstance(value, datetime):
        return iso_event_time(value)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return _epoch_to_iso(value)
    if not isinstance(value, str):
        raise RowRejectedError(f"expected a timestamp, epoch seconds or an ISO-8601 string, got {type(value).__name__}")
    if not ISO_EVENT_TIME.fullmatch(value):
        raise RowRejectedError("expected yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-ddTHH:mm:ss.SSSZ (UTC, Z suffix)")
    try:
        datetime.fromisoformat(value[:19])  # the pattern has the shape, this the calendar: no 2025-02-30
    except ValueError:
        raise RowRejectedError("not a valid date and time") from None
    return value


def to_record(
    row: Mapping[str, Any], mapping: Mapping[str, str], now: datetime, string_event_time: str | None = None
) -> list[dict[str, str]]:
    """One source row as a Feature Store record (FeatureName/ValueAsString); missing values are left out.

    ``string_event_time`` names the event-time feature when its type is String: its value is written as
    ISO-8601 UTC (RowRejectedError if it cannot be). Otherwise timestamps are written as epoch seconds.
    """
    record = []
    for feature, column in mapping.items():
        value = now if column == INGESTION_TIME else row.get(column)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if feature == string_event_time:
            try:
                text = _string_event_time(value)
            except RowRejectedError as error:
                raise RowRejectedError(f"{feature} (from {column}): {error}") from None
        else:
            if isinstance(value, datetime):
                value = value.replace(tzinfo=value.tzinfo or timezone.utc).timestamp()  # noqa: UP017 (Glue 4: Python 3.10)
            text = repr(value) if isinstance(value, float) else str(value)
        record.append({"FeatureName": feature, "ValueAsString": text})
    return record


def put_all(
    client: Any,
    feature_group: str,
    rows: Iterable[Mapping[str, Any]],
    mapping: Mapping[str, str],
    identifier: str,
    now: datetime,
    string_event_time: str | None = None,
    report: Callable[[str], object] = print,
) -> Counts:
    """PutRecord for each row that has its identifier and can be written; ``report`` gets each rejection."""
    written = skipped = rejected = 0
    for row in rows:
        try:
            record = to_record(row, mapping, now, string_event_time)
        except RowRejectedError as error:
            rejected += 1
            report(f"Row rejected: {error}")
            continue
        if not any(f["FeatureName"] == identifier for f in record):
            skipped += 1
            continue
        client.put_record(FeatureGroupName=feature_group, Record=record)
        written += 1
    return Counts(written, skipped, rejected)


def string_event_time_feature(args: Mapping[str, str]) -> str | None:
    """The event-time feature to write as ISO-8601 (its type is String), or None for epoch seconds."""
    feature, kind = args.get("EVENT_TIME_FEATURE"), args.get("EVENT_TIME_TYPE")
    if feature is None and kind is None:
        return None  # the construct did not say: epoch seconds, as for a Fractional event time
    if not feature or kind not in (FRACTIONAL, STRING):
        raise ValueError(
            f"--EVENT_TIME_FEATURE and --EVENT_TIME_TYPE (Fractional or String) go together, got {feature!r}, {kind!r}"
        )
    return feature if kind == STRING else None


def resolved_arg_names(argv: Iterable[str]) -> list[str]:
    """The arguments to resolve: getResolvedOptions fails on a listed one that is absent."""
    given = set(argv)
    return REQUIRED_ARGS + [name for name in OPTIONAL_ARGS if f"--{name}" in given]


def main() -> None:  # pragma: no cover - runs inside AWS Glue
    import boto3
    from awsglue.context import GlueContext
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    args = getResolvedOptions(sys.argv, resolved_arg_names(sys.argv))
    mapping: dict[str, str] = json.loads(args["MAPPING"])
    string_event_time = string_event_time_feature(args)
    glue = GlueContext(SparkContext.getOrCreate())
    frame = glue.create_dynamic_frame.from_catalog(database=args["DATABASE"], table_name=args["TABLE"]).toDF()
    columns = sorted({c for c in mapping.values() if c != INGESTION_TIME})
    now = datetime.now(timezone.utc)  # noqa: UP017 (Glue 4 runs Python 3.10)

    def load(partition: Iterable[Any]) -> None:
        client = boto3.client("sagemaker-featurestore-runtime")
        counts = put_all(
            client,
            args["FEATURE_GROUP_NAME"],
            (r.asDict() for r in partition),
            mapping,
            args["RECORD_IDENTIFIER"],
            now,
            string_event_time,
        )
        print(f"Partition loaded: written {counts.written}, skipped {counts.skipped}, rejected {counts.rejected}")

    frame.select(*columns).foreachPartition(load)


if __name__ == "__main__":  # pragma: no cover
    main()
