"""The model build pipeline of book ch12 as a SageMaker Pipelines definition (WF-1..WF-6), built offline.

DataPreparation -> ModelTrain (or ModelTune, TR-7) -> ModelEvaluation -> MetricCondition
    -> RegisterModel (gate met, REG-8) | MetricBelowThreshold (Fail).

The team uploads ``preprocess.py``, ``evaluation.py`` (and for Spark ``configuration.json``) to
``s3://<bucket>/pipelines/<name>/code/``: the definition names those objects and never embeds code, so a script
change needs no redeploy and the template stays small.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ml_platform.schema.governance import ModelLifecycleConfig
from ml_platform.schema.model_build import (
    DebuggerRule,
    ModelBuildConfig,
    ProcessingEngine,
)

from .batch_transform import batch_transform_steps
from .debugger_images import rule_evaluator_image
from .definition import (
    Parameter,
    PipelineDefinition,
    PropertyFile,
    Step,
    condition_step,
    execution,
    fail_step,
    join,
    json_get,
    parameter,
    step_property,
)
from .governance import registration_governance
from .tuning import hyperparameters, tuning_arguments
from .validate import check_definition

Json = dict[str, Any]
Cluster = tuple[Any, Any, int]  # instance type, instance count (values or parameters), volume GB
PREPARE, TRAIN, TUNE, EVALUATE = "DataPreparation", "ModelTrain", "ModelTune", "ModelEvaluation"
GATE, REGISTER, FAIL = "MetricCondition", "RegisterModel", "MetricBelowThreshold"
CODE_DIR = "/opt/ml/processing/input/code"
LIFECYCLE = ModelLifecycleConfig()  # the config's defaults
SPLITS = ("train", "validation", "test")
EVALUATION_VOLUME_GB = 30


@dataclass(frozen=True)
class BuildTarget:
    """Where a pipeline runs; values may be CDK token strings (resolved by CloudFormation)."""

    region: str
    role_arn: str  # pipeline + job execution role
    bucket: str  # team projects bucket: processing outputs, checkpoints, code, evaluation
    artefacts_uri: str  # s3 prefix for model artefacts, e.g. "s3://<shared-artefacts-bucket>/<team>/<pipeline>"
    artefacts_key: str  # KMS key for model output (OutputDataConfig.KmsKeyId)
    volume_key: str  # KMS key ARN for volumes and processing outputs
    subnet_ids: Sequence[str]
    security_group_ids: Sequence[str]
    image_registry: str  # e.g. "111111111111.dkr.ecr.us-east-1.amazonaws.com/openaq/"; + "weather-training:1.7-1"


def model_build_definition(
    build: ModelBuildConfig, target: BuildTarget, lifecycle: ModelLifecycleConfig = LIFECYCLE
) -> Json:
    """Return the definition dict; calls check_definition before returning."""
    paths = _Paths(build.name, target.bucket)
    if build.tuning:  # the tuner's best job comes first in TrainingJobSummaries
        best_job = step_property(TUNE, "TrainingJobSummaries[0].TrainingJobName")
        model_data: Any = join("/", [target.artefacts_uri, best_job, "output/model.tar.gz"])
    else:
        model_data = step_property(TRAIN, "ModelArtifacts.S3ModelArtifacts")
    register = _register_step(build, target, model_data, lifecycle)
    metric = build.evaluation.metric
    condition = {  # REG-8 / WF-4: register only at or better than the threshold, e.g. mse <= 6.0
        "Type": "LessThanOrEqualTo" if metric.lower_is_better else "GreaterThanOrEqualTo",
        "LeftValue": json_get(EVALUATE, "EvaluationReport", metric.json_path),
        "RightValue": build.evaluation.threshold,
    }
    failed = fail_step(FAIL, f"{metric.value} did not meet {build.evaluation.threshold}; model not registered")
    scoring = []
    if build.batch_transform is not None:
        scoring = batch_transform_steps(
            build.batch_transform,
            pipeline=build.name,
            bucket=target.bucket,
            image=target.image_registry + (build.registration.image or build.training.image),
            model_data=model_data,
            role_arn=target.role_arn,
            volume_key=target.volume_key,
            vpc=_vpc(target),
        )
    gate = condition_step(GATE, [condition], if_steps=[register, *scoring], else_steps=[failed])
    training = _training_arguments(build, target, paths, with_debugger=build.tuning is None)
    train = (
        Step(TUNE, "Tuning", tuning_arguments(build.tuning, build, training), cache_minutes=build.cache_minutes)
        if build.tuning
        else Step(TRAIN, "Training", training, cache_minutes=build.cache_minutes)
    )
    definition = PipelineDefinition(
        parameters=(  # WF-1: overridable per execution
            Parameter("ProcessingInstanceType", "String", build.processing.instance_type),
            Parameter("ProcessingInstanceCount", "Integer", build.processing.instance_count),
            Parameter("TrainingInstanceType", "String", build.training.instance_type),
            Parameter("ModelApprovalStatus", "String", "PendingManualApproval"),  # REG-4: a human approves
            Parameter("InputData", "String", build.input_data or f"s3://{target.bucket}/datasets/{build.name}/"),
        ),
        steps=(
            _preparation_step(build, target, paths),
            train,
            _evaluation_step(build, target, paths, model_data),
            gate,
        ),
    ).to_dict()
    check_definition(definition)
    return definition


@dataclass(frozen=True)
class _Paths:
    name: str
    bucket: str

    def prefix(self, suffix: str) -> str:
        return f"s3://{self.bucket}/pipelines/{self.name}/{suffix}"

    def per_execution(self, output: str) -> Json:
        """Outputs go under the execution id so runs never overwrite each other's data."""
        return join("/", ["s3:/", self.bucket, "pipelines", self.name, execution("PipelineExecutionId"), output])


