"""The teams' SageMaker pipelines, step by step (book ch6-ch8; WF-1..WF-6, REG-4, WA-SEC-1/9),
as the engine sees them (issue #17).

Every step of every synthesized ``AWS::SageMaker::Pipeline`` (resolved): the pipeline's role
passes the step's job role to SageMaker and makes the create call with the context the jobs
role's guardrails test, read from the step's arguments (subnets, security groups, volume and
output keys, network isolation...); the job's role reads the step's inputs and writes its
outputs (S3, and the key that encrypts each object: the artefacts key selected by its alias),
pulls its image from the shared services repositories and writes its logs. A step type without
a rule below raises naming the step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...role_names import persona_role_suffix
from ...schema.studio import Persona
from ..model import ContextValue, Expect, Flow, Role
from ..platform import Platform
from ..simulate import FlowError
from .definitions import Catalogue, Key, PipelineRun, Resources, pipelines, repository_arn, s3_object

AREA = "pipelines"
SAGEMAKER: dict[str, ContextValue] = {"iam:PassedToService": "sagemaker.amazonaws.com"}
GUARDRAILS = "WA-SEC-1/9: jobs and models only in the private subnets with a volume key (docs/model-release.md)"
RUNTIME = "WF-2..WF-5, book ch6-ch8: the job's role reads its inputs and writes its outputs (docs/model-release.md)"
ARTEFACTS = "XA-4c, book ch14: each team writes artefacts only under its own prefix of the artefacts bucket"
SM_ROLES = "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html"
OUTPUT_KEY = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html (KmsKeyId)"
ISOLATED = "book ch14: teams are isolated by account; no bucket or key policy names another team"
Step = Mapping[str, Any]


def guardrails(flags: Step, vpc: Any, volume: Any, output: Any, instance: Any, runtime: Any) -> dict[str, Any]:
    """The condition keys SageMaker sends with a create call, from the call's arguments."""
    context = {
        "sagemaker:VpcSubnets": (vpc or {}).get("Subnets"),
        "sagemaker:VpcSecurityGroupIds": (vpc or {}).get("SecurityGroupIds"),
        "sagemaker:VolumeKmsKeyArn": volume,
        "sagemaker:OutputKmsKeyArn": output,
        "sagemaker:InstanceTypes": None if instance is None else [instance],
        "sagemaker:MaxRuntimeInSeconds": runtime,
    }
    for flag in ("NetworkIsolation", "InterContainerTrafficEncryption"):
        if f"Enable{flag}" in flags:
            context[f"sagemaker:{flag}"] = str(flags[f"Enable{flag}"]).lower()
    return {k: v for k, v in context.items() if v is not None}


@dataclass
class Job:
    """What a step's job does at run time, as its execution role (values unevaluated)."""

    role: str
    image: Any
    logs: str  # /aws/sagemaker/<logs>
    name: str
    volume: Any
    output_key: Any
    reads: list[Any] = field(default_factory=list)
    writes: list[tuple[Any, Any, str]] = field(default_factory=list)  # uri, key, object under a prefix


