"""ml_platform/json_cache.py: a cache is only an optimization, so a disk that refuses is no error (issue #23)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from ml_platform import json_cache


def test_a_stored_value_loads_back_and_a_missing_or_damaged_one_is_none(tmp_path: Path) -> None:
    entry = tmp_path / "cache" / "entry.json"
    assert json_cache.load(entry) is None
    json_cache.store(entry, {"calls": [["s3", "GetObject", "lambda/x/handler.py:3"]]})
    assert json_cache.load(entry) == {"calls": [["s3", "GetObject", "lambda/x/handler.py:3"]]}
    entry.write_text('{"half": ')
    assert json_cache.load(entry) is None


def test_a_disk_that_refuses_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(self: Path, target: Path) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "replace", disk_full)
    json_cache.store(tmp_path / "entry.json", [1])
    assert list(tmp_path.iterdir()) == []  # neither the entry nor its temporary file
    # A result a test waits for (tests/edit_synths.py) is no cache: the refusal is raised, still cleaned up.
    with pytest.raises(OSError, match="No space left"):
        json_cache.store(tmp_path / "entry.json", [1], required=True)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    class Unwritable:  # json.dump raises TypeError for it, after the temporary file exists
        pass

    with pytest.raises(TypeError):
        json_cache.store(tmp_path / "entry.json", Unwritable())
    assert list(tmp_path.iterdir()) == []