def _preparation_step(build: ModelBuildConfig, target: BuildTarget, paths: _Paths) -> Step:
    processing = build.processing
    launcher = "smspark-submit" if processing.engine is ProcessingEngine.SPARK else "python3"
    inputs = [_input("code", paths.prefix("code/preprocess.py"), CODE_DIR)]
    if processing.engine is ProcessingEngine.SPARK:
        # The SageMaker Spark container reads spark-defaults from conf/configuration.json; the team's file carries
        # the DP-6 values (spark.executor/driver.memory 18g, spark.executor/driver.memoryOverhead 3g).
        inputs.append(_input("conf", paths.prefix("code/configuration.json"), "/opt/ml/processing/input/conf"))
    inputs.append(_input("data", parameter("InputData"), "/opt/ml/processing/input/data"))
    arguments = _processing_arguments(
        target,
        target.image_registry + processing.image,
        [launcher, f"{CODE_DIR}/preprocess.py"],
        (parameter("ProcessingInstanceType"), parameter("ProcessingInstanceCount"), processing.volume_size_gb),
        processing.max_runtime_seconds,
        inputs,
        [_output(split, paths.per_execution(split), f"/opt/ml/processing/{split}") for split in SPLITS],
    )
    arguments["AppSpecification"]["ContainerArguments"] = ["--input-data", parameter("InputData")]
    return Step(PREPARE, "Processing", arguments, cache_minutes=build.cache_minutes)


def _evaluation_step(build: ModelBuildConfig, target: BuildTarget, paths: _Paths, model_data: Any) -> Step:
    inputs = [
        _input("code", paths.prefix("code/evaluation.py"), CODE_DIR),
        _input("model", model_data, "/opt/ml/processing/model"),
        _input("test", _split_uri("test"), "/opt/ml/processing/test"),
    ]
    arguments = _processing_arguments(
        target,
        target.image_registry + build.evaluation.image,
        ["python3", f"{CODE_DIR}/evaluation.py"],
        (build.evaluation.instance_type, 1, EVALUATION_VOLUME_GB),
        build.processing.max_runtime_seconds,
        inputs,
        [_output("evaluation", paths.per_execution("evaluation"), "/opt/ml/processing/evaluation")],
    )
    report = PropertyFile("EvaluationReport", "evaluation", "evaluation.json")
    return Step(EVALUATE, "Processing", arguments, cache_minutes=build.cache_minutes, property_files=(report,))


def _processing_arguments(
    target: BuildTarget,
    image: str,
    command: list[str],
    cluster: Cluster,
    runtime: int,
    inputs: list[Json],
    outputs: list[Json],
) -> Json:
    """A CreateProcessingJob request without the job name: private subnets, KMS everywhere, isolated."""
    instance_type, instance_count, volume_gb = cluster
    resources = {"InstanceType": instance_type, "InstanceCount": instance_count, "VolumeSizeInGB": volume_gb}
    network = {"EnableInterContainerTrafficEncryption": True, "EnableNetworkIsolation": True, "VpcConfig": _vpc(target)}
    return {
        "ProcessingResources": {"ClusterConfig": {**resources, "VolumeKmsKeyId": target.volume_key}},
        "AppSpecification": {"ImageUri": image, "ContainerEntrypoint": command},
        "RoleArn": target.role_arn,
        "StoppingCondition": {"MaxRuntimeInSeconds": runtime},
        "NetworkConfig": network,
        "ProcessingInputs": inputs,
        "ProcessingOutputConfig": {"KmsKeyId": target.volume_key, "Outputs": outputs},
    }


def _input(name: str, uri: Any, local_path: str) -> Json:
    source = {"S3Uri": uri, "LocalPath": local_path, "S3DataType": "S3Prefix", "S3InputMode": "File"}
    return {"InputName": name, "AppManaged": False, "S3Input": {**source, "S3DataDistributionType": "FullyReplicated"}}


def _output(name: str, uri: Any, local_path: str) -> Json:
    upload = {"S3Uri": uri, "LocalPath": local_path, "S3UploadMode": "EndOfJob"}
    return {"OutputName": name, "AppManaged": False, "S3Output": upload}