@dataclass
class Build:
    """The flows of one pipeline, accumulated step by step."""

    platform: Platform
    team: str
    run: PipelineRun
    out: Catalogue
    res: Resources
    written: dict[str, Key] = field(default_factory=dict)  # S3 URI -> the key its objects were written with

    @property
    def role(self) -> Role:
        return Role(self.run.definition.role_arn)

    def add(self, step: str, what: str, who: Role, action: str, resource: str, why: str, **kw: Any) -> None:
        name = f"{AREA} {self.team}: {self.run.definition.name}/{step}: {what}"
        self.out.add(Flow(name, who, action, resource, kw.pop("expect", Expect.ALLOW), why, area=AREA, **kw))

    def value(self, expression: Any) -> str:
        return self.run.value(expression)

    def context(self, context: Mapping[str, Any]) -> dict[str, ContextValue]:
        resolved = {k: [self.value(i) for i in v] if isinstance(v, list) else self.value(v) for k, v in context.items()}
        subnets = resolved.get("sagemaker:VpcSubnets")
        stack = self.platform.assembly.by_key(f"DataScience-{self.team}/Network")
        private = [
            str(self.platform.resolver.ref(stack, logical_id))
            for logical_id, r in stack.resources.items()
            if r["Type"] == "AWS::EC2::Subnet" and "/PrivateSubnet" in stack.path_of(logical_id)
        ]
        if subnets is not None and sorted(subnets) != sorted(private):
            raise FlowError(f"pipeline {self.run.definition.name}: a step runs in {subnets}, not in {private}")
        return resolved

    def create(self, step: str, action: str, kind: str, context: Mapping[str, Any], passes: str | None) -> None:
        """The pipeline role passes the job's role and creates the job with the guardrails' context."""
        if passes is not None:
            self.add(step, "passes the job role", self.role, "iam:PassRole", passes, SM_ROLES, context=SAGEMAKER)
        resource = self.run.arn(kind, self.run.job_name(step).lower())
        self.add(step, action, self.role, action, resource, GUARDRAILS, context=self.context(context))

    def job(self, step: str, job: Job) -> None:
        who = Role(job.role)
        for uri in job.reads:
            self.read(step, who, self.value(uri))
        for uri, key_id, name in job.writes:
            self.write(step, who, self.value(uri), key_id, name)
        if job.output_key is not None:  # the execution role must be allowed kms:Encrypt with it
            key = self.res.key(self.value(job.output_key))
            context = key.via(self.platform, "sagemaker")
            self.add(step, "encrypts with the output key", who, "kms:Encrypt", key.arn, OUTPUT_KEY, context=context)
        repository = repository_arn(self.platform, self.value(job.image))
        why = "XA-4b: the repository policy admits the data science accounts; SageMaker pulls as the job's role"
        if repository is not None:  # else an image AWS owns, pulled without the caller's grants
            for action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"):
                self.add(step, f"{action} {repository.rsplit('/', 2)[-1]}", who, action, repository, why)
            self.add("*", "job role logs in to ECR", who, "ecr:GetAuthorizationToken", "*", why)
        stream = f"log-group:/aws/sagemaker/{job.logs}:log-stream:{job.name}/algo-1-1700000000"
        for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
            why = "WA-SEC-10: job logs go to CloudWatch Logs as the job's role"
            self.add(step, action, who, action, self.platform.arn("logs", who.account, stream), why)
        if job.volume is not None:
            key, grant = self.res.key(self.value(job.volume)), {"kms:GrantIsForAWSResource": "true"}
            why = "WA-SEC-9: SageMaker encrypts the job's volumes with the volume key through a grant"
            self.add(step, "grants the volume key", who, "kms:CreateGrant", key.arn, why, context=grant)

    def read(self, step: str, who: Role, uri: str) -> None:
        bucket, arn = s3_object(self.platform, uri)
        if "." not in uri.rsplit("/", 1)[-1]:  # a prefix: SageMaker lists it and reads its objects
            bucket_arn, _, prefix = arn.partition("/")
            listing = {"s3:prefix": prefix}
            self.add(step, f"lists {uri}", who, "s3:ListBucket", bucket_arn, RUNTIME, context=listing)
            bucket, arn = s3_object(self.platform, f"{uri.rstrip('/')}/part-00000")
        self.add(step, f"reads {uri}", who, "s3:GetObject", arn, RUNTIME)
        key = next((k for prefix, k in sorted(self.written.items(), reverse=True) if uri.startswith(prefix)), None)
        key = key or self.res.bucket_key(bucket)
        self.add(step, f"decrypts {uri}", who, "kms:Decrypt", key.arn, RUNTIME, context=key.via(self.platform, "s3"))

    def write(self, step: str, who: Role, uri: str, key_id: Any, name: str) -> None:
        bucket, arn = s3_object(self.platform, uri if uri.endswith(".gz") else f"{uri.rstrip('/')}/{name}")
        key = self.res.key(self.value(key_id)) if key_id is not None else self.res.bucket_key(bucket)
        why = ARTEFACTS if self.platform.documents.bucket_accounts.get(bucket) != who.account else RUNTIME
        self.add(step, f"writes {uri}", who, "s3:PutObject", arn, why)
        context = key.via(self.platform, "s3")
        self.add(step, f"encrypts {uri}", who, "kms:GenerateDataKey", key.arn, why, context=context)
        self.written[uri] = key


