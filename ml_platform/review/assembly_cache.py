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

from .. import json_cache
from ..context import PROJECT_ROOT

CACHE_DIR = json_cache.CACHE_ROOT / "templates"
FORMAT = "templates-v1"  # bump when what is stored changes shape
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
    return hashlib.sha256(f"{FORMAT}\n{tree}\n{config_text}".encode()).hexdigest()[:32]


def cached(key: str | None, build: Callable[[], Loaded], cache_dir: Path = CACHE_DIR) -> tuple[Loaded, bool]:
    """``build()``'s result, from the cache when ``key`` is there; (result, whether it was cached)."""
    path = cache_dir / f"{key}.json" if key else None
    data = json_cache.load(path) if path is not None else None
    if isinstance(data, dict) and {"templates", "stack_names"} <= data.keys():
        return (data["templates"], data["stack_names"]), True
    result = build()  # not cached, or a damaged entry: synthesize (again) and overwrite it
    if path is not None:
        json_cache.store(path, {"templates": result[0], "stack_names": result[1]})
    return result, False


def load_templates(outdir: Path) -> Loaded:
    """Stack display name ("Stage/Stack") or product template file -> template, and display name -> the
    CloudFormation stack name (what ``Fn::GetStackOutput`` and refactor mappings name)."""
    templates: dict[str, dict[str, Any]] = {}
    names: dict[str, str] = {}
    for assembly in sorted(outdir.glob("assembly-*")):
        manifest = json.loads((assembly / "manifest.json").read_text())
        for artifact in manifest.get("artifacts", {}).values():
            if artifact.get("type") == "aws:cloudformation:stack":
                name = artifact.get("displayName", "")
                templates[name] = json.loads((assembly / artifact["properties"]["templateFile"]).read_text())
                names[name] = artifact["properties"].get("stackName", name)
        for product in sorted(assembly.glob("*.product.template.json")):
            templates[f"product {product.name.split('.')[0]}"] = json.loads(product.read_text())
    return templates, names


def config_text_at(tree: str, config: str) -> str | None:
    """The config file as git ``tree`` has it; None when git does not know it (then nothing is cached)."""
    result = subprocess.run(
        ["git", "cat-file", "-p", f"{tree}:{config}"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    return result.stdout if result.returncode == 0 else None


def seed_from_working_tree(outdir: Path, config: str, cache_dir: Path = CACHE_DIR) -> bool:
    """Store an assembly synthesized from the working tree under its key, when the tree is clean (issue #23:
    the test session's synth then serves ``make diff BASE=HEAD`` too, so one session synthesizes the tree
    once). Whether it was stored (a dirty tree has no key)."""
    tree = tree_of(None)
    text = config_text_at(tree, config) if tree else None
    if tree is None or text is None:
        return False
    cached(cache_key(tree, text), lambda: load_templates(outdir), cache_dir)
    return True
