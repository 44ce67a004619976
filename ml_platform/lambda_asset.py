"""One Lambda function's code: its own folder plus the shared runtime library, as one asset (issue #19).

Each function's asset is its folder under ``lambda/`` with ``lambda/shared/platform_runtime`` copied next
to its modules, so the function imports ``platform_runtime`` like one of its own. Chosen over a Lambda layer
(see docs/decisions.md): no extra resource, IAM permission or deploy-time version to keep in step, and a
function's asset hash changes exactly when code it ships changes. Built by plain file copies at synth
(offline, no Docker); the staging folder lives until the process ends, after CDK has copied it to cdk.out.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

from .context import PROJECT_ROOT
from .synth_staging import new_staging_folder

SHARED_LIBRARY = PROJECT_ROOT / "lambda" / "shared" / "platform_runtime"
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


@cache
def _lambda_root() -> Path:
    return new_staging_folder("lambda-")


@cache
def function_asset(code_dir: Path) -> Path:
    """A folder with ``code_dir``'s files and the ``platform_runtime`` package; built once per process."""
    target = _lambda_root() / code_dir.name
    shutil.copytree(code_dir, target, ignore=IGNORED)
    if (target / SHARED_LIBRARY.name).exists():
        raise ValueError(f"{code_dir} has its own {SHARED_LIBRARY.name}: it would hide the shared library")
    shutil.copytree(SHARED_LIBRARY, target / SHARED_LIBRARY.name, ignore=IGNORED)
    return target