# -- one rule per step type ---------------------------------------------------------------------
def _processing(b: Build, name: str, a: Step) -> None:
    cluster, out = a["ProcessingResources"]["ClusterConfig"], a["ProcessingOutputConfig"]
    net = a.get("NetworkConfig", {})
    volume, key = cluster.get("VolumeKmsKeyId"), out.get("KmsKeyId")
    runtime = a["StoppingCondition"]["MaxRuntimeInSeconds"]
    context = guardrails(net, net.get("VpcConfig"), volume, key, cluster["InstanceType"], runtime)
    b.create(name, "sagemaker:CreateProcessingJob", "processing-job", context, a["RoleArn"])
    files = {f["OutputName"]: f["FilePath"] for f in b.run.steps[name].get("PropertyFiles", [])}
    job = Job(a["RoleArn"], a["AppSpecification"]["ImageUri"], "ProcessingJobs", b.run.job_name(name), volume, key)
    job.reads = [i["S3Input"]["S3Uri"] for i in a.get("ProcessingInputs", []) if "S3Input" in i]
    outputs = [o for o in out["Outputs"] if "S3Output" in o]
    job.writes = [(o["S3Output"]["S3Uri"], key, files.get(o["OutputName"], "part-00000")) for o in outputs]
    b.job(name, job)


def _training(b: Build, name: str, d: Step, action: str, kind: str) -> None:
    """A training job, or a tuning job whose training jobs run with the same definition."""
    resources, output, volume = d["ResourceConfig"], d["OutputDataConfig"], d["ResourceConfig"].get("VolumeKmsKeyId")
    runtime = d["StoppingCondition"]["MaxRuntimeInSeconds"]
    context = guardrails(d, d.get("VpcConfig"), volume, output.get("KmsKeyId"), resources["InstanceType"], runtime)
    b.create(name, action, kind, context, d["RoleArn"])
    training, image = b.run.training_job_name(name), d["AlgorithmSpecification"]["TrainingImage"]
    job = Job(d["RoleArn"], image, "TrainingJobs", training, volume, output.get("KmsKeyId"))
    job.reads = [c["DataSource"]["S3DataSource"]["S3Uri"] for c in d.get("InputDataConfig", [])]
    artefact = f"{b.value(output['S3OutputPath'])}/{training}/output/model.tar.gz"
    job.writes = [(artefact, output.get("KmsKeyId"), "model.tar.gz")]
    uris = {"CheckpointConfig": "S3Uri", "DebugHookConfig": "S3OutputPath", "ProfilerConfig": "S3OutputPath"}
    job.writes += [(d[config][uri], None, "part-00000") for config, uri in uris.items() if config in d]
    b.job(name, job)
    if "CheckpointConfig" in d:  # TR-6: a spot job resumes from its checkpoints
        b.read(name, Role(d["RoleArn"]), b.value(d["CheckpointConfig"]["S3Uri"]))


def _model(b: Build, name: str, a: Step) -> None:
    context = guardrails(a, a.get("VpcConfig"), None, None, None, None)
    b.create(name, "sagemaker:CreateModel", "model", context, a["ExecutionRoleArn"])
    # Tagging and describing the model it created: issue #17 found these two hidden under the
    # CreateModel-only condition key sagemaker:VpcSubnets, so never granted.
    model = b.run.arn("model", b.run.job_name(name).lower())
    b.add(name, "tags the model", b.role, "sagemaker:AddTags", model, GUARDRAILS)
    b.add(name, "describes the model", b.role, "sagemaker:DescribeModel", model, GUARDRAILS)


