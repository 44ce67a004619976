"""Load a script of assets/ (a folder of files, not a package) as a module, by its path."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from ml_platform.context import PROJECT_ROOT


def load_asset(name: str, *path: str) -> ModuleType:
    """``assets/<path>`` as module ``name``."""
    spec = importlib.util.spec_from_file_location(name, PROJECT_ROOT.joinpath("assets", *path))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
