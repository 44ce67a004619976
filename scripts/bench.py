#!/usr/bin/env python3
"""`make bench`: synth speed of the platform against a trivial CDK app, and the test suite time.

Every number is a wall-clock median of real runs on this machine; nothing is estimated.
Targets (issue #3): full synth <= 3x the trivial app; synth time per resource roughly
constant when the config doubles (linear growth).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from synth_floor import measure as node_only  # noqa: E402  (scripts/, this file's folder)

from ml_platform.context import prefer_venv_node  # noqa: E402
from ml_platform.cost.estimate import estimate, load_prices, split, templates_in  # noqa: E402
from ml_platform.large_config import large_config  # noqa: E402

EXAMPLE = ROOT / "config" / "example.yaml"


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def _synth(config: Path, outdir: Path, runs: int) -> tuple[float, int]:
    """Median seconds of `python app.py` for ``config`` and the resources it synthesizes."""
    env = dict(os.environ, CDK_OUTDIR=str(outdir), CDK_CONTEXT_JSON=json.dumps({"config": str(config)}))
    seconds = statistics.median(_timed([sys.executable, "app.py"], env) for _ in range(runs))
    resources = sum(
        len(json.loads(p.read_text()).get("Resources", {})) for p in outdir.glob("assembly-*/*.template.json")
    )
    return seconds, resources


def doubled_config(target: Path) -> Path:
    """The example with twice the account stages (extra data science teams)."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    teams = data["accounts"]["data_science"]
    stages = 4 + len(teams)
    for i in range(stages):
        team = json.loads(json.dumps(teams[i % len(teams)]))
        team.update(name=f"bench{i:02d}", account_id=f"9{i:011d}", vpc={"cidr": f"10.{100 + i}.0.0/16"})
        teams.append(team)
    target.write_text(yaml.safe_dump(data, sort_keys=False))
    return target


