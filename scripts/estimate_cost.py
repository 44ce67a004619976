#!/usr/bin/env python3
"""Print the monthly idle cost of a synthesized app per account and resource class (issue #11).

Usage: make synth && python scripts/estimate_cost.py [--cdk-out cdk.out] [--total-only]
Each resource class is something a platform engineer can turn off or shrink in the config. The total is
split into the platform's overhead (what runs before anyone does any work), the workload the config asks
for (endpoint instances, monitoring schedules, streams) and what one more data science team adds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ml_platform.cost.estimate import WORKLOAD_CLASSES, estimate, load_prices, split, templates_in


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cdk-out", type=Path, default=Path("cdk.out"))
    parser.add_argument("--total-only", action="store_true", help="print only the total")
    parser.add_argument("--split-only", action="store_true", help="print only overhead, workload and per team")
    args = parser.parse_args()
    templates = templates_in(args.cdk_out)
    if not templates:
        print(f"no templates under {args.cdk_out}: run `make synth` first", file=sys.stderr)
        return 1
    prices = load_prices()
    totals = estimate(templates, prices)
    grand = sum(sum(classes.values()) for classes in totals.values())
    parts = split(totals)
    if args.total_only:
        print(f"{grand:.2f}")
        return 0
    if args.split_only:
        print(f"overhead {parts.overhead:.2f} workload {parts.workload:.2f} per_team {parts.per_team:.2f}")
        return 0
    print(f"Monthly idle cost estimate ({prices['currency']}, {prices['region']} prices; {prices['source']})\n")
    print("| account | resource class | kind | monthly |\n|---|---|---|---:|")
    for account in sorted(totals):
        for resource_class, cost in sorted(totals[account].items(), key=lambda kv: -kv[1]):
            kind = "workload" if resource_class in WORKLOAD_CLASSES else "overhead"
            print(f"| {account} | {resource_class} | {kind} | {cost:,.2f} |")
    print("\n| account | platform overhead | workload you asked for |\n|---|---:|---:|")
    for account, (overhead, workload) in sorted(parts.per_account.items()):
        print(f"| {account} | {overhead:,.2f} | {workload:,.2f} |")
    by_class: dict[str, float] = {}
    for classes in totals.values():
        for resource_class, cost in classes.items():
            by_class[resource_class] = by_class.get(resource_class, 0.0) + cost
    print("\nWhat each option costs across all accounts (turn off or shrink in the config):\n")
    for resource_class, cost in sorted(by_class.items(), key=lambda kv: -kv[1]):
        print(f"- {resource_class}: {cost:,.2f}")
    print(f"\nPlatform overhead: {parts.overhead:,.2f} per month")
    print(f"Workload you asked for: {parts.workload:,.2f} per month")
    print(f"Per additional data science team: {parts.per_team:,.2f} per month")
    print(f"Total: {grand:,.2f} per month")
    return 0


if __name__ == "__main__":
    sys.exit(main())
