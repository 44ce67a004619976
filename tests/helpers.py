"""Shared test helpers: the example config as data, and building an app the way app.py does."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import yaml

from ml_platform.config import PlatformConfig
from ml_platform.config_errors import validate
from ml_platform.context import PROJECT_ROOT, cdk_json_context
from ml_platform.platform import STAGE_CLASSES, build_platform
from ml_platform.stages.account_stage import AccountStage
from ml_platform.topology import account_roles

from .background import background_process, isolated_project

EXAMPLE = PROJECT_ROOT / "config" / "example.yaml"


@cache
def _example_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


def example_data() -> dict[str, Any]:
    """A fresh, mutable copy of the example config as plain data."""
    return copy.deepcopy(_example_data())


def config_from(data: dict[str, Any]) -> PlatformConfig:
    return validate(PlatformConfig, data, Path("test.yaml"))


@dataclass
class Synth:
    app: cdk.App
    stages: list[AccountStage]
    outdir: Path
    templates: dict[str, dict[str, Any]]  # "Stage/Stack" -> template
    template_files: dict[str, str]  # "Stage/Stack" -> path relative to outdir
    validation_error: str | None = None  # set when the rule packs failed the first synth
    products: dict[str, dict[str, Any]] = field(default_factory=dict)  # product stack file stem -> template
    checkov: subprocess.Popen[str] | None = None  # started on the templates by the session fixture
    cfn_lint: subprocess.Popen[str] | None = None  # likewise (issue #23: both cores for the whole session)

    def product(self, name: str) -> dict[str, Any]:
        """The Service Catalog product template whose file name contains ``name`` (e.g. NotebookProduct)."""
        [template] = [t for stem, t in self.products.items() if name in stem]
        return template

    def template(self, stage_id: str, stack_id: str) -> dict[str, Any]:
        return self.templates[f"{stage_id}/{stack_id}"]


# The background synths of the logical-ID edits (tests/edit_synths.py): edit -> "Stage/Stack" -> template.
EditSynths = Callable[[], dict[str, dict[str, dict[str, Any]]]]

APP_LEVEL = "App"  # pseudo stage of the stacks directly under the App
CHECKOV = PROJECT_ROOT / ".venv-checkov" / "bin" / "checkov"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"


def start_checkov(outdir: Path) -> subprocess.Popen[str] | None:
    """checkov over every template under ``outdir`` (``cfn_lint_templates``), JSON on stdout; None when not
    installed."""
    if not CHECKOV.exists():
        return None
    # The templates only (the same list cfn-lint reads), not the whole folder: tree.json, manifests and
    # asset files are no templates, and reading them was ~2 s of checkov's ~10 (same findings).
    command = [str(CHECKOV), "-f", *cfn_lint_templates(outdir), "--framework", "cloudformation", "--quiet"]
    command += ["--compact", "-o", "json", "--skip-download"]  # offline: no Prisma Cloud guideline lookup
    return background_process(command)


def cfn_lint_templates(outdir: Path) -> list[str]:
    """Every template under ``outdir``: stacks and product templates, and the platform pipeline."""
    templates = sorted(str(p) for p in outdir.glob("assembly-*/*.template.json"))
    return templates + sorted(str(p) for p in outdir.glob("*.template.json"))


def start_cfn_lint(outdir: Path) -> subprocess.Popen[str]:
    """cfn-lint over ``cfn_lint_templates(outdir)`` in the background, parseable output;
    tests/infra/test_cfn_lint.py collects it."""
    command = [str(CFN_LINT), "--format", "parseable", "--regions", "us-east-1", "--", *cfn_lint_templates(outdir)]
    return background_process(command, cwd=PROJECT_ROOT)


def cli_env(**extra: str) -> dict[str, str]:
    """The environment the Makefile gives the pinned CDK CLI (venv first on PATH, quiet npm)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(
        CDK_DISABLE_CLI_TELEMETRY="1",
        npm_config_update_notifier="false",
        NPM_CONFIG_USERCONFIG=str(PROJECT_ROOT / ".npmrc"),
        **extra,
    )
    return env


def cdk_command(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "npx"), "--no-install", "cdk", *args]


