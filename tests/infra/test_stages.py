"""Five account roles -> one stage each, with explicit env, separated stateful/stateless stacks."""

from __future__ import annotations

import aws_cdk as cdk

from ml_platform.config import PlatformConfig

from ..helpers import Synth

EXPECTED_STAGES = {
    "SharedServices": "111111111111",
    "DataLake": "222222222222",
    "DataScience-weatherproduct": "333333333333",
    "DataScience-weatherresearch": "444444444444",
    "Test": "555555555555",
    "Production": "666666666666",
}


def test_one_assembly_per_account_stage(synth: Synth) -> None:
    assemblies = {p.name for p in synth.outdir.glob("assembly-*")}
    assert assemblies == {f"assembly-{name}" for name in EXPECTED_STAGES}


def test_stage_env_is_explicit_from_config(synth: Synth, example_config: PlatformConfig) -> None:
    for stage in synth.stages:
        assert stage.account == EXPECTED_STAGES[stage.stage_name]
        assert stage.region == example_config.organisation.region
        for stack in stage.node.children:
            if isinstance(stack, cdk.Stack):
                assert stack.account == stage.account and stack.region == stage.region


STACKS = {"Data", "Operations"}
STACKS_BY_KIND = {
    "SharedServices": STACKS | {"ServiceCatalog", "Images", "ModelRelease", "Observability"},
    "DataLake": STACKS | {"Catalog", "FeatureStore", "Ingestion"},
    "DataScience": STACKS | {"Network", "Access", "Studio", "ServiceCatalog", "DataAccess", "ModelBuild"},
    "Test": STACKS | {"Network", "Hosting", "ReleaseAccess", "Monitoring"},
    "Production": STACKS | {"Network", "Prediction", "Hosting", "ReleaseAccess", "Monitoring"},
}


def test_each_stage_has_its_stacks(synth: Synth) -> None:
    for stage in EXPECTED_STAGES:
        stacks = {key.split("/")[1] for key in synth.templates if key.split("/")[0] == stage}
        expected = STACKS_BY_KIND.get(stage.split("-")[0], STACKS)
        if stage == "DataScience-weatherproduct":  # the team with a labeling workforce
            expected = expected | {"Labeling", "Mlflow"}  # and managed MLflow (issue #22)
        assert stacks == expected, stage


def test_every_template_is_non_empty_and_described(synth: Synth) -> None:
    for name, template in synth.templates.items():
        assert template["Resources"], f"{name} has no resources"
        assert template.get("Description"), f"{name} has no Description (XC-8)"
        assert "CDKMetadata" not in template["Resources"], "analytics must be off"


def test_stateful_stacks_are_termination_protected(synth: Synth) -> None:
    protected = {"Data", "Network", "Studio", "FeatureStore", "Labeling", "Images", "Mlflow"}
    for stage in synth.stages:
        for stack in stage.node.children:
            if isinstance(stack, cdk.Stack):
                assert stack.termination_protection is (stack.node.id in protected), stack.node.path
        assert stage.data.stack_name == f"openaq-{stage.role.slug}-data"


def test_data_science_stages_follow_config(synth: Synth, example_config: PlatformConfig) -> None:
    teams = [s.role.slug for s in synth.stages if s.stage_name.startswith("DataScience-")]
    assert teams == [t.name for t in example_config.accounts.data_science]


def test_availability_zones_come_from_config(synth: Synth) -> None:
    for stage in synth.stages:
        assert stage.data.availability_zones == ["us-east-1a", "us-east-1b"]


def test_committed_architecture_diagram_is_current(synth: Synth) -> None:
    """docs/architecture.svg is drawn from the synthesized app: run `make diagram` after a change."""
    import subprocess
    import sys

    from ml_platform.context import PROJECT_ROOT

    script = PROJECT_ROOT / "scripts" / "diagram.py"
    result = subprocess.run(
        [
            sys.executable,
            str(script),
            "--check",
            "--cdk-out",
            str(synth.outdir),
            "--out",
            str(PROJECT_ROOT / "docs" / "architecture.svg"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
