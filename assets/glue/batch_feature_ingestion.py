"""Glue job: load a curated table into a feature group, on a schedule (book ch5 batch ingestion).

Arguments (set by the platform's BatchFeatureIngestion construct):
  --FEATURE_GROUP_NAME  target feature group
  --DATABASE --TABLE    curated source table (Lake Formation governed, Glue catalog)
  --MAPPING             JSON {feature name: source column or "@ingestion_time"}
  --RECORD_IDENTIFIER   the feature group's record identifier feature
The pure functions below are unit-tested without Spark (tests/unit/test_batch_ingestion.py).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

INGESTION_TIME = "@ingestion_time"


def to_record(row: Mapping[str, Any], mapping: Mapping[str, str], now: datetime) -> list[dict[str, str]]:
    """One source row as a Feature Store record (FeatureName/ValueAsString); missing values are left out."""
    record = []
    for feature, column in mapping.items():
        value = now.timestamp() if column == INGESTION_TIME else row.get(column)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
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
) -> tuple[int, int]:
    """PutRecord for each row that has its identifier; returns (written, skipped)."""
    written = skipped = 0
    for row in rows:
        record = to_record(row, mapping, now)
        if not any(f["FeatureName"] == identifier for f in record):
            skipped += 1
            continue
        client.put_record(FeatureGroupName=feature_group, Record=record)
        written += 1
    return written, skipped


def main() -> None:  # pragma: no cover - runs inside AWS Glue
    import boto3
    from awsglue.context import GlueContext
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    args = getResolvedOptions(sys.argv, ["FEATURE_GROUP_NAME", "DATABASE", "TABLE", "MAPPING", "RECORD_IDENTIFIER"])
    mapping: dict[str, str] = json.loads(args["MAPPING"])
    glue = GlueContext(SparkContext.getOrCreate())
    frame = glue.create_dynamic_frame.from_catalog(database=args["DATABASE"], table_name=args["TABLE"]).toDF()
    columns = sorted({c for c in mapping.values() if c != INGESTION_TIME})
    now = datetime.now(timezone.utc)  # noqa: UP017 (Glue 4 runs Python 3.10)

    def load(partition: Iterable[Any]) -> None:
        client = boto3.client("sagemaker-featurestore-runtime")
        put_all(
            client, args["FEATURE_GROUP_NAME"], (r.asDict() for r in partition), mapping, args["RECORD_IDENTIFIER"], now
        )

    frame.select(*columns).foreachPartition(load)


if __name__ == "__main__":  # pragma: no cover
    main()
