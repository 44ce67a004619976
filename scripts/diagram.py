#!/usr/bin/env python3
"""Draw the platform's architecture as SVG from a synthesized cloud assembly (a review aid).

``python scripts/diagram.py [--out docs/architecture.svg] [--cdk-out cdk.out]`` reads ``cdk.out`` (written by
``make synth``) and writes accounts -> stacks -> key resources, with the cross-account references found in
the templates drawn as arrows. The output is byte-identical for the same assembly, so it can be committed;
``--check`` exits 1 when the file at --out is not what would be generated.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diagram_layout import Arrow, Stack, Stage, render_svg

ROOT = Path(__file__).resolve().parent.parent
TITLE = "ML platform: accounts, stacks and cross-account references"
STAGE_ORDER = ("SharedServices", "DataLake", "DataScience-", "Test", "Production")  # deploy order
ACCOUNT_ID = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
HASH_SUFFIX = re.compile(r"[0-9A-F]{8}$")
ENVIRONMENT = re.compile(r"aws://([^/]+)/([^/]+)")
TIMES = "\N{MULTIPLICATION SIGN}"
# The resource types worth a line in a stack box, in display order; everything else is "+N other".
CURATED: dict[str, str] = {
    "AWS::SageMaker::Domain": "SageMaker Domain",
    "AWS::SageMaker::UserProfile": "UserProfile",
    "AWS::SageMaker::FeatureGroup": "FeatureGroup",
    "AWS::SageMaker::NotebookInstanceLifecycleConfig": "Notebook LifecycleConfig",
    "AWS::SageMaker::NotebookInstance": "NotebookInstance",
    "AWS::SageMaker::ModelPackageGroup": "ModelPackageGroup",
    "AWS::ServiceCatalog::Portfolio": "Portfolio",
    "AWS::ServiceCatalog::CloudFormationProduct": "CloudFormationProduct",
    "AWS::ServiceCatalog::PortfolioShare": "PortfolioShare",
    "AWS::ServiceCatalog::AcceptedPortfolioShare": "AcceptedPortfolioShare",
    "AWS::S3::Bucket": "S3 Bucket",
    "AWS::KMS::Key": "KMS Key",
    "AWS::EC2::VPC": "VPC",
    "AWS::EC2::VPCEndpoint": "VPC Endpoint",
    "AWS::Kinesis::Stream": "Kinesis Stream",
    "AWS::Lambda::Function": "Lambda Function",
    "AWS::Glue::Job": "Glue Job",
    "AWS::Glue::Database": "Glue Database",
    "AWS::LakeFormation::PrincipalPermissions": "LF PrincipalPermissions",
    "AWS::IAM::Role": "IAM Role",
    "AWS::SNS::Topic": "SNS Topic",
}
# Where an account ID sits when the stack gives that account access, rather than using something there.
GRANT_KEYS = frozenset({"Principal", "aws:PrincipalArn", "aws:PrincipalAccount", "DataLakePrincipalIdentifier"})


def _json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def stage_rank(name: str) -> tuple[int, str]:
    for rank, known in enumerate(STAGE_ORDER):
        if name == known or (known.endswith("-") and name.startswith(known)):
            return rank, name
    return len(STAGE_ORDER), name


def summarize(template: dict[str, Any]) -> list[str]:
    """``2 x FeatureGroup`` lines (with a multiplication sign) for the curated types, then ``+N other``."""
    counts = Counter(str(r.get("Type", "?")) for r in template.get("Resources", {}).values())
    lines = [f"{counts[t]} {TIMES} {label}" for t, label in CURATED.items() if counts[t]]
    other = sum(n for t, n in counts.items() if t not in CURATED)
    return [*lines, f"+{other} other"] if other else lines


def read_assembly(cdk_out: Path) -> tuple[list[Stage], dict[str, dict[str, Any]]]:
    """The stages (one per nested assembly) in deploy order, and every stack's template by stack path."""
    manifest = cdk_out / "manifest.json"
    if not manifest.is_file():
        raise FileNotFoundError(f"no cloud assembly at {cdk_out} (no manifest.json): run `make synth` first")
    stages: list[Stage] = []
    templates: dict[str, dict[str, Any]] = {}
    for artifact in _json(manifest).get("artifacts", {}).values():
        if artifact.get("type") != "cdk:cloud-assembly":
            continue
        props = artifact.get("properties", {})
        folder = cdk_out / props["directoryName"]
        name = props.get("displayName") or props["directoryName"].removeprefix("assembly-")
        stacks: list[Stack] = []
        artifact_ids: dict[str, int] = {}
        account = region = "?"
        for artifact_id, stack in _json(folder / "manifest.json").get("artifacts", {}).items():
            if stack.get("type") != "aws:cloudformation:stack":
                continue
            sprops = stack.get("properties", {})
            env = ENVIRONMENT.fullmatch(stack.get("environment", ""))
            account, region = env.groups() if env else ("?", "?")
            path = stack.get("displayName") or artifact_id
            templates[path] = _json(folder / sprops["templateFile"])
            artifact_ids[HASH_SUFFIX.sub("", artifact_id)] = len(stacks)
            stacks.append(
                Stack(
                    path=path,
                    name=path.split("/")[-1],
                    stack_name=sprops.get("stackName", artifact_id),
                    protected=bool(sprops.get("terminationProtection", False)),
                    lines=tuple(summarize(templates[path])),
                )
            )
        for product in sorted(folder.glob("*.product.template.json")):
            stem = HASH_SUFFIX.sub("", product.name.removesuffix(".product.template.json"))
            owner = max((p for p in artifact_ids if stem.startswith(p)), key=len, default=None)
            if owner is None:
                continue
            i = artifact_ids[owner]
            lines = [f"product {stem.removeprefix(owner).removesuffix('Product')}:"]
            lines += [f"  {line}" for line in summarize(_json(product))]
            stacks[i] = replace(stacks[i], lines=(*stacks[i].lines, *lines))
        stages.append(Stage(name=name, account=account, region=region, stacks=tuple(stacks)))
    return sorted(stages, key=lambda s: stage_rank(s.name)), templates