def _transform(b: Build, name: str, a: Step) -> None:
    """The pipeline role starts the job; the job runs as the role of the model it uses."""
    model_name = b.value(a["ModelName"])
    models = [s for s, step in b.run.steps.items() if step["Type"] == "Model" and b.run.job_name(s) == model_name]
    if not models:
        raise FlowError(f"pipeline {b.run.definition.name}: step {name} transforms with a model no step creates")
    model, output, resources = b.run.steps[models[0]]["Arguments"], a["TransformOutput"], a["TransformResources"]
    volume, key = resources.get("VolumeKmsKeyId"), output.get("KmsKeyId")
    context = guardrails({}, None, volume, key, resources["InstanceType"], None)
    context["sagemaker:ModelArn"] = b.run.arn("model", model_name.lower())
    b.create(name, "sagemaker:CreateTransformJob", "transform-job", context, None)
    container = model["PrimaryContainer"]
    job = Job(model["ExecutionRoleArn"], container["Image"], "TransformJobs", b.run.job_name(name), volume, key)
    job.reads = [container["ModelDataUrl"], a["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"]]
    job.writes = [(output["S3OutputPath"], key, "part-00000.out")]
    b.job(name, job)


def _register(b: Build, name: str, a: Step) -> None:
    package = b.run.arn("model-package", f"{a['ModelPackageGroupName'].lower()}/1")
    context = {"sagemaker:ModelApprovalStatus": b.value(a["ModelApprovalStatus"])}
    if "ModelLifeCycle" in a:  # a governed build registers in its first development stage
        context["sagemaker:ModelLifeCycle:stage"] = a["ModelLifeCycle"]["Stage"]
    why = "REG-3, REG-4: a versioned package, pending approval by default"
    b.add(name, "registers the model", b.role, "sagemaker:CreateModelPackage", package, why, context=context)


def _condition(b: Build, name: str, a: Step) -> None:
    """Std:JsonGet reads its property file from S3 as the pipeline's role."""
    for condition in a["Conditions"]:
        for side in (condition.get("LeftValue"), condition.get("RightValue")):
            if isinstance(side, Mapping) and "Std:JsonGet" in side:
                reference = side["Std:JsonGet"]["PropertyFile"]["Get"].removeprefix("Steps.")
                source, _, property_file = reference.partition(".PropertyFiles.")
                files = b.run.steps[source].get("PropertyFiles", [])
                [file] = [f for f in files if f["PropertyFileName"] == property_file]
                outputs = b.run.steps[source]["Arguments"]["ProcessingOutputConfig"]["Outputs"]
                [output] = [o for o in outputs if o["OutputName"] == file["OutputName"]]
                b.read(name, b.role, f"{b.value(output['S3Output']['S3Uri'])}/{file['FilePath']}")


STEPS: dict[str, Callable[[Build, str, Step], None]] = {
    "Processing": _processing,
    "Training": lambda b, n, a: _training(b, n, a, "sagemaker:CreateTrainingJob", "training-job"),
    "Tuning": lambda b, n, a: _training(
        b, n, a["TrainingJobDefinition"], "sagemaker:CreateHyperParameterTuningJob", "hyper-parameter-tuning-job"
    ),
    "Model": _model,
    "Transform": _transform,
    "RegisterModel": _register,
    "Condition": _condition,
    "Fail": lambda b, n, a: None,  # ends the execution; no AWS call
}


def build(b: Build) -> None:
    experiment = b.run.definition.body.get("PipelineExperimentConfig")
    if experiment is not None:
        why = "TR-8: pipeline executions are trials of the pipeline's experiment"
        names = {"Experiment": ("experiment", "ExperimentName"), "Trial": ("experiment-trial", "TrialName")}
        for what, (kind, key) in names.items():
            resource = b.run.arn(kind, b.value(experiment[key]).lower())
            b.add("*", f"Create{what}", b.role, f"sagemaker:Create{what}", resource, why)
    for name, step in b.run.steps.items():
        if step["Type"] not in STEPS:
            raise FlowError(f"pipeline {b.run.definition.name}: step {name} of type {step['Type']} has no rule")
        STEPS[step["Type"]](b, name, step["Arguments"])


