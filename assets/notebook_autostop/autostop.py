"""Stop this SageMaker notebook instance once Jupyter has been idle long enough (book ch13).

Installed by the platform's notebook lifecycle configuration and run by cron every 5 minutes.
Standard library plus boto3 (present in the instance's JupyterSystemEnv); no internet needed:
the stop call goes through the VPC's sagemaker.api endpoint.
"""

from __future__ import annotations

import argparse
import json
import ssl
import sys
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

METADATA = "/opt/ml/metadata/resource-metadata.json"
# The instance's Python may be older than the platform's: no datetime.UTC (3.11+).
UTC = timezone.utc  # noqa: UP017


def parse_time(value: str) -> datetime:
    """Jupyter's ISO timestamps, e.g. 2026-11-25T18:00:00.123456Z."""
    return datetime.strptime(value.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z")


def is_idle(sessions: list[dict[str, Any]], now: datetime, idle: timedelta, uptime: timedelta) -> bool:
    """Idle when no kernel is busy and none was active within ``idle``.

    With no sessions at all, the instance counts as idle once it has been up for ``idle``,
    so a notebook started and forgotten still stops, but not right after it boots.
    """
    if not sessions:
        return uptime >= idle
    for session in sessions:
        kernel = session.get("kernel") or {}
        if kernel.get("execution_state") == "busy":
            return False
        last = kernel.get("last_activity")
        if last is None or now - parse_time(last) < idle:
            return False
    return True


def fetch_sessions(port: int) -> list[dict[str, Any]]:
    # Jupyter on a notebook instance serves localhost with a self-signed certificate.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with urllib.request.urlopen(f"https://localhost:{port}/api/sessions", context=context, timeout=10) as response:
        sessions: list[dict[str, Any]] = json.load(response)
    return sessions


def read_uptime() -> timedelta:
    with Path("/proc/uptime").open(encoding="ascii") as handle:
        return timedelta(seconds=float(handle.read().split()[0]))


def stop_instance() -> None:
    import boto3  # only on the instance, where JupyterSystemEnv provides it

    with Path(METADATA).open(encoding="utf-8") as handle:
        metadata = json.load(handle)
    region = metadata["ResourceArn"].split(":")[3]
    boto3.client("sagemaker", region_name=region).stop_notebook_instance(NotebookInstanceName=metadata["ResourceName"])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--idle-minutes", type=int, required=True)
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    idle = is_idle(fetch_sessions(args.port), datetime.now(UTC), timedelta(minutes=args.idle_minutes), read_uptime())
    print(f"{datetime.now(UTC).isoformat()} idle={idle}")
    if idle and not args.dry_run:
        stop_instance()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
