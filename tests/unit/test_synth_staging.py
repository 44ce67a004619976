"""Files the app writes for CDK to copy as assets live in one folder per process, removed at exit
(ml_platform/synth_staging.py): before, each Clarify analysis config left a folder in the temp
directory on every synth, about 1,800 of them on this machine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ml_platform.synth_staging import new_staging_folder, staging_root

ROOT = Path(__file__).resolve().parents[2]


def test_each_asset_gets_a_new_folder_under_the_process_root() -> None:
    first, second = new_staging_folder("clarify-"), new_staging_folder("clarify-")
    assert first != second
    assert first.parent == second.parent == staging_root()
    assert first.is_dir() and not any(first.iterdir())


def test_the_root_is_removed_when_the_process_ends() -> None:
    code = "from ml_platform.synth_staging import new_staging_folder as n; f = n('x-'); (f / 'a').touch(); print(f)"
    folder = Path(
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout.strip()
    )
    assert folder.name.startswith("x-")
    assert not folder.parent.exists()
