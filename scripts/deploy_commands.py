#!/usr/bin/env python3
"""Write the deploy commands into README.md and docs/runbook.md (``make docs``), from the one
deploy order in ml_platform/deploy_order.py and the example config (issue #18).

``--check`` exits 1 when a committed block differs (a test runs it); ``--print`` prints the
commands for another config (``--config config/<org>.yaml``), with its account IDs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml_platform.config import ConfigError, load_config  # noqa: E402
from ml_platform.deploy_order import deploy_commands, execution_policy_files, with_block  # noqa: E402
from ml_platform.topology import AccountKind  # noqa: E402

DOCUMENTS = (ROOT / "README.md", ROOT / "docs" / "runbook.md")
EXAMPLE = ROOT / "config" / "example.yaml"


def policy_files(kind: AccountKind) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in execution_policy_files(kind, ROOT / "bootstrap")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when README.md or the runbook is out of date")
    parser.add_argument("--print", action="store_true", help="print the commands instead of writing them")
    parser.add_argument("--config", type=Path, default=EXAMPLE)
    args = parser.parse_args(argv)
    try:
        lines = deploy_commands(load_config(args.config), policy_files)
    except ConfigError as err:
        print(err, file=sys.stderr)
        return 1
    if args.print:
        print("\n".join(lines))
        return 0
    stale = []
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        wanted = with_block(text, lines)
        if wanted != text:
            stale.append(str(document.relative_to(ROOT)))
            if not args.check:
                document.write_text(wanted, encoding="utf-8")
    if args.check and stale:
        print(f"deploy commands out of date in {', '.join(stale)}: run `make docs`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
