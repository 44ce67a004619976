"""Cross-reference checks of monitoring, retraining, observability (issue #9) and budgets (issue #11).

Messages start with the field path, like every config error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .monitoring_images import CLARIFY_REGISTRIES, MODEL_MONITOR_REGISTRIES

if TYPE_CHECKING:
    from .config import PlatformConfig


def check_monitoring(config: PlatformConfig) -> None:
    endpoints = {e.name: e for e in config.endpoints}
    seen: set[tuple[str, str]] = set()
    for i, monitor in enumerate(config.monitors):
        endpoint = endpoints.get(monitor.endpoint)
        if endpoint is None:
            raise ValueError(f"monitors[{i}].endpoint: '{monitor.endpoint}' is not in 'endpoints'")
        key = (monitor.endpoint, monitor.type.value)
        if key in seen:
            raise ValueError(f"monitors[{i}]: a {key[1]} monitor for '{key[0]}' already exists")
        seen.add(key)
        if endpoint.capture is None:
            raise ValueError(
                f"monitors[{i}].endpoint: '{monitor.endpoint}' captures no data (serverless, or "
                "data_capture.enabled: false); a monitor reads captured requests"
            )
        if endpoint.async_inference is not None:
            raise ValueError(f"monitors[{i}].endpoint: '{monitor.endpoint}' is asynchronous; monitors watch real-time")
    region = config.organisation.region
    if config.monitors and (region not in MODEL_MONITOR_REGISTRIES or region not in CLARIFY_REGISTRIES):
        raise ValueError(f"monitors: region {region} has no Model Monitor and Clarify images")
    monitored = {m.endpoint for m in config.monitors}
    pipelines = {b.name for b in config.model_builds}
    for i, retraining in enumerate(config.retraining):
        if retraining.endpoint not in monitored:
            raise ValueError(f"retraining[{i}].endpoint: '{retraining.endpoint}' has no monitors to trigger it")
        if retraining.pipeline not in pipelines:
            raise ValueError(f"retraining[{i}].pipeline: '{retraining.pipeline}' is not in 'model_builds'")
    sink = config.observability.sink_arn
    if sink is not None and sink.split(":")[3] != region:
        raise ValueError(f"observability.sink_arn: a link needs a sink in {region}, not {sink.split(':')[3]}")
    slugs = {"shared", "datalake", "test", "prod", *(t.name for t in config.accounts.data_science)}
    unknown = sorted(set(config.budgets.monthly_usd) - slugs)
    if unknown:
        raise ValueError(f"budgets.monthly_usd: {', '.join(unknown)} is not an account ({', '.join(sorted(slugs))})")
