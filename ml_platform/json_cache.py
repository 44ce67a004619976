"""JSON results kept on disk under a content key, in the git-ignored ``.cache/`` (issue #23).

A cache is only an optimization: a missing, damaged or unwritable entry means the caller computes
again. Writes go to a temporary file of their own and are renamed into place, so concurrent runs
(the test session's background synths) never read half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .context import PROJECT_ROOT

CACHE_ROOT = PROJECT_ROOT / ".cache"


def load(path: Path) -> Any | None:
    """The JSON value stored at ``path``, or None when there is none or it cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def store(path: Path, value: Any, *, required: bool = False) -> None:
    """Write ``value`` to ``path`` atomically; when the disk refuses (read-only checkout, disk full) the
    caller just goes without the cache, and no temporary file is left behind. ``required``: a result
    someone waits for, not a cache: the disk's refusal is raised."""
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        tmp = Path(name)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(value, out)
        tmp.replace(path)
    except BaseException as err:  # a value that is no JSON is the caller's error: raised, but cleaned up too
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        if required or not isinstance(err, OSError):
            raise
