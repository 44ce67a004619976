"""Feature ingestion Lambda: the Ingestor's PutRecord calls and throttling retries, through Stubber (offline),
and the asset as Lambda imports it (cold start, benchmark)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]

from ml_platform.lambda_asset import function_asset

from .conftest import REGION
from .ingestion_fixtures import *  # noqa: F403 - the shared fixtures, which pytest finds by name
from .ingestion_fixtures import ASSET, SENSOR_ENV, THROTTLED, settings
from .ingestion_stubs import ENV, GROUP, OBSERVATION_RECORD, expect_put, feature_record, kinesis_event


def test_ingestor_writes_to_the_configured_stores(logic, stub):
    sensor = settings(logic, SENSOR_ENV)
    ingestor = logic.Ingestor(stub.client, sensor, logic.build_record_model(sensor), sleep=lambda _: None)
    record = feature_record(station="7", observed_at="2025-01-01T00:00:00Z", readings="12")
    expect_put(stub, record, stores=("OnlineStore", "OfflineStore"), group="sensor-readings-v1")
    ingestor.ingest(
        kinesis_event({"readings": 12, "station": 7, "observed_at": "2025-01-01T00:00:00Z"})["Records"][0]["kinesis"][
            "data"
        ]
    )
    stub.assert_no_pending_responses()
    assert ingestor.written == 1


def test_throttling_retry_gives_up_after_bounded_attempts(logic, stub):
    ingestor = logic.Ingestor(stub.client, settings(logic), logic.build_record_model(settings(logic)))
    sleeps: list[float] = []
    ingestor.sleep = sleeps.append
    for _ in range(logic.RETRY.max_attempts):
        expect_put(stub, OBSERVATION_RECORD, THROTTLED)
    with pytest.raises(ClientError, match=THROTTLED):
        ingestor.put(OBSERVATION_RECORD)
    stub.assert_no_pending_responses()
    assert sleeps == [0.5, 1.0, 2.0] and ingestor.throttled_out and ingestor.written == 0


# --- packaging and performance ---------------------------------------------------------------------


def test_cold_start_imports_the_asset_alone_without_powertools_parser_models(tmp_path):
    # As Lambda does: the asset folder as synth stages it (the function's folder plus the shared runtime
    # library) first on sys.path, nothing from tests; -B keeps it free of __pycache__.
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import handler; "
        "PARSER = 'aws_lambda_powertools.utilities.parser'; "
        "print(json.dumps([handler.SETTINGS.feature_group_name, [m for m in sys.modules if m.startswith(PARSER)]]))"
    )
    fake = {"AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": "testing"}
    fake |= {
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    env = {"PATH": os.environ.get("PATH", ""), **ENV, **fake}
    result = subprocess.run(
        [sys.executable, "-B", "-c", code, str(function_asset(ASSET))],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    # The parser models would cost ~20 ms of cold start: handler.py imports the batch utility before pydantic.
    assert json.loads(result.stdout) == [GROUP, []]
    assert sorted(path.name for path in ASSET.iterdir()) == [
        "handler.py",
        "ingestion.py",
        "ingestion_records.py",
        "ingestion_settings.py",
        "requirements.txt",
    ]


def test_benchmark_script_runs(aws_offline_env):
    from . import bench_feature_ingestion as bench

    result = bench.run(records=50, repeats=1)
    assert set(result) == {"records_per_second", "cold_import_ms"}
    assert result["records_per_second"] > 0 and result["cold_import_ms"] > 0