def _ingestion_bench(runs: int) -> dict[str, float]:
    """tests/lambda/bench_feature_ingestion.py (a file, not a module: ``lambda`` is a keyword)."""
    spec = importlib.util.spec_from_file_location(
        "bench_feature_ingestion", ROOT / "tests" / "lambda" / "bench_feature_ingestion.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result: dict[str, float] = module.run(records=500, repeats=max(runs, 3))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--no-tests", action="store_true", help="skip timing the test suite")
    args = parser.parse_args()
    prefer_venv_node()
    # CDK's validation on for every synth timed here, as for `make synth` and the floor's replays
    env = {k: v for k, v in os.environ.items() if k != "CDK_VALIDATION"}
    os.environ.pop("CDK_VALIDATION", None)  # _synth builds its environment from os.environ
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _synth(EXAMPLE, work / "warm", 1)  # warm the jsii package cache before timing
        trivial = statistics.median(
            _timed([sys.executable, "scripts/bench_trivial_app.py"], dict(env, CDK_OUTDIR=str(work / "t")))
            for _ in range(args.runs)
        )
        example_s, example_r = _synth(EXAMPLE, work / "example", args.runs)
        floor = node_only(
            "app.py", work / "floor", dict(env, CDK_CONTEXT_JSON=json.dumps({"config": str(EXAMPLE)})), args.runs
        )
        trivial_floor = node_only("scripts/bench_trivial_app.py", work / "trivial-floor", env, args.runs)
        prices = load_prices()
        example_costs = estimate(templates_in(work / "example"), prices)
        idle = sum(sum(c.values()) for c in example_costs.values())
        parts = split(example_costs)
        double_s, double_r = _synth(doubled_config(work / "double.yaml"), work / "double", args.runs)
        large_file = work / "large.yaml"
        large_file.write_text(yaml.safe_dump(large_config(yaml.safe_load(EXAMPLE.read_text()))))
        large_s, large_r = _synth(large_file, work / "large", args.runs)
        lean = yaml.safe_load(EXAMPLE.read_text())
        lean["network"]["cost_profile"] = "lean"
        (work / "lean.yaml").write_text(yaml.safe_dump(lean))
        _synth(work / "lean.yaml", work / "lean", 1)  # for its cost only
        costs = {
            name: split(estimate(templates_in(work / name), load_prices())) for name in ("lean", "double", "large")
        }
        teams = {
            "example": len(lean["accounts"]["data_science"]),
            "double": len(yaml.safe_load((work / "double.yaml").read_text())["accounts"]["data_science"]),
            "large": len(yaml.safe_load(large_file.read_text())["accounts"]["data_science"]),
        }
        profile = json.loads(
            subprocess.run(
                [sys.executable, "scripts/profile_synth.py", str(large_file), str(work / "profile")],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        tests = None if args.no_tests else _timed([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"], env)
    rows = [
        ("trivial one-bucket app synth", f"{trivial:.2f} s", ""),
        (
            "example platform synth",
            f"{example_s:.2f} s",
            f"{example_r} resources, {1000 * example_s / example_r:.1f} ms/resource",
        ),
        ("ratio example / trivial", f"{example_s / trivial:.2f}x", "target <= 3x"),
        (
            "example synth, Node's side only (scripts/synth_floor.py)",
            f"{floor.seconds:.2f} s = {floor.seconds / trivial:.2f}x the trivial synth",
            "this synth's recorded jsii requests replayed into a fresh kernel, no Python between them, "
            "CDK's validation on, output checked identical: the ratio cannot go below this while the app "
            "makes these same calls; phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in floor.phases.items()),
        ),
        (
            "  the same replay with CDK_VALIDATION=false",
            f"{floor.no_validation_seconds:.2f} s",
            f"the difference, {floor.seconds - floor.no_validation_seconds:.2f} s, is Node's time for CDK's "
            "CloudFormation validation; the trivial app's: "
            f"{trivial_floor.seconds - trivial_floor.no_validation_seconds:.2f} s "
            f"(its Node side {trivial_floor.seconds:.2f} s)",
        ),
        (
            "doubled config synth",
            f"{double_s:.2f} s",
            f"{double_r} resources, {1000 * double_s / double_r:.1f} ms/resource",
        ),
        (
            "marginal cost of the added resources",
            f"{1000 * (double_s - example_s) / (double_r - example_r):.1f} ms/resource",
            "jsii start-up is the fixed part",
        ),
        (
            "growth: time ratio / resource ratio",
            f"{(double_s / example_s) / (double_r / example_r):.2f}",
            "<= 1 means no worse than linear",
        ),
        (
            "large config synth (20 teams, 100 endpoints)",
            f"{large_s:.2f} s",
            f"{large_r} resources, {1000 * large_s / large_r:.1f} ms/resource",
        ),
        (
            "marginal cost doubled -> large",
            f"{1000 * (large_s - double_s) / (large_r - double_r):.1f} ms/resource",
            "vs the example -> doubled marginal cost: within +-30% means linear growth",
        ),
        (
            "large config: where the time goes",
            f"build {profile['build_seconds']} s (jsii {profile['build_jsii_seconds']} s), "
            f"synth {profile['synth_seconds']} s",
            "build = Python constructs and their jsii calls; synth = Node: templates, rule packs",
        ),
    ]
    rows.append(
        (
            "example config idle cost (scripts/estimate_cost.py)",
            f"{idle:,.0f} {prices['currency']}/month",
            "list prices recorded 2026-11; per class: python scripts/estimate_cost.py",
        )
    )
    rows.append(
        (
            "example: platform overhead / workload / per additional team",
            f"{parts.overhead:,.0f} / {parts.workload:,.0f} / {parts.per_team:,.0f} {prices['currency']}/month",
            "overhead runs before anyone works; workload = endpoint instances, monitoring, streams (issue #21)",
        )
    )
    rows.append(
        (
            "example, lean cost profile: platform overhead",
            f"{costs['lean'].overhead:,.0f} {prices['currency']}/month",
            "network.cost_profile: lean (interface endpoints in one AZ everywhere); target <= 150",
        )
    )
    shapes = {"example": parts, "double": costs["double"], "large": costs["large"]}
    rows.append(
        (
            "platform overhead = fixed part + teams x per team",
            ", ".join(
                f"{teams[n]} teams: {c.overhead:,.0f} = {c.overhead - teams[n] * c.per_team:,.0f} + "
                f"{teams[n]} x {c.per_team:,.0f}"
                for n, c in shapes.items()
            ),
            "USD/month; per team = a data science account's own overhead (its endpoints, keys): linear in teams, "
            "it differs only with what a team gets (portfolio, curated tables, feature store)",
        )
    )
    ingestion = _ingestion_bench(args.runs)
    rows.append(
        (
            "feature ingestion Lambda, 500-record batch (stub client, no network)",
            f"{ingestion['records_per_second']:,.0f} records/s",
            "target >= 5,000 records/s",
        )
    )
    rows.append(("feature ingestion handler cold import", f"{ingestion['cold_import_ms']:.0f} ms", "target <= 300 ms"))
    if tests is not None:
        rows.append(("test suite (pytest, wall)", f"{tests:.1f} s", "target <= 90 s on 2 cores"))
    print(f"| measurement ({args.runs} runs, median) | value | note |\n|---|---|---|")
    for name, value, note in rows:
        print(f"| {name} | {value} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
