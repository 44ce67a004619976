"""Clarify analysis configs of the bias and explainability monitors, from config (book ch11).

Plain Python: the monitoring stack writes these as JSON assets that the job definitions
reference (``ConfigUri``); the shapes follow what the SageMaker Python SDK's
``BiasAnalysisConfig`` and ``ExplainabilityAnalysisConfig`` emit for monitoring schedules.
"""

from __future__ import annotations

from typing import Any

from .schema.monitoring import MonitorConfig, MonitorType

CONTENT_TYPE = "text/csv"


def analysis_config(monitor: MonitorConfig) -> dict[str, Any]:
    """The analysis_config.json of a model_bias or model_explainability monitor."""
    if monitor.type == MonitorType.MODEL_BIAS:
        assert monitor.label is not None, "validated: a bias monitor has a label"
        return {
            "label": monitor.label,
            "headers": list(monitor.headers),
            "label_values_or_threshold": list(monitor.label_values),
            "facet": [{"name_or_index": f.name, "value_or_threshold": list(f.values)} for f in monitor.facets]
            if all(f.values for f in monitor.facets)
            else [{"name_or_index": f.name} for f in monitor.facets],
            "methods": {"post_training_bias": {"methods": "all"}},
            "predictor": _predictor(monitor),
        }
    if monitor.type == MonitorType.MODEL_EXPLAINABILITY:
        assert monitor.shap is not None, "validated: an explainability monitor has SHAP settings"
        return {
            "headers": list(monitor.headers),
            "methods": {
                "shap": {
                    "baseline": [list(row) for row in monitor.shap.baseline],
                    "num_samples": monitor.shap.num_samples,
                    "agg_method": monitor.shap.agg_method,
                    "use_logit": False,
                    "save_local_shap_values": True,
                }
            },
            "predictor": _predictor(monitor),
        }
    raise ValueError(f"{monitor.type.value} monitors take no Clarify analysis config")


def _predictor(monitor: MonitorConfig) -> dict[str, Any]:
    predictor: dict[str, Any] = {"content_type": CONTENT_TYPE, "accept_type": CONTENT_TYPE}
    if monitor.probability_threshold is not None:
        predictor["probability_threshold"] = monitor.probability_threshold
    if monitor.probability_attribute is not None:
        predictor["probability"] = monitor.probability_attribute
    return predictor
