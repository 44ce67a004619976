"""scripts/diagram.py on a tiny hand-written cloud assembly (no CDK synth): content, arrows, determinism, --check."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import diagram
import diagram_layout

X = diagram.TIMES  # the multiplication sign of "2 x FeatureGroup"

SVG = "{http://www.w3.org/2000/svg}"
HUB, LAKE, TEAM = "111111111111", "222222222222", "333333333333"


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def _stage(root: Path, stage: str, account: str, stacks: dict[str, tuple[bool, dict[str, Any]]]) -> None:
    artifacts: dict[str, Any] = {}
    for name, (protected, resources) in stacks.items():
        artifact_id = f"{stage.replace('-', '')}{name}1A2B3C4D"
        _write(root / f"assembly-{stage}" / f"{artifact_id}.template.json", {"Resources": resources})
        artifacts[f"{artifact_id}.assets"] = {"type": "cdk:asset-manifest", "properties": {"file": "x.assets.json"}}
        artifacts[artifact_id] = {
            "type": "aws:cloudformation:stack",
            "environment": f"aws://{account}/us-east-1",
            "displayName": f"{stage}/{name}",
            "properties": {
                "templateFile": f"{artifact_id}.template.json",
                "terminationProtection": protected,
                "stackName": f"test-{stage.lower()}-{name.lower()}",
            },
        }
    _write(root / f"assembly-{stage}" / "manifest.json", {"version": "55.0.0", "artifacts": artifacts})


def _trust(*principals: str) -> dict[str, Any]:
    statement = {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"AWS": list(principals)}}
    return {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [statement]}}}


@pytest.fixture
def assembly(tmp_path: Path) -> Path:
    root = tmp_path / "cdk.out"
    # The top-level manifest lists the stages out of deploy order on purpose.
    stages = ("DataScience-team", "SharedServices", "DataLake")
    top = {
        f"assembly-{s}": {"type": "cdk:cloud-assembly", "properties": {"directoryName": f"assembly-{s}"}}
        for s in stages
    }
    top["Tree"] = {"type": "cdk:tree", "properties": {"file": "tree.json"}}
    _write(root / "manifest.json", {"version": "55.0.0", "artifacts": top})
    portfolio = {"Type": "AWS::ServiceCatalog::Portfolio", "Properties": {"DisplayName": "ml tools"}}
    share = {"Type": "AWS::ServiceCatalog::PortfolioShare", "Properties": {"AccountId": TEAM, "PortfolioId": "p"}}
    _stage(root, "SharedServices", HUB, {"ServiceCatalog": (False, {"Portfolio": portfolio, "Share": share})})
    _write(
        root / "assembly-SharedServices" / "SharedServicesServiceCatalogNotebookProduct9F8E7D6C.product.template.json",
        {"Resources": {"Notebook": {"Type": "AWS::SageMaker::NotebookInstance", "Properties": {}}}},
    )
    group = {"Type": "AWS::SageMaker::FeatureGroup", "Properties": {"FeatureGroupName": "g"}}
    lake = {
        "GroupA": group,
        "GroupB": group,
        "Reader": _trust(f"arn:aws:iam::{TEAM}:root", f"arn:aws:iam::{LAKE}:root"),  # own account: no arrow
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {}},
    }
    _stage(root, "DataLake", LAKE, {"FeatureStore": (True, lake)})
    policy = {"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Resource": f"arn:aws:iam::{LAKE}:role/r"}]}
    uses = {"Policy": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": policy}}}
    link = {"DatabaseInput": {"TargetDatabase": {"CatalogId": LAKE, "DatabaseName": "curated"}}}
    uses["Link"] = {"Type": "AWS::Glue::Database", "Properties": link}
    _stage(root, "DataScience-team", TEAM, {"Access": (False, uses)})
    return root


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))  # noqa: S314 (our own output, not untrusted data)


def _svg(assembly: Path) -> ET.Element:
    return _parse(diagram.generate(assembly))


def _arrows(root: ET.Element) -> dict[tuple[str, str], str]:
    found = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "arrow":
            label = next(t for t in group.iter(f"{SVG}text") if t.get("class") == "label")
            found[(group.get("data-from", ""), group.get("data-to", ""))] = label.text or ""
    return found


def test_output_is_valid_xml_with_every_stage_and_stack(assembly: Path) -> None:
    root = _svg(assembly)
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    for name in ("SharedServices", "DataLake", "DataScience-team", "ServiceCatalog", "FeatureStore", "Access"):
        assert name in texts
    assert any(HUB in t for t in texts)
    stages = [g.get("data-stage") for g in root.iter(f"{SVG}g") if g.get("class") == "stage"]
    assert stages == ["SharedServices", "DataLake", "DataScience-team"]  # deploy order, not manifest order


def test_stateful_stack_is_marked(assembly: Path) -> None:
    stacks = {g.get("data-stack"): g for g in _svg(assembly).iter(f"{SVG}g") if g.get("class") == "stack"}
    assert stacks["DataLake/FeatureStore"].get("data-protected") == "true"
    assert stacks["DataScience-team/Access"].get("data-protected") == "false"
    marks = [t.text for t in stacks["DataLake/FeatureStore"].iter(f"{SVG}text") if t.get("class") == "protected"]
    assert marks == ["protected"]
    assert not [t for t in stacks["DataScience-team/Access"].iter(f"{SVG}text") if t.get("class") == "protected"]


def test_resource_counts_and_products(assembly: Path) -> None:
    svg = diagram.generate(assembly)
    for line in (f"2 {X} FeatureGroup", f"1 {X} IAM Role", "+1 other", f"1 {X} PortfolioShare", "product Notebook:"):
        assert f">{line}<" in svg
    assert f"1 {X} NotebookInstance" in svg


def test_cross_account_arrows_and_labels(assembly: Path) -> None:
    arrows = _arrows(_svg(assembly))
    assert arrows == {
        ("SharedServices/ServiceCatalog", "DataScience-team"): "portfolio share",
        ("DataLake/FeatureStore", "DataScience-team"): "assume role",
        ("DataScience-team/Access", "DataLake"): "assume role, resource link",
    }
    assert all(not source.startswith(f"{target}/") for source, target in arrows)  # never to its own account


def test_arrow_kinds() -> None:
    assert diagram.reason("AWS::IAM::Role", ["Principal", "AWS"], ["sts:AssumeRole"], "x") == ("assume role", True)
    assert diagram.reason("AWS::IAM::Policy", ["Resource"], ["s3:GetObject"], "x") == ("bucket read", False)
    principal = ["Principal", "DataLakePrincipalIdentifier"]
    assert diagram.reason("AWS::LakeFormation::PrincipalPermissions", principal, [], "1") == ("LF grant", True)
    env = ["Environment", "Variables", "ROLE_ARN"]
    assert diagram.reason("AWS::Lambda::Function", env, [], "arn:aws:iam::1:role/r") == ("assume role", False)


def test_output_is_deterministic(assembly: Path) -> None:
    first = diagram.generate(assembly)
    assert diagram.generate(assembly) == first
    assert "\r" not in first and first.endswith("</svg>\n")


def test_special_characters_are_escaped() -> None:
    stack = diagram_layout.Stack('S/a<&>"b', 'a<&>"b', "n", True, (f"1 {X} Thing",))
    stages = [diagram_layout.Stage("S", HUB, "r", (stack,)), diagram_layout.Stage("T&U", LAKE, "r", ())]
    arrow = diagram_layout.Arrow(stack.path, "T&U", "x<y", grant=False)
    root = _parse(diagram_layout.render_svg(stages, [arrow], "t & t"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert 'a<&>"b' in texts and "T&U" in texts and "x<y" in texts


def test_check_flags_a_stale_file(assembly: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "docs" / "architecture.svg"
    args = ["--cdk-out", str(assembly), "--out", str(out)]
    assert diagram.main([*args, "--check"]) == 1  # missing
    assert diagram.main(args) == 0
    assert diagram.main([*args, "--check"]) == 0
    out.write_text(out.read_text(encoding="utf-8").replace("FeatureStore", "Features"), encoding="utf-8")
    assert diagram.main([*args, "--check"]) == 1
    assert "out of date" in capsys.readouterr().err


def test_missing_assembly_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert diagram.main(["--cdk-out", str(tmp_path / "nowhere"), "--out", str(tmp_path / "a.svg")]) == 2
    assert "make synth" in capsys.readouterr().err
