"""Which sources make up one Lambda function for the call extraction (ml_platform/flows/lambda_calls.py): its
folder's modules plus the shared runtime library's modules they import, transitively."""

from __future__ import annotations

import ast
from pathlib import Path

# The shared runtime library, copied into every asset (ml_platform/lambda_asset.py): a function calls what
# the modules it imports from it call, so those modules are read with the function's own.
SHARED_PACKAGE = "platform_runtime"


def shared_imports(module: ast.Module) -> set[str]:
    """The shared library's modules that ``module`` imports: ``platform_runtime.x`` -> ``x``."""
    names: set[str] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom):
            base = "" if node.level else (node.module or "")  # a relative import stays inside the library
            if node.level and node.module:
                names.add(node.module)
            elif base == SHARED_PACKAGE:
                names.update(alias.name for alias in node.names)
            elif base.startswith(f"{SHARED_PACKAGE}."):
                names.add(base.split(".", 1)[1])
    return names


def with_shared_modules(modules: dict[str, ast.Module], root: Path) -> dict[str, ast.Module]:
    """``modules`` plus the shared library's modules they import, transitively."""
    result, pending = dict(modules), [name for m in modules.values() for name in shared_imports(m)]
    while pending:
        key = f"{SHARED_PACKAGE}/{pending.pop()}.py"
        path = root / "shared" / key
        if key in result or not path.exists():
            continue
        result[key] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        pending.extend(shared_imports(result[key]))
    return result