def _strings(node: Any, keys: tuple[str, ...] = (), actions: tuple[str, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every string (and integer) in a template node with its key path and the enclosing policy statement's actions."""
    if isinstance(node, dict):
        if "Effect" in node:
            found = node.get("Action") or node.get("NotAction") or []
            found = [found] if isinstance(found, str) else found
            actions = tuple(a for a in found if isinstance(a, str)) if isinstance(found, list) else ()
        for key, value in node.items():
            yield from _strings(value, (*keys, str(key)), actions)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value, keys, actions)
    elif isinstance(node, str | int) and not isinstance(node, bool):
        yield keys, actions, str(node)


def reason(rtype: str, keys: Sequence[str], actions: Sequence[str], value: str) -> tuple[str, bool]:
    """A short label for why an account ID appears there, and whether it grants that account access."""
    acts = " ".join(actions).lower()
    grant = bool(GRANT_KEYS.intersection(keys)) or rtype == "AWS::ServiceCatalog::PortfolioShare"
    if rtype == "AWS::ServiceCatalog::PortfolioShare":
        return "portfolio share", grant
    if "TargetDatabase" in keys or "TargetTable" in keys:
        return "resource link", grant
    if rtype.startswith("AWS::LakeFormation::"):
        return "LF grant", grant
    if "sts:assumerole" in acts or (not acts and ":role/" in value):
        return "assume role", grant
    rules = (
        (("s3:put", "s3:delete"), "bucket write"),
        (("s3:",), "bucket read"),
        (("kms:decrypt",), "KMS decrypt"),
        (("kms:",), "KMS use"),
        (("ecr:", ":ecr:"), "image pull"),
        (("glue:", ":glue:"), "catalog read"),
    )
    for needles, label in rules:
        if any(n in acts or (n.startswith(":") and n in value) for n in needles):
            return label, grant
    if rtype == "AWS::SSM::Parameter":
        return "SSM parameter", grant
    return "reference", grant


def find_arrows(stages: Sequence[Stage], templates: dict[str, dict[str, Any]]) -> list[Arrow]:
    """Arrows from each stack to every other stage whose account ID its template mentions, de-duplicated."""
    owners: dict[str, list[str]] = {}
    for stage in stages:
        owners.setdefault(stage.account, []).append(stage.name)
    found: dict[tuple[str, str], set[tuple[str, bool]]] = {}
    for stage in stages:
        for stack in stage.stacks:
            for resource in templates[stack.path].get("Resources", {}).values():
                rtype = str(resource.get("Type", ""))
                for keys, actions, value in _strings(resource.get("Properties", {})):
                    for account in sorted(set(ACCOUNT_ID.findall(value)) - {stage.account}):
                        for target in owners.get(account, []):
                            found.setdefault((stack.path, target), set()).add(reason(rtype, keys, actions, value))
    order = {stack.path: (i, j) for i, s in enumerate(stages) for j, stack in enumerate(s.stacks)}
    rank = {s.name: i for i, s in enumerate(stages)}
    return [
        Arrow(source, target, ", ".join(sorted({label for label, _ in why})), any(g for _, g in why))
        for (source, target), why in sorted(found.items(), key=lambda kv: (order[kv[0][0]], rank[kv[0][1]]))
    ]


def generate(cdk_out: Path) -> str:
    stages, templates = read_assembly(cdk_out)
    return render_svg(stages, find_arrows(stages, templates), TITLE)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "architecture.svg", help="SVG file to write")
    parser.add_argument("--cdk-out", type=Path, default=ROOT / "cdk.out", help="synthesized cloud assembly")
    parser.add_argument("--check", action="store_true", help="exit 1 if --out differs from what would be generated")
    args = parser.parse_args(argv)
    try:
        svg = generate(args.cdk_out)
    except (FileNotFoundError, KeyError, ValueError) as error:
        print(f"diagram: cannot read the cloud assembly: {error}", file=sys.stderr)
        return 2
    data = svg.encode("utf-8")
    if args.check:
        if not args.out.is_file() or args.out.read_bytes() != data:
            print(
                f"{args.out} is out of date: regenerate it with `python scripts/diagram.py` (after `make synth`)",
                file=sys.stderr,
            )
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
