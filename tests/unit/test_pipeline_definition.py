"""The offline SageMaker Pipelines builder: the ch12 model build definition and the structural validator."""

from __future__ import annotations

import ast
import json
import socket
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ml_platform.config import load_config
from ml_platform.pipelines import definition as definition_module
from ml_platform.pipelines import model_build as model_build_module
from ml_platform.pipelines.definition import (
    Parameter,
    PipelineDefinition,
    PropertyFile,
    Step,
    condition_step,
    fail_step,
    json_get,
    parameter,
    step_property,
)
from ml_platform.pipelines.model_build import BuildTarget, model_build_definition
from ml_platform.pipelines.validate import DefinitionError, check_definition, validate_definition
from ml_platform.schema.model_build import Metric, ModelBuildConfig

ROOT = Path(__file__).resolve().parents[2]
CONFIG = load_config(ROOT / "config" / "example.yaml")
SPOT_BUILD = CONFIG.model_builds[0]  # spark processing, spot training, default Debugger rules
TUNING_BUILD = CONFIG.model_builds[1]
TARGET = BuildTarget(
    region="us-east-1",
    role_arn="arn:aws:iam::333333333333:role/SageMakerPipelineRole",
    bucket="openaq-weatherproduct-projects-333333333333-us-east-1",
    artefacts_uri="s3://openaq-artefacts-222222222222-us-east-1/weatherproduct/weather-pipeline",
    artefacts_key="arn:aws:kms:us-east-1:222222222222:key/11111111-1111-4111-8111-111111111111",
    volume_key="arn:aws:kms:us-east-1:333333333333:key/22222222-2222-4222-8222-222222222222",
    subnet_ids=("subnet-0aaa", "subnet-0bbb"),
    security_group_ids=("sg-0ccc",),
    image_registry="111111111111.dkr.ecr.us-east-1.amazonaws.com/openaq/",
)
VOLUME_KEY = TARGET.volume_key


