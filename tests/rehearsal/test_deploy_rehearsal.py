"""The first deploy rehearsed offline (issue #18): the example passes, in both documented
orders and through two releases; each kind of broken link is caught, with the step that
should have made the missing thing.

Each broken-link test changes one template of the session synth in memory, the way an
earlier version of the platform was broken (the closing note of issue #18 shows today's main
failing on the same links)."""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import io
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from cfnlint.decode import decode_str

from ml_platform.assembly.cloud_assembly import CloudAssembly
from ml_platform.config import PlatformConfig
from ml_platform.context import PROJECT_ROOT
from ml_platform.deploy_order import BLOCK_END, BLOCK_START, waves
from ml_platform.rehearsal.bootstrap import bootstrap_stacks
from ml_platform.rehearsal.findings import Finding, LinkKind
from ml_platform.rehearsal.run import Rehearsal, bootstrap_with_policies, rehearse
from ml_platform.topology import account_roles

from ..helpers import EXAMPLE, Synth


def _script_main() -> Callable[[list[str]], int]:
    """``main`` of scripts/rehearse.py (a script, not a package module)."""
    spec = importlib.util.spec_from_file_location("rehearse_script", PROJECT_ROOT / "scripts" / "rehearse.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    main: Callable[[list[str]], int] = module.main
    return main


CLI_BOOTSTRAP = PROJECT_ROOT / "node_modules" / "aws-cdk" / "lib" / "api" / "bootstrap" / "bootstrap-template.yaml"


def changed(assembly: CloudAssembly, key: str, change: Callable[[dict[str, Any]], None]) -> CloudAssembly:
    """``assembly`` with the template of stack ``key`` changed by ``change`` (on a copy)."""
    stacks = []
    for stack in assembly.stacks:
        if stack.key == key:
            template = copy.deepcopy(dict(stack.template))
            change(template)
            stack = replace(stack, template=template)
        stacks.append(stack)
    return CloudAssembly(assembly.root, stacks)


def logical_id(assembly: CloudAssembly, key: str, kind: str, contains: str = "") -> str:
    stack = assembly.by_key(key)
    return next(k for k, r in stack.resources.items() if r["Type"] == kind and contains in k)


def first_failure(rehearsal: Rehearsal) -> list[Finding]:
    assert not rehearsal.ok, "the rehearsal should have failed"
    return next(list(r.findings) for r in rehearsal.results if r.findings)


# -- the documented deploy passes -------------------------------------------------------------
@pytest.fixture(scope="module")
def make_rehearse(synth: Synth) -> list[str]:
    """What ``make rehearse`` prints for the example: the README's order, then the pipeline's."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert _script_main()(["--cdk-out", str(synth.outdir), "--config", str(EXAMPLE)]) == 0
    return out.getvalue().splitlines()


def paths(lines: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in lines:
        if line.startswith("# Rehearsal of the first deploy through "):
            current = found.setdefault(line.removeprefix("# Rehearsal of the first deploy through "), [])
        elif line.startswith("ok"):
            current.append(" ".join(line.split()[1:]))
    return found


def test_the_example_deploys_in_the_readme_order_then_releases(
    make_rehearse: list[str], example_config: PlatformConfig
):
    readme = paths(make_rehearse)["the README's commands"]
    accounts = len(account_roles(example_config))
    # Per account, its execution policies (aws iam create-policy), then its bootstrap stack.
    assert all(line.startswith("bootstrap Bootstrap/") for line in readme[: 2 * accounts])
    assert sum("Bootstrap/CDKToolkit-" in line for line in readme) == accounts
    stacks = [line.split()[1] for line in readme]
    assert stacks.index("SharedServices/Observability") < stacks.index("DataScience-weatherproduct/Operations")
    assert stacks.index("Test/ReleaseAccess") < stacks.index("Test/Hosting") < stacks.index("Production/Data")
    # Two approvals of the group (previous and latest both set: the prod A/B endpoint exists),
    # then the image-based model released by hand.
    assert "release weather-pollution v2 Production/Hosting (666666666666)" in readme
    assert "release weather-city-models by hand Test/Hosting (555555555555)" in readme
    # Every offered product version launches in both team accounts, as its launch role.
    launches = [line for line in readme if line.startswith("launch (Service Catalog) product ")]
    assert len(launches) == 3 and all(line.endswith("(333333333333, 444444444444)") for line in launches)
    assert make_rehearse[-1].startswith("rehearsal passed")


def test_the_pipeline_order_passes_and_deploys_the_pipeline_first(make_rehearse: list[str]):
    pipeline = paths(make_rehearse)["the platform pipeline"]
    after_bootstrap = next(line for line in pipeline if not line.startswith("bootstrap"))
    assert after_bootstrap == "npx cdk deploy --app cdk.out PlatformPipeline App/PlatformPipeline (111111111111)"
    # The same stacks as the README's path, plus the pipeline's; launches and releases come
    # after the deploy whichever path it took, so this path ends with the last stack.
    readme = paths(make_rehearse)["the README's commands"]
    deployed = [line.rsplit(" ", 2)[-2] for line in readme if not line.startswith(("launch", "release"))]
    assert sorted(line.rsplit(" ", 2)[-2] for line in pipeline) == sorted([*deployed, "App/PlatformPipeline"])


# -- each kind of broken link ---------------------------------------------------------------------
def test_a_missing_ssm_parameter_names_the_stack_that_makes_it_too_late(
    example_config: PlatformConfig, assembly: CloudAssembly
):
    """The hosting stack reads a released-model parameter that no earlier stack creates."""
    parameter = logical_id(assembly, "Test/ReleaseAccess", "AWS::SSM::Parameter", "WeatherPollutionLatest")
    broken = changed(assembly, "Test/ReleaseAccess", lambda t: t["Resources"].pop(parameter))
    [finding, *_] = first_failure(rehearse(example_config, broken))
    assert finding.where == "Test/Hosting"
    assert finding.kind == LinkKind.MISSING_PARAMETER
    assert "/ml-platform/released-models/weatherproduct/weather-pollution/latest" in finding.message
    assert "no stack of the platform or the bootstrap creates it" in finding.message


def test_cdks_default_bootstrap_cannot_read_the_platforms_parameters(
    example_config: PlatformConfig, assembly: CloudAssembly
):
    """Defect 1: with the CLI's own bootstrap template, the deploy role may read only the
    bootstrap version; every stack with a platform SSM parameter fails."""
    template, errors = decode_str(CLI_BOOTSTRAP.read_text(encoding="utf-8"))
    assert not errors and template is not None
    bootstrap = bootstrap_stacks(account_roles(example_config), example_config.organisation.region, template=template)
    rehearsal = rehearse(example_config, assembly, bootstrap=bootstrap)
    unreadable = {f.where for f in rehearsal.findings if f.kind == LinkKind.UNREADABLE_PARAMETER}
    assert {"DataScience-weatherproduct/Operations", "Test/Hosting", "Production/Hosting"} <= unreadable
    text = "\n".join(rehearsal.lines(stop_at_first=False))
    assert "cdk-hnb659fds-deploy-role-555555555555-us-east-1 may not ssm:GetParameters" in text


def test_a_parameter_of_another_account_needs_an_earlier_ram_share(
    example_config: PlatformConfig, assembly: CloudAssembly
):
    share = logical_id(assembly, "SharedServices/Observability", "AWS::RAM::ResourceShare")
    broken = changed(assembly, "SharedServices/Observability", lambda t: t["Resources"].pop(share))
    [finding, *_] = first_failure(rehearse(example_config, broken))
    assert finding.kind == LinkKind.UNREADABLE_PARAMETER
    assert "no RAM share gives it to this account" in finding.message


def test_only_an_advanced_parameter_can_be_shared(example_config: PlatformConfig, assembly: CloudAssembly):
    stack = assembly.by_key("SharedServices/Observability")
    [sink] = [k for k, r in stack.resources.items() if r["Type"] == "AWS::SSM::Parameter" and "Sink" in k]
    broken = changed(assembly, stack.key, lambda t: t["Resources"][sink]["Properties"].pop("Tier"))
    [finding, *_] = first_failure(rehearse(example_config, broken))
    assert finding.kind == LinkKind.UNREADABLE_PARAMETER
    assert "only an advanced parameter can be shared" in finding.message


def test_a_missing_output_is_caught(example_config: PlatformConfig, assembly: CloudAssembly):
    network = assembly.by_key("Test/Network")
    output = next(iter(network.template["Outputs"]))
    broken = changed(assembly, "Test/Network", lambda t: t["Outputs"].pop(output))
    findings = first_failure(rehearse(example_config, broken))
    assert {f.kind for f in findings} == {LinkKind.MISSING_OUTPUT}
    assert f"openaq-test-network.{output}: openaq-test-network has no such output" in findings[0].message


def test_an_output_of_a_stack_not_deployed_before(example_config: PlatformConfig, assembly: CloudAssembly):
    """Without its dependency on the network stack, hosting may deploy first (or in parallel)."""
    stacks = [
        replace(s, dependencies=tuple(d for d in s.dependencies if not d.endswith("-network")))
        if s.key == "Test/Hosting"
        else s
        for s in assembly.stacks
    ]
    findings = first_failure(rehearse(example_config, CloudAssembly(assembly.root, stacks)))
    assert findings[0].kind == LinkKind.MISSING_OUTPUT
    assert "Test/Network creates it, but is not deployed before this stack" in findings[0].message


def test_a_dangling_cross_account_name(example_config: PlatformConfig, assembly: CloudAssembly):
    """Defect 2: the OAM link named a sink ARN copied into the config, which no stack creates."""
    link = logical_id(assembly, "Test/Operations", "AWS::Oam::Link")
    sink = "arn:aws:oam:us-east-1:111111111111:sink/00000000-0000-4000-8000-000000000001"

    def hard_coded_sink(template: dict[str, Any]) -> None:
        template["Resources"][link]["Properties"]["SinkIdentifier"] = sink

    [finding] = first_failure(rehearse(example_config, changed(assembly, "Test/Operations", hard_coded_sink)))
    assert (finding.where, finding.kind) == ("Test/Operations", LinkKind.DANGLING_NAME)
    assert f"SinkIdentifier names {sink}: no stack of the platform or the bootstrap creates it" in finding.message


def test_a_principal_created_later_is_refused(example_config: PlatformConfig, assembly: CloudAssembly):
    """A key policy naming a role of a later wave: KMS refuses a policy with a missing principal."""
    key = logical_id(assembly, "SharedServices/Data", "AWS::KMS::Key")
    role = "arn:aws:iam::333333333333:role/openaq-weatherproduct-sm-data-scientist"

    def name_a_team_role(template: dict[str, Any]) -> None:
        statement = {"Effect": "Allow", "Principal": {"AWS": role}, "Action": "kms:Decrypt", "Resource": "*"}
        template["Resources"][key]["Properties"]["KeyPolicy"]["Statement"].append(statement)

    [finding] = first_failure(rehearse(example_config, changed(assembly, "SharedServices/Data", name_a_team_role)))
    assert finding.kind == LinkKind.DANGLING_NAME
    assert f"Principal names {role}, which AWS checks on create" in finding.message
    assert "DataScience-weatherproduct/Access creates it, but is not deployed before" in finding.message


def test_a_runtime_artefact_is_caught(example_config: PlatformConfig, assembly: CloudAssembly):
    """Defect 2: a package ARN as the first value (no release yet) makes hosting need it."""
    package = "arn:aws:sagemaker:us-east-1:333333333333:model-package/weather-pollution/2"
    parameter = logical_id(assembly, "Test/ReleaseAccess", "AWS::SSM::Parameter", "WeatherPollutionLatest")

    def pinned(template: dict[str, Any]) -> None:
        template["Resources"][parameter]["Properties"]["Value"] = package

    findings = first_failure(rehearse(example_config, changed(assembly, "Test/ReleaseAccess", pinned)))
    assert {(f.where, f.kind) for f in findings} == {("Test/Hosting", LinkKind.RUNTIME_ARTEFACT)}
    assert f"needs model package {package}, which exists only after a pipeline run" in findings[0].message


def test_a_resource_aws_rejects_on_create(example_config: PlatformConfig, assembly: CloudAssembly):
    """Defect 3: an Iceberg offline store with a Fractional event time."""
    group = logical_id(assembly, "DataLake/FeatureStore", "AWS::SageMaker::FeatureGroup", "weatherobservations")

    def fractional(template: dict[str, Any]) -> None:
        for definition in template["Resources"][group]["Properties"]["FeatureDefinitions"]:
            if definition["FeatureName"] == "EventTime":
                definition["FeatureType"] = "Fractional"

    [finding] = first_failure(rehearse(example_config, changed(assembly, "DataLake/FeatureStore", fractional)))
    assert finding.kind == LinkKind.REJECTED
    assert "an Iceberg offline store needs a String event time, and EventTime is Fractional" in finding.message


def test_a_release_the_deployer_role_cannot_resolve(example_config: PlatformConfig, assembly: CloudAssembly):
    """Defect 1 for releases: the deployer role had no ssm:GetParameters."""
    policy = logical_id(assembly, "Test/ReleaseAccess", "AWS::IAM::ManagedPolicy")

    def no_resolve(template: dict[str, Any]) -> None:
        document = template["Resources"][policy]["Properties"]["PolicyDocument"]
        document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != "ResolveStackParameters"]

    rehearsal = rehearse(example_config, changed(assembly, "Test/ReleaseAccess", no_resolve))
    [finding, *_] = first_failure(rehearsal)
    assert (finding.where, finding.kind) == ("Test/Hosting", LinkKind.UNREADABLE_PARAMETER)
    failed = next(r for r in rehearsal.results if r.findings)
    assert failed.step == "release weather-pollution v1"
    assert "openaq-test-model-deployer may not ssm:GetParameters" in finding.message


def test_a_state_machine_call_the_engine_denies(example_config: PlatformConfig, assembly: CloudAssembly):
    role = logical_id(assembly, "Test/ReleaseAccess", "AWS::IAM::Role", "Deployer")

    def trust_nobody(template: dict[str, Any]) -> None:
        template["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]["Statement"] = []

    findings = first_failure(rehearse(example_config, changed(assembly, "Test/ReleaseAccess", trust_nobody)))
    assert {f.kind for f in findings} == {LinkKind.EXECUTION_PERMISSION}
    assert any(
        "may not sts:AssumeRole on arn:aws:iam::555555555555:role/openaq-test-model-deployer" in f.message
        for f in findings
    )


def test_the_rehearsal_stops_at_the_first_broken_stack(example_config: PlatformConfig, assembly: CloudAssembly):
    template, _ = decode_str(CLI_BOOTSTRAP.read_text(encoding="utf-8"))
    bootstrap = bootstrap_stacks(account_roles(example_config), "us-east-1", template=template)
    lines = rehearse(example_config, assembly, bootstrap=bootstrap).lines()
    assert lines[-2].startswith("FAIL") and "DataScience-weatherproduct/Operations" in lines[-2]
    assert sum(line.startswith("FAIL") for line in lines) == 1


def test_an_execution_policy_without_an_action_stops_the_deploy(
    example_config: PlatformConfig, assembly: CloudAssembly
):
    """The scoped execution policies decide what CloudFormation may do in each account."""
    region = example_config.organisation.region
    bootstrap = bootstrap_with_policies(account_roles(example_config), region)
    policies = next(s for s in bootstrap if s.stack_id == "ExecutionPolicies-333333333333")
    template = copy.deepcopy(dict(policies.template))
    for resource in template["Resources"].values():
        statements = resource["Properties"]["PolicyDocument"]["Statement"]
        for statement in statements:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            statement["Action"] = [a for a in actions if a != "sagemaker:CreateDomain"] or ["sagemaker:ListDomains"]
    bootstrap = [replace(s, template=template) if s is policies else s for s in bootstrap]
    [finding] = first_failure(rehearse(example_config, assembly, bootstrap=bootstrap))
    assert (finding.where, finding.kind) == ("DataScience-weatherproduct/Studio", LinkKind.EXECUTION_PERMISSION)
    assert "cdk-hnb659fds-cfn-exec-role-333333333333-us-east-1 may not sagemaker:CreateDomain" in finding.message


def test_a_product_without_a_launch_role_fails_its_launch(example_config: PlatformConfig, assembly: CloudAssembly):
    hub = "SharedServices/ServiceCatalog"
    constraints = [
        k for k, r in assembly.by_key(hub).resources.items() if r["Type"] == "AWS::ServiceCatalog::LaunchRoleConstraint"
    ]
    broken = changed(assembly, hub, lambda t: t["Resources"].pop(constraints[0]))
    rehearsal = rehearse(example_config, broken)
    failed = next(r for r in rehearsal.results if r.findings)
    assert failed.step == "launch (Service Catalog)"
    assert failed.findings[0].kind == LinkKind.LAUNCH_PERMISSION
    assert "no launch constraint names a role" in failed.findings[0].message


# -- the large config -----------------------------------------------------------------------------
def test_the_large_config_rehearses_clean(large_synth: Any):
    summary = large_synth()
    rehearsal = summary["large"]["rehearsal"]
    assert rehearsal["ok"], "\n".join(rehearsal["lines"])
    assert any("Production/Hosting3" in line for line in rehearsal["lines"])


# -- one order: README, runbook, pipeline ------------------------------------------------------------
@pytest.mark.parametrize("script", ["bootstrap_template.py", "deploy_commands.py"])
def test_the_generated_bootstrap_and_deploy_commands_are_current(script: str):
    """bootstrap/template.yaml follows the pinned CLI; README.md and docs/runbook.md show the
    commands of ml_platform/deploy_order.py (``make docs`` rewrites both)."""
    path = PROJECT_ROOT / "scripts" / script
    done = subprocess.run([sys.executable, str(path), "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_the_readme_deploys_in_the_order_the_rehearsal_walks(example_config: PlatformConfig):
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(BLOCK_START)[1].split(BLOCK_END)[0]
    deploys = [line for line in block.splitlines() if line.startswith("npx cdk deploy --app cdk.out --no-previous-")]
    patterns = [line.split("'")[1] for line in deploys]
    assert patterns == [wave.pattern for wave in waves(example_config)]
    bootstrapped = [line.split("aws://")[1].split("/")[0] for line in block.splitlines() if "cdk bootstrap" in line]
    assert bootstrapped == [r.account_id for r in account_roles(example_config)]


def test_the_platform_pipeline_deploys_the_same_waves(assembly: CloudAssembly, example_config: PlatformConfig):
    pipeline = assembly.by_key("App/PlatformPipeline")
    [codepipeline] = [r for r in pipeline.resources.values() if r["Type"] == "AWS::CodePipeline::Pipeline"]
    stages = [s["Name"] for s in codepipeline["Properties"]["Stages"]]
    deploying = [s for s in stages if s not in ("Source", "Build", "UpdatePipeline", "Assets")]
    assert deploying == [wave.name for wave in waves(example_config)]
    production = next(s for s in codepipeline["Properties"]["Stages"] if s["Name"] == "Production")
    first = min(production["Actions"], key=lambda a: a["RunOrder"])
    assert first["ActionTypeId"]["Category"] == "Approval"
