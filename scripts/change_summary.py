#!/usr/bin/env python3
"""`make diff BASE=<git ref>`: what a change does to the synthesized templates, offline.

Synthesizes the app at BASE (in a temporary git worktree) and in the working tree, compares
them stack by stack (and the Service Catalog product templates), and prints markdown for the
pull request: resources added/removed/modified with their property paths, IAM and resource
policy grants added or removed, and a warning block for every stateful replacement.
Reviewers need no AWS credentials: `cdk diff` against deployed stacks is not available to them.
Beyond the direct differences it follows each replacement through the values that depend on it, in its
stack and across stacks (ml_platform/review/cascade.py), flags exports that an update would change while
another stack imports them, and prints the refactor mapping for stateful resources that only moved.
Synthesized templates are cached by git tree and config (ml_platform/review/assembly_cache.py).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml_platform.context import prefer_venv_node  # noqa: E402
from ml_platform.review.assembly_cache import (  # noqa: E402
    Loaded,
    cache_key,
    cached,
    config_text_at,
    load_templates,
    tree_of,
)
from ml_platform.review.summary import render, review  # noqa: E402


def synthesize(tree: Path, outdir: Path, config: str) -> None:
    """`python app.py` of that tree (its own code and config) into ``outdir``."""
    env = dict(os.environ, CDK_OUTDIR=str(outdir), CDK_CONTEXT_JSON=json.dumps({"config": config}))
    result = subprocess.run([sys.executable, "app.py"], cwd=tree, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"synth failed in {tree}:\n{result.stderr.strip()[-2000:]}")


def ref_templates(ref: str | None, config: str, workdir: Path) -> Loaded:
    """Templates of a commit (synthesized in a temporary worktree) or, for None, of the working tree; from
    the cache when the same tree and config were synthesized before."""
    tree = tree_of(ref)
    config_text = config_text_at(tree, config) if tree else None
    key = cache_key(tree, config_text) if tree and config_text is not None else None

    def build() -> Loaded:
        if ref is None:
            synthesize(ROOT, workdir / "head.out", config)
            return load_templates(workdir / "head.out")
        worktree = workdir / f"tree-{len(list(workdir.iterdir()))}"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(worktree), ref], cwd=ROOT, check=True)
        try:
            synthesize(worktree, worktree.with_suffix(".out"), config)
            return load_templates(worktree.with_suffix(".out"))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=False)

    loaded, hit = cached(key, build)
    print(f"{ref or 'working tree'}: {'cached templates' if hit else 'synthesized'}", file=sys.stderr)
    return loaded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="HEAD", help="git ref to compare against (default HEAD)")
    parser.add_argument("--head", help="compare with this git ref instead of the working tree")
    parser.add_argument("--config", default="config/example.yaml", help="config path, relative to each tree")
    parser.add_argument("--out", type=Path, help="also write the markdown to this file")
    args = parser.parse_args()
    prefer_venv_node()
    with tempfile.TemporaryDirectory(prefix="change-summary-") as tmp:
        workdir = Path(tmp)
        old, _ = ref_templates(args.base, args.config, workdir)
        new, names = ref_templates(args.head, args.config, workdir)
    markdown = render(review(old, new, names), args.base)
    print(markdown)
    if args.out:
        args.out.write_text(markdown + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
