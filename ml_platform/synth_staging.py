"""One scratch folder per synth process for files the app writes and CDK then copies into cdk.out as
assets (Lambda code, Clarify analysis configs). Removed when the process ends, after the synth: a
folder per asset left behind would pile up in the temp directory with every synth and test run."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path


@cache
def staging_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="ml-platform-synth-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


def new_staging_folder(prefix: str) -> Path:
    """A new, empty folder of its own under this process's staging root."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=staging_root()))
