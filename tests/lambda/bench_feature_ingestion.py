"""Benchmark of lambda/feature_ingestion, offline: batch throughput without network, and cold import.

    .venv/bin/python tests/lambda/bench_feature_ingestion.py [--records 500] [--repeats 5]

prints {"records_per_second": ..., "cold_import_ms": ...} as JSON. Other scripts can load this file
(importlib, or with tests/lambda on sys.path) and call ``run()``; it is standalone on purpose (``lambda``
is a keyword, so ``tests.lambda`` cannot be imported by name) and pytest does not collect it.

- records_per_second: ``records`` valid Kinesis records through the real handler (Powertools
  BatchProcessor, base64 and JSON decoding, pydantic validation, formatting, logging) with a client
  whose put_record does nothing, so the network and botocore are left out; the median of ``repeats``
  invocations after one warm-up.
- cold_import_ms: ``import handler`` in a fresh interpreter, as Lambda's init does (the asset folder
  first on sys.path, no bytecode written, since /var/task is read-only): Powertools, pydantic and boto3
  imports, settings, model generation and client creation. The median of ``repeats`` subprocesses;
  interpreter start-up itself is not counted.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LAMBDA_DIR = Path(__file__).resolve().parents[2] / "lambda" / "feature_ingestion"
# The shared runtime library, which the asset carries as its platform_runtime package (ml_platform/lambda_asset.py).
SHARED_DIR = LAMBDA_DIR.parent / "shared"
for folder in (SHARED_DIR, Path(__file__).resolve().parent):  # and this folder: its doubles.py
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
from doubles import load_lambda_module as _load  # type: ignore[import-not-found]  # noqa: E402 - found through the folder just added

FEATURES = {"location": "String", "EventTime": "Fractional", "pm25": "Fractional", "no2": "Fractional"}
ENV = {
    "FEATURE_GROUP_NAME": "weather-observations-v1",
    "RECORD_IDENTIFIER": "location",
    "EVENT_TIME_FEATURE": "EventTime",
    "FEATURE_DEFINITIONS": json.dumps(FEATURES),
    "TARGET_STORES": "OnlineStore",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
# Lambda imports the handler with the asset folder first on sys.path; -B: no __pycache__ in the asset.
_COLD_IMPORT = """
import sys, time
sys.path[:0] = sys.argv[1:]
start = time.perf_counter()
import handler
print((time.perf_counter() - start) * 1000)
"""


class NoOpClient:
    """Stands in for the sagemaker-featurestore-runtime client: no Stubber, whose checks would dominate."""

    def __init__(self) -> None:
        self.calls = 0

    def put_record(self, **_: Any) -> dict[str, Any]:
        self.calls += 1
        return {}


class _Context:
    """The attributes Powertools' inject_lambda_context reads (no dataclass: this file may be exec'd bare)."""

    function_name = "feature-ingestion"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:111122223333:function:feature-ingestion"
    aws_request_id = "00000000-0000-4000-8000-000000000000"


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, previous in saved.items():
            if previous is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = previous


def kinesis_event(records: int) -> dict[str, Any]:
    """A batch of valid, distinct weather observations, as the event source mapping delivers it."""
    stream = "arn:aws:kinesis:us-east-1:111122223333:stream/weather-observations"
    items = []
    for index in range(records):
        document = {"location": f"station-{index % 50:03d}", "EventTime": 1735689600.25 + index}
        document |= {"pm25": 12.5 + (index % 7) / 10, "no2": 20.0 + index % 13}
        sequence = f"4959{index:052d}"
        items.append(
            {
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": document["location"],
                    "sequenceNumber": sequence,
                    "data": base64.b64encode(json.dumps(document).encode()).decode(),
                    "approximateArrivalTimestamp": 1735689600.5 + index / 1000,
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": f"shardId-000000000000:{sequence}",
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": "arn:aws:iam::111122223333:role/feature-ingestion",
                "awsRegion": "us-east-1",
                "eventSourceARN": stream,
            }
        )
    return {"Records": items}


def records_per_second(records: int = 500, repeats: int = 5) -> float:
    with _environment(ENV):
        # ingestion.py imports its flat siblings, which are loaded first under unique names and aliased.
        settings = _load("feature_ingestion_bench_settings", LAMBDA_DIR / "ingestion_settings.py")
        siblings = {"ingestion_settings": settings}
        siblings["ingestion_records"] = _load(
            "feature_ingestion_bench_records", LAMBDA_DIR / "ingestion_records.py", siblings
        )
        logic = _load("feature_ingestion_bench_logic", LAMBDA_DIR / "ingestion.py", siblings)
        handler = _load("feature_ingestion_bench_handler", LAMBDA_DIR / "handler.py", {"ingestion": logic})
    client = NoOpClient()
    setattr(handler, "_client", client)  # noqa: B010 - what the tests do with monkeypatch
    setattr(handler, "_sleep", lambda _: None)  # noqa: B010
    event, context = kinesis_event(records), _Context()
    # The log lines are formatted as in Lambda, then dropped; the stream is put back for whoever shares it.
    previous = handler.logger.registered_handler.setStream(io.StringIO())
    try:
        handler.lambda_handler(event, context)  # warm-up: first-call costs belong to the cold start
        timings = []
        for _ in range(repeats):
            start = time.perf_counter()
            response = handler.lambda_handler(event, context)
            timings.append(time.perf_counter() - start)
            if response["batchItemFailures"]:
                raise RuntimeError(f"the benchmark batch had failures: {response['batchItemFailures'][:3]}")
    finally:
        handler.logger.registered_handler.setStream(previous)
    if client.calls != records * (repeats + 1):
        raise RuntimeError(f"expected {records * (repeats + 1)} put_record calls, got {client.calls}")
    return records / statistics.median(timings)


def cold_import_ms(repeats: int = 5) -> float:
    env = {"PATH": os.environ.get("PATH", ""), **ENV}
    samples = []
    for _ in range(repeats):
        result = subprocess.run(
            [sys.executable, "-B", "-c", _COLD_IMPORT, str(LAMBDA_DIR), str(SHARED_DIR)],
            env=env,
            cwd=LAMBDA_DIR,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        samples.append(float(result.stdout.strip().splitlines()[-1]))
    return statistics.median(samples)


def run(records: int = 500, repeats: int = 5) -> dict[str, float]:
    return {
        "records_per_second": round(records_per_second(records, repeats), 1),
        "cold_import_ms": round(cold_import_ms(repeats), 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.records, args.repeats)))


if __name__ == "__main__":
    main()