def start_cli_synth(outdir: Path) -> subprocess.Popen[str]:
    """``cdk synth`` of the example through the pinned CLI into ``outdir``, in the background
    (started at session start, issue #23); tests/infra/test_cli.py compares it to app.py's.

    Without CDK's CloudFormation validation (``CDK_VALIDATION=false``: the job ~17 -> ~10 CPU-s):
    the test reads only the templates, which it requires to equal the session synth's, and that synth
    validates them with the same acknowledgements. The CLI reads the variable as its ``--validation``
    option too, which skips its own check of error annotations on the stacks; aws-cdk-lib's
    annotation plugin (cdk.json ``annotationsInValidationReport``) still fails such a synth."""
    command = cdk_command("synth", "--quiet", "--no-lookups", "-o", str(outdir))
    env = cli_env(CDK_VALIDATION="false")
    return background_process(command, cwd=isolated_project(outdir / ".project"), env=env)


def new_app(outdir: Path, *, cfn_validation: bool = True) -> cdk.App:
    """An App with cdk.json's context, as app.py builds it (same feature flags).

    ``cfn_validation=False`` turns off CDK's built-in CloudFormation validation (on in app.py and
    every synth whose templates a test checks): only for a synth that a test merely compares with
    one that had it."""
    return cdk.App(
        context=cdk_json_context(),
        outdir=str(outdir),
        analytics_reporting=False,
        builtin_cloud_formation_validation=cfn_validation,
    )


def synthesize(config: PlatformConfig, outdir: Path, *, rule_packs: bool = True, cfn_validation: bool = True) -> Synth:
    """Synthesize like app.py. If the rule packs fail the synth, synthesize again without
    them so the other tests still run, and keep the failure for the rule-pack test to report.

    A synth that is only compared with a checked one (a logical-ID edit, the grown scale config)
    passes ``rule_packs=False, cfn_validation=False``: ~1 s less per example-sized synth (issue #23).
    """
    app = new_app(outdir, cfn_validation=cfn_validation)
    stages = build_platform(app, config, rule_packs=rule_packs)
    try:
        app.synth()
    except RuntimeError as err:
        if not rule_packs or "ValidationFailed" not in str(err):
            raise
        shutil.rmtree(outdir)
        result = synthesize(config, outdir, rule_packs=False, cfn_validation=cfn_validation)
        result.validation_error = str(err)
        return result
    templates: dict[str, dict[str, Any]] = {}
    files: dict[str, str] = {}
    for stage in stages:
        for child in stage.node.children:
            if isinstance(child, cdk.Stack):
                key = f"{stage.stage_name}/{child.node.id}"
                files[key] = f"assembly-{stage.stage_name}/{child.template_file}"
                templates[key] = json.loads((outdir / files[key]).read_text())
    for child in app.node.children:  # stacks outside the account stages: the platform pipeline
        if isinstance(child, cdk.Stack):
            key = f"{APP_LEVEL}/{child.node.id}"
            files[key] = child.template_file
            templates[key] = json.loads((outdir / files[key]).read_text())
    products = {
        path.name.split(".")[0]: json.loads(path.read_text())
        for path in outdir.glob("assembly-*/*.product.template.json")
    }
    return Synth(app, stages, outdir, templates, files, products=products)


def resources_of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template.get("Resources", {}).items() if v["Type"] == resource_type}


def synthesize_stage(config: PlatformConfig, outdir: Path, stage_id: str) -> dict[str, dict[str, Any]]:
    """Only one account's stage (cheaper than the whole app): stack ID -> template."""
    app = new_app(outdir)
    role = next(r for r in account_roles(config) if r.stage_id == stage_id)
    stage = STAGE_CLASSES[role.kind](app, role, config)
    app.synth()
    return {
        child.node.id: json.loads((outdir / f"assembly-{stage_id}" / child.template_file).read_text())
        for child in stage.node.children
        if isinstance(child, cdk.Stack)
    }


def statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    """Every IAM statement of the template's policies and managed policies."""
    found: list[dict[str, Any]] = []
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            found += props["PolicyDocument"]["Statement"]
        if resource["Type"] == "AWS::IAM::Role":
            for policy in props.get("Policies", []):
                found += policy["PolicyDocument"]["Statement"]
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