def _split_uri(split: str) -> Json:
    return step_property(PREPARE, f"ProcessingOutputConfig.Outputs['{split}'].S3Output.S3Uri")


def _vpc(target: BuildTarget) -> Json:
    return {"Subnets": list(target.subnet_ids), "SecurityGroupIds": list(target.security_group_ids)}


def _training_arguments(build: ModelBuildConfig, target: BuildTarget, paths: _Paths, *, with_debugger: bool) -> Json:
    """A CreateTrainingJob request without the job name (also the tuner's job template)."""
    training = build.training
    stopping: dict[str, int] = {"MaxRuntimeInSeconds": training.max_runtime_seconds}
    arguments: Json = {
        "AlgorithmSpecification": {
            "TrainingImage": target.image_registry + training.image,
            "TrainingInputMode": "File",
            "EnableSageMakerMetricsTimeSeries": True,
        },
        "OutputDataConfig": {"S3OutputPath": target.artefacts_uri, "KmsKeyId": target.artefacts_key},
        "ResourceConfig": {
            "InstanceType": parameter("TrainingInstanceType"),
            "InstanceCount": training.instance_count,
            "VolumeSizeInGB": training.volume_size_gb,
            "VolumeKmsKeyId": target.volume_key,
        },
        "StoppingCondition": stopping,
        "EnableManagedSpotTraining": training.spot,
        "RoleArn": target.role_arn,
        "HyperParameters": hyperparameters(training.hyperparameters),
        "InputDataConfig": [_channel(split) for split in ("train", "validation")],
        "VpcConfig": _vpc(target),
        "EnableNetworkIsolation": True,
        "EnableInterContainerTrafficEncryption": True,
    }
    if training.spot:  # TR-6: spot capacity can be reclaimed; checkpoints let the job resume
        stopping["MaxWaitTimeInSeconds"] = training.max_wait_seconds
        arguments["CheckpointConfig"] = {"S3Uri": paths.prefix("checkpoints/"), "LocalPath": "/opt/ml/checkpoints"}
    if with_debugger and training.debugger_rules:  # DBG-2 / DBG-3
        hook = {
            "S3OutputPath": paths.prefix("debug-output"),
            "CollectionConfigurations": [{"CollectionName": "metrics"}],
        }
        arguments["DebugHookConfig"] = hook
        arguments["DebugRuleConfigurations"] = [_rule(rule, target.region) for rule in training.debugger_rules]
        arguments["ProfilerConfig"] = {"S3OutputPath": paths.prefix("profiler-output")}
    return arguments


def _rule(rule: DebuggerRule, region: str) -> Json:
    parameters = {"rule_to_invoke": rule.value}
    if rule is DebuggerRule.LOSS_NOT_DECREASING:  # watch the metrics the hook collects
        parameters["collection_names"] = "metrics"
    image = rule_evaluator_image(region)
    return {"RuleConfigurationName": rule.value, "RuleEvaluatorImage": image, "RuleParameters": parameters}


def _channel(split: str) -> Json:
    source = {"S3DataType": "S3Prefix", "S3Uri": _split_uri(split), "S3DataDistributionType": "FullyReplicated"}
    return {"ChannelName": split, "DataSource": {"S3DataSource": source}, "ContentType": "text/csv"}


def _register_step(
    build: ModelBuildConfig, target: BuildTarget, model_data: Any, lifecycle: ModelLifecycleConfig
) -> Step:
    """A CreateModelPackage request into the team's group, pending approval (REG-3, REG-4, WF-5)."""
    registration = build.registration
    report = step_property(EVALUATE, "ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri")
    statistics = {"ContentType": "application/json", "S3Uri": join("/", [report, "evaluation.json"])}
    arguments = {
        "ModelPackageGroupName": build.model_package_group,
        "ModelPackageDescription": build.description or f"Registered by the {build.name} pipeline",
        "ModelApprovalStatus": parameter("ModelApprovalStatus"),
        "InferenceSpecification": {
            # Default: XGBoost-style training images also serve the model (registration.image overrides).
            "Containers": [
                {
                    "Image": target.image_registry + (build.registration.image or build.training.image),
                    "ModelDataUrl": model_data,
                }
            ],
            "SupportedContentTypes": list(registration.content_types),
            "SupportedResponseMIMETypes": list(registration.response_types),
            "SupportedRealtimeInferenceInstanceTypes": list(registration.inference_instance_types),
            "SupportedTransformInstanceTypes": list(registration.transform_instance_types),
        },
        "ModelMetrics": {"ModelQuality": {"Statistics": statistics}},  # REG-3: the report travels with the package
        "MetadataProperties": {"GeneratedBy": execution("PipelineExecutionArn")},
        **registration_governance(build, lifecycle),  # card and stage of a governed build
    }
    return Step(REGISTER, "RegisterModel", arguments)
