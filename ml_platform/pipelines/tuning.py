"""Hyperparameter tuning in place of the single training job (TR-7), and hyperparameter rendering."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ml_platform.schema.model_build import HyperparameterValue, ModelBuildConfig, TuningConfig

Json = dict[str, Any]


def hyperparameters(values: Mapping[str, HyperparameterValue]) -> dict[str, str]:
    """The API takes strings only; repr keeps floats exact (0.2 -> "0.2"), booleans as XGBoost spells them."""
    return {name: _hyperparameter(value) for name, value in values.items()}


def _hyperparameter(value: HyperparameterValue) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, float) else str(value)


def _number(value: float | None) -> str:
    assert value is not None  # ParameterRange guarantees bounds for continuous/integer ranges
    return str(int(value)) if value.is_integer() else repr(value)


def tuning_arguments(tuning: TuningConfig, build: ModelBuildConfig, training: Json) -> Json:
    """A CreateHyperParameterTuningJob request without the name (TR-7).

    The job template is the training request minus what the tuner owns: hyperparameters split into static and
    ranged, and no Debugger/Profiler configuration, which tuning jobs do not accept.
    """
    ranges: dict[str, list[Json]] = {f"{kind}ParameterRanges": [] for kind in ("Continuous", "Integer", "Categorical")}
    for name, spec in tuning.ranges.items():
        if spec.type == "categorical":
            ranges["CategoricalParameterRanges"].append({"Name": name, "Values": list(spec.values)})
        else:
            bounds = {"MinValue": _number(spec.min_value), "MaxValue": _number(spec.max_value)}
            key = "ContinuousParameterRanges" if spec.type == "continuous" else "IntegerParameterRanges"
            ranges[key].append({"Name": name, **bounds, "ScalingType": spec.scaling})
    algorithm = {
        "TrainingImage": training["AlgorithmSpecification"]["TrainingImage"],
        "TrainingInputMode": "File",
        # A private copy of the XGBoost image is not recognised as a built-in algorithm, so the tuner needs the
        # objective's regex; XGBoost logs "validation:rmse" as "#011validation-rmse:<value>".
        "MetricDefinitions": [{"Name": tuning.objective_metric, "Regex": _xgboost_regex(tuning.objective_metric)}],
    }
    job = {key: value for key, value in training.items() if key not in ("AlgorithmSpecification", "HyperParameters")}
    job["AlgorithmSpecification"] = algorithm
    job["StaticHyperParameters"] = {
        k: v for k, v in hyperparameters(build.training.hyperparameters).items() if k not in tuning.ranges
    }
    limits = {"MaxNumberOfTrainingJobs": tuning.max_jobs, "MaxParallelTrainingJobs": tuning.max_parallel_jobs}
    return {
        "HyperParameterTuningJobConfig": {
            "Strategy": tuning.strategy,
            "ResourceLimits": limits,
            # Hyperband stops jobs itself and refuses TrainingJobEarlyStoppingType other than Off.
            "TrainingJobEarlyStoppingType": "Off" if tuning.strategy == "Hyperband" else "Auto",
            "HyperParameterTuningJobObjective": {"Type": tuning.objective_type, "MetricName": tuning.objective_metric},
            "ParameterRanges": ranges,
        },
        "TrainingJobDefinition": job,
    }


def _xgboost_regex(metric: str) -> str:
    token = metric.replace(":", "-")
    return rf".*\[[0-9]+\].*#011{token}:([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*"
