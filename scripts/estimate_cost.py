#!/usr/bin/env python3
"""Print the monthly idle cost of a synthesized app per account and resource class (issue #11).

Usage: make synth && python scripts/estimate_cost.py [--cdk-out cdk.out] [--total-only]
Each resource class is something a platform engineer can turn off or shrink in the config.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ml_platform.cost.estimate import estimate, load_prices, templates_in


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cdk-out", type=Path, default=Path("cdk.out"))
    parser.add_argument("--total-only", action="store_true", help="print only the total")
    args = parser.parse_args()
    templates = templates_in(args.cdk_out)
    if not templates:
        print(f"no templates under {args.cdk_out}: run `make synth` first", file=sys.stderr)
        return 1
    prices = load_prices()
    totals = estimate(templates, prices)
    grand = sum(sum(classes.values()) for classes in totals.values())
    if args.total_only:
        print(f"{grand:.2f}")
        return 0
    print(f"Monthly idle cost estimate ({prices['currency']}, {prices['region']} prices; {prices['source']})\n")
    print("| account | resource class | monthly |\n|---|---|---:|")
    for account in sorted(totals):
        for resource_class, cost in sorted(totals[account].items(), key=lambda kv: -kv[1]):
            print(f"| {account} | {resource_class} | {cost:,.2f} |")
    by_class: dict[str, float] = {}
    for classes in totals.values():
        for resource_class, cost in classes.items():
            by_class[resource_class] = by_class.get(resource_class, 0.0) + cost
    print("\nWhat each option costs across all accounts (turn off or shrink in the config):\n")
    for resource_class, cost in sorted(by_class.items(), key=lambda kv: -kv[1]):
        print(f"- {resource_class}: {cost:,.2f}")
    print(f"\nTotal: {grand:,.2f} per month")
    return 0


if __name__ == "__main__":
    sys.exit(main())