def _denials(b: Build, other: Build | None) -> None:
    """What the pipeline's roles must not do, with the context of the pipeline's own steps."""
    a = next(s["Arguments"] for s in b.run.steps.values() if s["Type"] == "Processing")
    net, jobs = a.get("NetworkConfig", {}), Role(a["RoleArn"])
    volume = a["ProcessingResources"]["ClusterConfig"].get("VolumeKmsKeyId")
    full = b.context(guardrails(net, net.get("VpcConfig"), volume, None, None, None))
    no_vpc = {k: v for k, v in full.items() if not k.startswith("sagemaker:Vpc")}
    no_key = {k: v for k, v in full.items() if k != "sagemaker:VolumeKmsKeyArn"}
    isolated = {k: v for k, v in full.items() if k == "sagemaker:NetworkIsolation"}
    job, model = b.run.arn("processing-job", "aq-unguarded"), b.run.arn("model", "aq-open")
    scientist = b.platform.role(b.team, f"sm-{persona_role_suffix(Persona.DATA_SCIENTIST)}")
    passes = "issue #17: the jobs role passes only itself, and only to SageMaker (WA-SEC-7)"
    approved = "REG-4, book ch8: approval is a person's decision, and it starts the release"
    lam: dict[str, ContextValue] = {"iam:PassedToService": "lambda.amazonaws.com"}
    denials: list[tuple[str, Role, str, str, str, Mapping[str, ContextValue]]] = [
        ("a step job without VPC subnets", b.role, "sagemaker:CreateProcessingJob", job, GUARDRAILS, no_vpc),
        ("a step job without a volume key", b.role, "sagemaker:CreateProcessingJob", job, GUARDRAILS, no_key),
        ("job role creates a model without VPC subnets", jobs, "sagemaker:CreateModel", model, GUARDRAILS, isolated),
        ("job role passes the data scientist role", jobs, "iam:PassRole", scientist.arn, passes, SAGEMAKER),
        ("job role passes itself to Lambda", jobs, "iam:PassRole", jobs.arn, passes, lam),
    ]
    status: dict[str, ContextValue] = {"sagemaker:ModelApprovalStatus": "Approved"}
    for s in [s for s in b.run.steps.values() if s["Type"] == "RegisterModel"]:
        package = b.run.arn("model-package", f"{s['Arguments']['ModelPackageGroupName'].lower()}/2")
        denials.append(
            ("registers a model approved", b.role, "sagemaker:CreateModelPackage", package, approved, status)
        )
    for key in [k for u, k in b.written.items() if u.endswith("model.tar.gz")][:1]:
        why = "XA-4c: the artefacts key serves the teams only through S3 and SageMaker (kms:ViaService)"
        aliases: dict[str, ContextValue] = {"kms:ResourceAliases": list(key.aliases)}
        denials.append(("job role uses the artefacts key directly", jobs, "kms:GenerateDataKey", key.arn, why, aliases))
    if other is not None:
        data = s3_object(b.platform, f"{other.run.parameters['InputData'].rstrip('/')}/part-00000")[1]
        denials.append((f"job role reads {other.team}'s projects bucket", jobs, "s3:GetObject", data, ISOLATED, {}))
        for uri in [u for u in other.written if u.endswith("model.tar.gz")][:1]:
            theirs, what = s3_object(b.platform, uri)[1], f"job role writes under {other.team}'s artefacts prefix"
            denials.append((what, jobs, "s3:PutObject", theirs, ARTEFACTS, {}))
    for what, who, action, resource, why, context in denials:
        b.add("deny", what, who, action, resource, why, context=context, expect=Expect.DENY)


def flows(platform: Platform) -> list[Flow]:
    out, res = Catalogue(AREA), Resources(platform)
    builds: list[Build] = []
    for team in platform.teams():
        for definition in pipelines(platform, team.stage_id):
            builds.append(Build(platform, team.slug, PipelineRun(definition), out, res))
            build(builds[-1])
    firsts = list({b.team: b for b in reversed(builds)}.values())[::-1]  # each team's first pipeline
    for b, other in zip(firsts, firsts[1:] + firsts[:1], strict=True):
        _denials(b, other if other.team != b.team else None)
    return out.all()
