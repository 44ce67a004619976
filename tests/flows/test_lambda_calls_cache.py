"""The Lambda call extraction's on-disk cache (ml_platform/flows/lambda_calls.py, issue #23): a cached result
is only ever one for the same sources, and a damaged entry is extracted again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ml_platform.flows import lambda_calls
from ml_platform.flows.lambda_calls import function_calls

HANDLER = (
    "import boto3\n_client = boto3.client('s3')\ndef handler(event, context):\n    return _client.{}(Bucket='b')\n"
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder of the test's own; the in-process memo is emptied before and after."""
    monkeypatch.setattr(lambda_calls, "CALLS_CACHE", tmp_path / "cache")
    lambda_calls._function_calls.cache_clear()
    yield tmp_path / "cache"
    lambda_calls._function_calls.cache_clear()


def _no_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(folder: str, root: Path) -> tuple[lambda_calls.Call, ...]:
        raise AssertionError(f"{folder} was extracted again")

    monkeypatch.setattr(lambda_calls, "_extract", refuse)
    lambda_calls._function_calls.cache_clear()  # what a new process starts with


def test_a_new_process_reads_the_calls_from_disk(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lambda" / "lister").mkdir(parents=True)
    (tmp_path / "lambda" / "lister" / "handler.py").write_text(HANDLER.format("list_objects_v2"))
    extracted = function_calls("lister", tmp_path / "lambda")
    assert [c.operation for c in extracted] == ["ListObjectsV2"]
    assert len(list(cache.glob("*.json"))) == 1
    _no_extraction(monkeypatch)
    cached = function_calls("lister", tmp_path / "lambda")
    assert cached == extracted
    assert [c.where for c in cached] == [c.where for c in extracted] == ["lambda/lister/handler.py:4"]


@pytest.mark.parametrize("edit", ["handler", "shared library", "new module"])
def test_an_edited_source_is_extracted_again(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    root = tmp_path / "lambda"
    (root / "lister").mkdir(parents=True)
    (root / "shared" / "platform_runtime").mkdir(parents=True)
    (root / "lister" / "handler.py").write_text(HANDLER.format("list_objects_v2"))
    (root / "shared" / "platform_runtime" / "logs.py").write_text("LEVEL = 'INFO'\n")
    function_calls("lister", root)
    if edit == "handler":
        (root / "lister" / "handler.py").write_text(HANDLER.format("head_bucket"))
    elif edit == "shared library":
        (root / "shared" / "platform_runtime" / "logs.py").write_text("LEVEL = 'DEBUG'\n")
    else:
        (root / "lister" / "extra.py").write_text("X = 1\n")
    _no_extraction(monkeypatch)
    with pytest.raises(AssertionError, match="lister was extracted again"):
        function_calls("lister", root)


def test_a_damaged_entry_is_extracted_again(tmp_path: Path, cache: Path) -> None:
    (tmp_path / "lambda" / "lister").mkdir(parents=True)
    (tmp_path / "lambda" / "lister" / "handler.py").write_text(HANDLER.format("list_objects_v2"))
    function_calls("lister", tmp_path / "lambda")
    [entry] = cache.glob("*.json")
    for damage in ('{"not": "a list"}', "[[1, 2]]", '[["s3", "ListObjectsV2", 3]]', "not json"):
        entry.write_text(damage)
        lambda_calls._function_calls.cache_clear()
        assert [c.operation for c in function_calls("lister", tmp_path / "lambda")] == ["ListObjectsV2"]
