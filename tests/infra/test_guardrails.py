"""Guardrails (issue #11): the platform rule pack on the example app and on a broken feature group."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_sagemaker as sagemaker

from ml_platform.compliance.rule_packs import register_rule_packs
from ml_platform.compliance.sagemaker_pack import PACK_NAME, evaluate, platform_rules
from ml_platform.config import PlatformConfig
from ml_platform.platform import STAGE_CLASSES, mandatory_tags
from ml_platform.topology import account_roles

from ..helpers import Synth, new_app


def _platform_findings(templates: dict[str, dict[str, Any]], config: PlatformConfig) -> list[tuple[str, str]]:
    rules = platform_rules(mandatory_tags(config))
    return sorted((f.rule.id, f.construct_path) for t in templates.values() for f in evaluate(t, rules))


def test_every_platform_acknowledgement_suppresses_a_real_finding(
    synth: Synth, example_config: PlatformConfig, unacknowledged_build: tuple[cdk.App, list[tuple[str, str]]]
) -> None:
    _, recorded = unacknowledged_build
    ours = [(rule.split("::", 1)[1], scope) for rule, scope in recorded if rule.startswith(f"{PACK_NAME}::")]
    assert ours, "the platform acknowledges none of its own rules?"
    findings = _platform_findings(synth.templates, example_config)
    stale = [(r, s) for r, s in ours if not any(fr == r and (p == s or p.startswith(s + "/")) for fr, p in findings)]
    assert stale == []


def test_removing_kms_from_a_feature_group_fails_synth_naming_it(
    example_config: PlatformConfig, tmp_path: Path
) -> None:
    app = new_app(tmp_path)
    role = next(r for r in account_roles(example_config) if r.stage_id == "DataLake")
    stage = STAGE_CLASSES[role.kind](app, role, example_config)
    groups = [c for c in stage.node.find_all() if isinstance(c, sagemaker.CfnFeatureGroup)]
    target = groups[0]
    target.add_property_deletion_override("OfflineStoreConfig.S3StorageConfig.KmsKeyId")
    register_rule_packs(app, required_tags=mandatory_tags(example_config))
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    text = json.dumps(report)
    assert "SM-FeatureGroupKms" in text and "no KmsKeyId on the offline store" in text
    assert cdk.Stack.of(target).get_logical_id(target) in text  # the message names the resource


def test_every_account_has_a_monthly_budget_alerting_its_topic(synth: Synth, example_config: PlatformConfig) -> None:
    limits = {}
    for stage in synth.stages:
        template = synth.template(stage.stage_name, "Operations")
        (budget,) = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::Budgets::Budget"]
        limits[stage.role.slug] = budget["Budget"]["BudgetLimit"]["Amount"]
        assert budget["Budget"]["TimeUnit"] == "MONTHLY" and budget["Budget"]["BudgetType"] == "COST"
        notes = budget["NotificationsWithSubscribers"]
        assert [n["Notification"]["Threshold"] for n in notes] == [50, 80, 100, 100]
        assert notes[-1]["Notification"]["NotificationType"] == "FORECASTED"
        assert all(n["Subscribers"][0]["SubscriptionType"] == "SNS" for n in notes)
        policy = json.dumps([r for r in template["Resources"].values() if r["Type"] == "AWS::SNS::TopicPolicy"])
        assert "budgets.amazonaws.com" in policy
    assert limits == {
        "shared": 500,
        "datalake": 500,
        "weatherproduct": 1500,
        "weatherresearch": 800,
        "test": 600,
        "prod": 3000,
    }


def test_cost_defaults_hold_spot_training_and_idle_shutdown(synth: Synth, example_config: PlatformConfig) -> None:
    """Issue #11 asks to verify what the environment issues require: spot and auto-stop everywhere."""
    from ml_platform.schema.model_build import TrainingConfig

    assert TrainingConfig.model_fields["spot"].default is True
    for team in example_config.accounts.data_science:
        studio = synth.template(f"DataScience-{team.name}", "Studio")
        domains = [r["Properties"] for r in studio["Resources"].values() if r["Type"] == "AWS::SageMaker::Domain"]
        idle = json.dumps(domains)
        assert '"IdleTimeoutInMinutes"' in idle and '"LifecycleManagement": "ENABLED"' in idle, team.name
        configs = [
            r for r in studio["Resources"].values() if r["Type"] == "AWS::SageMaker::NotebookInstanceLifecycleConfig"
        ]
        assert configs, f"{team.name}: no notebook auto-stop lifecycle configuration"
