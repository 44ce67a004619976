"""Synthesized templates cached by what produced them: the git tree of the code and the config text
(issue #20). ``make diff BASE=HEAD`` on a clean working tree then synthesizes once, not twice: both sides
have the same key. The cache lives in ``.cache/templates/`` (git-ignored); a dirty working tree is never
cached, since no tree hash describes it."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..context import PROJECT_ROOT

CACHE_DIR = PROJECT_ROOT / ".cache" / "templates"
Templates = dict[str, dict[str, Any]]
Loaded = tuple[Templates, dict[str, str]]  # (display name -> template, display name -> stack name)


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout.strip()


def tree_of(ref: str | None) -> str | None:
    """The git tree hash of ``ref``, or of the working tree when it is None and clean (else None)."""
    if ref is None:
        if _git("status", "--porcelain", "--untracked-files=normal"):
            return None
        ref = "HEAD"
    return _git("rev-parse", f"{ref}^{{tree}}")


def cache_key(tree: str, config_text: str) -> str:
    return hashlib.sha256(f"{tree}\n{config_text}".encode()).hexdigest()[:32]


def cached(key: str | None, build: Callable[[], Loaded], cache_dir: Path = CACHE_DIR) -> tuple[Loaded, bool]:
    """``build()``'s result, from the cache when ``key`` is there; (result, whether it was cached)."""
    path = cache_dir / f"{key}.json" if key else None
    if path is not None and path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        return (data["templates"], data["stack_names"]), True
    result = build()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"templates": result[0], "stack_names": result[1]}), encoding="utf-8")
        tmp.replace(path)  # atomic: a concurrent reader sees the whole file or none
    return result, False