def steps_by_name(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every step, branch steps included."""
    found: dict[str, dict[str, Any]] = {}

    def visit(steps: list[dict[str, Any]]) -> None:
        for step in steps:
            found[step["Name"]] = step
            if step["Type"] == "Condition":
                visit(step["Arguments"]["IfSteps"])
                visit(step["Arguments"]["ElseSteps"])

    visit(definition["Steps"])
    return found


@pytest.fixture(scope="module")
def spot() -> dict[str, Any]:
    return model_build_definition(SPOT_BUILD, TARGET)


@pytest.fixture(scope="module")
def tuned() -> dict[str, Any]:
    return model_build_definition(TUNING_BUILD, TARGET)


# --- The generated definitions ---


def test_step_names_and_types(spot: dict[str, Any], tuned: dict[str, Any]) -> None:
    assert [(s["Name"], s["Type"]) for s in spot["Steps"]] == [
        ("DataPreparation", "Processing"),
        ("ModelTrain", "Training"),
        ("ModelEvaluation", "Processing"),
        ("MetricCondition", "Condition"),
    ]
    gate = spot["Steps"][3]["Arguments"]
    assert [(s["Name"], s["Type"]) for s in gate["IfSteps"]] == [
        ("RegisterModel", "RegisterModel"),
        ("CreateModel", "Model"),  # batch_transform configured: offline scoring after registration
        ("BatchTransform", "Transform"),
    ]
    assert [(s["Name"], s["Type"]) for s in gate["ElseSteps"]] == [("MetricBelowThreshold", "Fail")]
    tuned_gate = tuned["Steps"][3]["Arguments"]
    assert [s["Name"] for s in tuned_gate["IfSteps"]] == ["RegisterModel"]  # no batch_transform
    assert gate["ElseSteps"][0]["Arguments"]["ErrorMessage"] == "mse did not meet 6.0; model not registered"
    assert [(s["Name"], s["Type"]) for s in tuned["Steps"]][1] == ("ModelTune", "Tuning")
    assert spot["Version"] == "2020-12-01"
    assert spot["PipelineExperimentConfig"]["TrialName"] == {"Get": "Execution.PipelineExecutionId"}


def test_batch_transform_scores_with_the_new_model_in_the_vpc(spot: dict[str, Any]) -> None:
    steps = {s["Name"]: s for s in spot["Steps"][3]["Arguments"]["IfSteps"]}
    model = steps["CreateModel"]["Arguments"]
    assert model["PrimaryContainer"]["ModelDataUrl"] == step_property("ModelTrain", "ModelArtifacts.S3ModelArtifacts")
    assert model["VpcConfig"]["Subnets"] and model["EnableNetworkIsolation"] is True
    transform = steps["BatchTransform"]["Arguments"]
    assert transform["ModelName"] == step_property("CreateModel", "ModelName")
    assert transform["TransformResources"]["VolumeKmsKeyId"] == TARGET.volume_key
    assert transform["TransformOutput"]["KmsKeyId"] == TARGET.volume_key
    assert transform["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"].endswith("/score/")


def test_parameters(spot: dict[str, Any]) -> None:
    params = {p["Name"]: (p["Type"], p["DefaultValue"]) for p in spot["Parameters"]}
    assert params == {
        "ProcessingInstanceType": ("String", "ml.m5.xlarge"),
        "ProcessingInstanceCount": ("Integer", 2),
        "TrainingInstanceType": ("String", "ml.m5.xlarge"),
        "ModelApprovalStatus": ("String", "PendingManualApproval"),
        "InputData": ("String", f"s3://{TARGET.bucket}/datasets/weather-pipeline/"),
    }


def test_spot_training_checkpoints(spot: dict[str, Any]) -> None:
    train = steps_by_name(spot)["ModelTrain"]["Arguments"]
    assert train["EnableManagedSpotTraining"] is True
    assert train["CheckpointConfig"]["S3Uri"] == f"s3://{TARGET.bucket}/pipelines/weather-pipeline/checkpoints/"
    stopping = train["StoppingCondition"]
    assert stopping["MaxWaitTimeInSeconds"] >= stopping["MaxRuntimeInSeconds"] == 3600
    assert train["HyperParameters"]["eta"] == "0.2"
    assert train["HyperParameters"]["max_depth"] == "5"
    assert train["OutputDataConfig"] == {"S3OutputPath": TARGET.artefacts_uri, "KmsKeyId": TARGET.artefacts_key}
    assert train["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] == step_property(
        "DataPreparation", "ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"
    )


def test_no_spot_means_no_checkpoint_or_wait() -> None:
    build = SPOT_BUILD.model_copy(update={"training": SPOT_BUILD.training.model_copy(update={"spot": False})})
    train = steps_by_name(model_build_definition(build, TARGET))["ModelTrain"]["Arguments"]
    assert train["EnableManagedSpotTraining"] is False
    assert "CheckpointConfig" not in train
    assert "MaxWaitTimeInSeconds" not in train["StoppingCondition"]


def with_metric(build: ModelBuildConfig, metric: Metric, threshold: float) -> ModelBuildConfig:
    evaluation = build.evaluation.model_copy(update={"metric": metric, "threshold": threshold})
    return build.model_copy(update={"evaluation": evaluation})


@pytest.mark.parametrize(
    ("build", "kind"),
    [
        (SPOT_BUILD, "LessThanOrEqualTo"),
        (TUNING_BUILD, "LessThanOrEqualTo"),
        (with_metric(SPOT_BUILD, Metric.R2, 0.8), "GreaterThanOrEqualTo"),
    ],
)
def test_metric_condition(build: ModelBuildConfig, kind: str) -> None:
    gate = steps_by_name(model_build_definition(build, TARGET))["MetricCondition"]["Arguments"]
    [condition] = gate["Conditions"]
    assert condition["Type"] == kind
    assert condition["RightValue"] == build.evaluation.threshold
    assert condition["LeftValue"] == json_get("ModelEvaluation", "EvaluationReport", build.evaluation.metric.json_path)
    assert condition["LeftValue"]["Std:JsonGet"]["Path"] == build.evaluation.metric.json_path


def test_spark_and_python_entrypoints(spot: dict[str, Any], tuned: dict[str, Any]) -> None:
    spark = steps_by_name(spot)["DataPreparation"]["Arguments"]
    python = steps_by_name(tuned)["DataPreparation"]["Arguments"]
    code = "/opt/ml/processing/input/code/preprocess.py"
    assert spark["AppSpecification"]["ContainerEntrypoint"] == ["smspark-submit", code]
    assert python["AppSpecification"]["ContainerEntrypoint"] == ["python3", code]
    assert "conf" in [i["InputName"] for i in spark["ProcessingInputs"]]
    assert "conf" not in [i["InputName"] for i in python["ProcessingInputs"]]
    data = next(i for i in spark["ProcessingInputs"] if i["InputName"] == "data")
    assert data["S3Input"]["S3Uri"] == parameter("InputData")


def test_tuning_step(tuned: dict[str, Any]) -> None:
    steps = steps_by_name(tuned)
    assert "ModelTrain" not in steps
    config = steps["ModelTune"]["Arguments"]["HyperParameterTuningJobConfig"]
    ranges = config["ParameterRanges"]
    eta = next(r for r in ranges["ContinuousParameterRanges"] if r["Name"] == "eta")
    assert (eta["MinValue"], eta["MaxValue"]) == ("0", "1")
    assert ranges["IntegerParameterRanges"] == [
        {"Name": "max_depth", "MinValue": "1", "MaxValue": "10", "ScalingType": "Auto"}
    ]
    assert config["ResourceLimits"] == {"MaxNumberOfTrainingJobs": 10, "MaxParallelTrainingJobs": 2}
    assert config["HyperParameterTuningJobObjective"] == {"Type": "Minimize", "MetricName": "validation:rmse"}
    job = steps["ModelTune"]["Arguments"]["TrainingJobDefinition"]
    assert "DebugRuleConfigurations" not in job and "ProfilerConfig" not in job
    assert job["EnableManagedSpotTraining"] is True and "CheckpointConfig" in job
    model_data = {
        "Std:Join": {
            "On": "/",
            "Values": [
                TARGET.artefacts_uri,
                {"Get": "Steps.ModelTune.TrainingJobSummaries[0].TrainingJobName"},
                "output/model.tar.gz",
            ],
        }
    }
    assert steps["RegisterModel"]["Arguments"]["InferenceSpecification"]["Containers"][0]["ModelDataUrl"] == model_data
    model_input = next(
        i for i in steps["ModelEvaluation"]["Arguments"]["ProcessingInputs"] if i["InputName"] == "model"
    )
    assert model_input["S3Input"]["S3Uri"] == model_data


def test_static_hyperparameters_exclude_tuned_names() -> None:
    training = TUNING_BUILD.training.model_copy(update={"hyperparameters": {"eta": 0.3, "num_round": 50}})
    tuned = model_build_definition(TUNING_BUILD.model_copy(update={"training": training}), TARGET)
    job = steps_by_name(tuned)["ModelTune"]["Arguments"]["TrainingJobDefinition"]
    assert job["StaticHyperParameters"] == {"num_round": "50"}


def test_registered_image_defaults_to_the_training_image() -> None:
    registration = SPOT_BUILD.registration.model_copy(update={"image": None})
    built = model_build_definition(SPOT_BUILD.model_copy(update={"registration": registration}), TARGET)
    container = steps_by_name(built)["RegisterModel"]["Arguments"]["InferenceSpecification"]["Containers"][0]
    assert container["Image"] == TARGET.image_registry + "weather-training:1.7-1"


def test_register_model(spot: dict[str, Any]) -> None:
    register = steps_by_name(spot)["RegisterModel"]["Arguments"]
    assert register["ModelPackageGroupName"] == "weather-pollution"
    assert register["ModelApprovalStatus"] == parameter("ModelApprovalStatus")
    container = register["InferenceSpecification"]["Containers"][0]
    assert container["ModelDataUrl"] == step_property("ModelTrain", "ModelArtifacts.S3ModelArtifacts")
    assert container["Image"] == TARGET.image_registry + "weather-inference:1.7-1"  # registration.image
    report = register["ModelMetrics"]["ModelQuality"]["Statistics"]["S3Uri"]["Std:Join"]["Values"]
    assert report[0] == step_property("ModelEvaluation", "ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri")


def test_debugger_rules(spot: dict[str, Any], tuned: dict[str, Any]) -> None:
    train = steps_by_name(spot)["ModelTrain"]["Arguments"]
    rules = {r["RuleConfigurationName"]: r for r in train["DebugRuleConfigurations"]}
    assert set(rules) == {"LossNotDecreasing", "Overfit"}
    image = "503895931360.dkr.ecr.us-east-1.amazonaws.com/sagemaker-debugger-rules:latest"
    assert {r["RuleEvaluatorImage"] for r in rules.values()} == {image}
    assert rules["LossNotDecreasing"]["RuleParameters"] == {
        "rule_to_invoke": "LossNotDecreasing",
        "collection_names": "metrics",
    }
    assert train["DebugHookConfig"]["CollectionConfigurations"] == [{"CollectionName": "metrics"}]
    assert train["ProfilerConfig"]["S3OutputPath"].endswith("/pipelines/weather-pipeline/profiler-output")
    build = SPOT_BUILD.model_copy(update={"training": SPOT_BUILD.training.model_copy(update={"debugger_rules": ()})})
    plain = steps_by_name(model_build_definition(build, TARGET))["ModelTrain"]["Arguments"]
    assert "DebugRuleConfigurations" not in plain and "DebugHookConfig" not in plain


@pytest.mark.parametrize("which", ["spot", "tuned"])
def test_every_job_is_private_and_encrypted(which: str, request: pytest.FixtureRequest) -> None:
    steps = steps_by_name(request.getfixturevalue(which))
    vpc = {"Subnets": ["subnet-0aaa", "subnet-0bbb"], "SecurityGroupIds": ["sg-0ccc"]}
    for name in ("DataPreparation", "ModelEvaluation"):
        args = steps[name]["Arguments"]
        assert args["NetworkConfig"]["VpcConfig"] == vpc, name
        assert args["NetworkConfig"]["EnableInterContainerTrafficEncryption"] is True, name
        assert args["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"] == VOLUME_KEY, name
        assert args["ProcessingOutputConfig"]["KmsKeyId"] == VOLUME_KEY, name
    train = steps.get("ModelTrain") or steps["ModelTune"]
    job = train["Arguments"].get("TrainingJobDefinition", train["Arguments"])
    assert job["VpcConfig"] == vpc
    assert job["EnableInterContainerTrafficEncryption"] is True
    assert job["ResourceConfig"]["VolumeKmsKeyId"] == VOLUME_KEY
    assert job["OutputDataConfig"]["KmsKeyId"] == TARGET.artefacts_key


def test_cache_config(spot: dict[str, Any]) -> None:
    steps = steps_by_name(spot)
    for name in ("DataPreparation", "ModelTrain", "ModelEvaluation"):
        assert steps[name]["CacheConfig"] == {"Enabled": True, "ExpireAfter": "T360m"}, name
    uncached = steps_by_name(model_build_definition(SPOT_BUILD.model_copy(update={"cache_minutes": 0}), TARGET))
    assert not any("CacheConfig" in step for step in uncached.values())


def test_evaluation_property_file(spot: dict[str, Any]) -> None:
    evaluation = steps_by_name(spot)["ModelEvaluation"]
    assert evaluation["PropertyFiles"] == [
        {"PropertyFileName": "EvaluationReport", "OutputName": "evaluation", "FilePath": "evaluation.json"}
    ]
    assert [o["OutputName"] for o in evaluation["Arguments"]["ProcessingOutputConfig"]["Outputs"]] == ["evaluation"]


def test_generated_definitions_validate_and_serialise(spot: dict[str, Any], tuned: dict[str, Any]) -> None:
    for definition in (spot, tuned):
        assert validate_definition(definition) == []
        assert json.loads(json.dumps(definition)) == definition


def test_cdk_tokens_pass_through() -> None:
    target = replace(TARGET, bucket="${Token[TOKEN.123]}", role_arn="${Token[TOKEN.7]}")
    definition = model_build_definition(SPOT_BUILD, target)
    assert steps_by_name(definition)["DataPreparation"]["Arguments"]["RoleArn"] == "${Token[TOKEN.7]}"


# --- The validator on hand-made broken definitions ---


def pipeline(*steps: Step, params: tuple[Parameter, ...] = ()) -> dict[str, Any]:
    return PipelineDefinition(params, steps).to_dict()


def one_problem(definition: dict[str, Any], *words: str) -> None:
    problems = validate_definition(definition)
    assert problems, "expected a problem"
    assert any(all(word in problem for word in words) for problem in problems), problems
    with pytest.raises(DefinitionError, match=words[0]):
        check_definition(definition)


def test_unknown_depends_on() -> None:
    one_problem(pipeline(Step("A", "Processing", {}, depends_on=("Nope",))), "'A'", "Nope")


def test_undeclared_parameter() -> None:
    one_problem(pipeline(Step("A", "Processing", {"X": [{"Y": parameter("Missing")}]})), "'A'", "Missing")
    declared = pipeline(Step("A", "Processing", {"X": parameter("P")}), params=(Parameter("P", "String", ""),))
    assert validate_definition(declared) == []


def test_reference_to_missing_step() -> None:
    one_problem(pipeline(Step("A", "Processing", {"In": step_property("Ghost", "Outputs")})), "'A'", "Ghost")


def test_reference_to_a_later_step_is_not_an_ancestor() -> None:
    definition = pipeline(
        Step("A", "Processing", {"In": step_property("B", "ProcessingOutputConfig")}),
        Step("B", "Processing", {}, depends_on=("A",)),
    )
    one_problem(definition, "'A'", "'B'", "not an ancestor")
    assert any("cycle" in p and "A, B" in p for p in validate_definition(definition))


def test_self_reference_and_depends_on_cycle() -> None:
    one_problem(pipeline(Step("A", "Processing", {"In": step_property("A", "X")})), "'A'", "itself")
    cycle = pipeline(Step("A", "P", {}, depends_on=("B",)), Step("B", "P", {}, depends_on=("A",)))
    one_problem(cycle, "cycle", "A, B")


def test_undeclared_property_file() -> None:
    evaluation = Step("Eval", "Processing", {}, property_files=(PropertyFile("Report", "evaluation", "e.json"),))
    gate = condition_step(
        "Gate", [{"Type": "Equals", "LeftValue": json_get("Eval", "Other", "a.b"), "RightValue": 1}], []
    )
    one_problem(pipeline(evaluation, gate), "'Gate'", "Other", "'Eval'")
    fine = condition_step(
        "Gate", [{"Type": "Equals", "LeftValue": json_get("Eval", "Report", "a"), "RightValue": 1}], []
    )
    assert validate_definition(pipeline(evaluation, fine)) == []


def test_duplicate_step_names_across_branches() -> None:
    gate = condition_step("Gate", [], [Step("A", "Processing", {})], [fail_step("A", "no")])
    one_problem(pipeline(gate), "duplicate", "'A'")


def test_bad_step_name() -> None:
    one_problem(pipeline(Step("has space", "Processing", {})), "has space")
    one_problem(pipeline(Step("x" * 65, "Processing", {})), "x" * 65)


def test_branch_steps_inherit_the_condition_dependencies() -> None:
    """A branch step may read what its condition's ancestors produced; a sibling branch step may not read it."""
    train = Step("Train", "Training", {})
    evaluate = Step("Eval", "Processing", {"M": step_property("Train", "ModelArtifacts")})
    register = Step("Register", "RegisterModel", {"M": step_property("Train", "ModelArtifacts")})
    gate = condition_step(
        "Gate", [{"Type": "Equals", "LeftValue": step_property("Eval", "X"), "RightValue": 1}], [register]
    )
    assert validate_definition(pipeline(train, evaluate, gate)) == []
    # The condition reading a step in its own branch is a cycle.
    inner = condition_step(
        "Gate",
        [{"Type": "Equals", "LeftValue": step_property("R", "X"), "RightValue": 1}],
        [Step("R", "RegisterModel", {})],
    )
    one_problem(pipeline(inner), "'Gate'", "'R'", "not an ancestor")


def test_non_json_values_are_ignored() -> None:
    definition = pipeline(Step("A", "Processing", {"Token": "${Token[TOKEN.1]}", "N": 3, "F": 1.5, "B": None}))
    assert validate_definition(definition) == []
    assert validate_definition({"Steps": []}) == ["definition has no Version"]


# --- Offline: no AWS SDK, no network ---


def test_builds_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network or AWS API used while building a pipeline definition")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    botocore_client = pytest.importorskip("botocore.client")
    monkeypatch.setattr(botocore_client.BaseClient, "_make_api_call", refuse)
    assert validate_definition(model_build_definition(SPOT_BUILD, TARGET)) == []
    assert validate_definition(model_build_definition(TUNING_BUILD, TARGET)) == []


@pytest.mark.parametrize("module", [definition_module, model_build_module])
def test_no_aws_sdk_imports(module: object) -> None:
    source = Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8")
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported, "parsed no imports"
    assert not imported & {"boto3", "botocore", "sagemaker", "aiobotocore"}
