"""Least-privilege statements for SageMaker execution roles, one function per capability.

Book ch4, ch6, ch7, ch8, ch12 and WA-SEC-7: no service-wide wildcards, SageMaker resources
scoped to this account and region, PassRole only for the platform's own SageMaker roles, KMS
only on platform keys. Each wildcard says why it is there (see ``Grant``).
"""

from __future__ import annotations

from .sagemaker_scope import RUNTIME_NAMES, SageMakerScope
from .scoped_policy import Grant


def studio_apps(s: SageMakerScope) -> list[Grant]:
    return [
        Grant(
            "StudioApps",
            [
                "sagemaker:CreateApp",
                "sagemaker:DeleteApp",
                "sagemaker:DescribeApp",
                "sagemaker:CreateSpace",
                "sagemaker:UpdateSpace",
                "sagemaker:DeleteSpace",
                "sagemaker:DescribeSpace",
                "sagemaker:DescribeDomain",
                "sagemaker:DescribeUserProfile",
                "sagemaker:AddTags",
            ],
            s.sm("app/*", "space/*", "domain/*", "user-profile/*"),
            why=f"Studio domain, app and space {RUNTIME_NAMES}",
        )
    ]


def observe(s: SageMakerScope) -> list[Grant]:
    lists = [
        "Apps",
        "Spaces",
        "Domains",
        "UserProfiles",
        "TrainingJobs",
        "ProcessingJobs",
        "HyperParameterTuningJobs",
        "TrainingJobsForHyperParameterTuningJob",
        "Experiments",
        "Trials",
        "TrialComponents",
        "FeatureGroups",
        "ModelPackageGroups",
        "ModelPackages",
        "Pipelines",
        "PipelineExecutions",
        "Models",
        "Endpoints",
        "EndpointConfigs",
        "Tags",
        "Images",
        "ImageVersions",
    ]
    actions = [f"sagemaker:List{name}" for name in lists]
    actions += [
        "sagemaker:Search",
        "sagemaker:GetSearchSuggestions",
        "sagemaker:QueryLineage",
        "cloudwatch:GetMetricData",
        "cloudwatch:ListMetrics",
        "cloudwatch:GetMetricStatistics",
    ]
    return [
        Grant(
            "ListAndSearch",
            actions,
            ["*"],
            why="read-only listing across the account: List/Search/QueryLineage and metric reads "
            "(most support no resource scoping)",
        )
    ]


def jobs(s: SageMakerScope) -> list[Grant]:
    job_arns = s.sm("processing-job/*", "training-job/*", "hyper-parameter-tuning-job/*", "transform-job/*")
    return [
        # WA-SEC-1/9: a job must name private subnets and a volume key, or it is refused.
        # (VolumeKmsKeyArn: VolumeKmsKey is deprecated and not evaluated for these actions.)
        Grant(
            "CreateJobsInVpcWithKms",
            ["sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob", "sagemaker:CreateHyperParameterTuningJob"],
            job_arns,
            why=f"job {RUNTIME_NAMES}",
            conditions={"Null": {"sagemaker:VpcSubnets": "false", "sagemaker:VolumeKmsKeyArn": "false"}},
        ),
        # Transform jobs take their network from the model (created in the VPC, see
        # CreateModelsInVpc); the request has no subnets to check, only the volume key.
        Grant(
            "CreateTransformJobsWithKms",
            ["sagemaker:CreateTransformJob"],
            s.sm("transform-job/*"),
            why=f"job {RUNTIME_NAMES}",
            conditions={"Null": {"sagemaker:VolumeKmsKeyArn": "false"}},
        ),
        Grant(
            "ManageJobs",
            [
                "sagemaker:DescribeProcessingJob",
                "sagemaker:StopProcessingJob",
                "sagemaker:DescribeTrainingJob",
                "sagemaker:StopTrainingJob",
                "sagemaker:UpdateTrainingJob",
                "sagemaker:DescribeHyperParameterTuningJob",
                "sagemaker:StopHyperParameterTuningJob",
                "sagemaker:DescribeTransformJob",
                "sagemaker:StopTransformJob",
                "sagemaker:AddTags",
            ],
            job_arns,
            why=f"job {RUNTIME_NAMES}",
        ),
    ]


def experiments(s: SageMakerScope) -> list[Grant]:
    verbs = ["Create", "Describe", "Update"]
    actions = [f"sagemaker:{v}{n}" for v in verbs for n in ("Experiment", "Trial", "TrialComponent")]
    actions += [
        "sagemaker:AssociateTrialComponent",
        "sagemaker:DisassociateTrialComponent",
        "sagemaker:BatchPutMetrics",
        "sagemaker:AddAssociation",
        "sagemaker:CreateArtifact",
        "sagemaker:CreateContext",
        "sagemaker:CreateAction",
        "sagemaker:AddTags",  # Studio tags what it creates; untagged creation is denied
    ]
    resources = s.sm(
        "training-job/*",  # BatchPutMetrics also names the training job
        "experiment/*",
        "experiment-trial/*",
        "experiment-trial-component/*",
        "artifact/*",
        "context/*",
        "action/*",
    )
    return [Grant("ExperimentsAndLineage", actions, resources, why=f"experiment and lineage {RUNTIME_NAMES}")]


def notebook_self_stop(s: SageMakerScope) -> list[Grant]:
    """The auto-stop check on a notebook instance stops the instance it runs on (book ch13)."""
    return [
        Grant(
            "StopIdleNotebook",
            ["sagemaker:StopNotebookInstance", "sagemaker:DescribeNotebookInstance"],
            s.sm("notebook-instance/*"),
            why=f"notebook instance {RUNTIME_NAMES}",
        )
    ]


def projects(s: SageMakerScope) -> list[Grant]:
    """SageMaker Projects from the portfolio's organisation templates (Studio -> Projects)."""
    return [
        Grant(
            "SageMakerProjects",
            [
                "sagemaker:CreateProject",
                "sagemaker:DescribeProject",
                "sagemaker:DeleteProject",
                "sagemaker:UpdateProject",
                "sagemaker:AddTags",
            ],
            s.sm("project/*"),
            why=f"project {RUNTIME_NAMES}",
        ),
        Grant(
            "ProjectCatalog",
            [
                "sagemaker:ListProjects",
                "servicecatalog:SearchProducts",
                "servicecatalog:DescribeProduct",
                "servicecatalog:DescribeProductAsAdmin",
                "servicecatalog:DescribeProvisioningParameters",
                "servicecatalog:ListLaunchPaths",
                "servicecatalog:ProvisionProduct",
                "servicecatalog:DescribeRecord",
                "servicecatalog:DescribeProvisionedProduct",
                "servicecatalog:TerminateProvisionedProduct",
                "servicecatalog:UpdateProvisionedProduct",
                "servicecatalog:SearchProvisionedProducts",
            ],
            ["*"],
            why="Service Catalog end-user actions on the shared portfolio, launched via Projects; "
            "access is bound by the portfolio's principal associations",
        ),
    ]


def feature_store(s: SageMakerScope) -> list[Grant]:
    return [
        Grant(
            "FeatureStoreReadWrite",
            [
                "sagemaker:DescribeFeatureGroup",
                "sagemaker:GetRecord",
                "sagemaker:BatchGetRecord",
                "sagemaker:PutRecord",
            ],
            s.sm("feature-group/*"),
            why=f"feature group {RUNTIME_NAMES}",
        )
    ]


def registry(s: SageMakerScope, *, approve: bool) -> list[Grant]:
    """Register model versions; only deployment approvers (book ch8) approve them, because an
    approval starts the release to test. ``CreateModelPackage`` in status ``Approved`` would
    approve as well, so registering is limited to the other statuses for everyone else."""
    resources = s.sm("model-package/*", "model-package-group/*")
    why = f"model package {RUNTIME_NAMES}"
    actions = [
        "sagemaker:DescribeModelPackage",
        "sagemaker:DescribeModelPackageGroup",
        "sagemaker:CreateModelPackageGroup",
        "sagemaker:AddTags",
    ]
    if approve:
        actions += ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"]
        return [Grant("ModelRegistry", actions, resources, why=why)]
    return [
        Grant("ModelRegistry", actions, resources, why=why),
        Grant(
            "RegisterUnapprovedModels",
            ["sagemaker:CreateModelPackage"],
            s.sm("model-package/*"),
            why=why,
            conditions={"StringNotEquals": {"sagemaker:ModelApprovalStatus": "Approved"}},
        ),
    ]


def pipelines(s: SageMakerScope, *, manage: bool) -> list[Grant]:
    actions = [
        "sagemaker:DescribePipeline",
        "sagemaker:StartPipelineExecution",
        "sagemaker:StopPipelineExecution",
        "sagemaker:RetryPipelineExecution",
        "sagemaker:DescribePipelineExecution",
        "sagemaker:ListPipelineExecutionSteps",
        "sagemaker:DescribePipelineDefinitionForExecution",
    ]
    if manage:
        actions += [
            "sagemaker:CreatePipeline",
            "sagemaker:UpdatePipeline",
            "sagemaker:DeletePipeline",
            "sagemaker:AddTags",
        ]
    # Executions are pipeline/<name>/execution/<id>: covered by pipeline/*.
    return [Grant("Pipelines", actions, s.sm("pipeline/*"), why=f"pipeline {RUNTIME_NAMES}")]


def models_in_vpc(s: SageMakerScope) -> list[Grant]:
    """Create models only with private subnets (batch transform in pipelines, test endpoints).

    ``sagemaker:VpcSubnets`` exists only on ``CreateModel`` (Service Authorization Reference,
    Amazon SageMaker AI): under that condition ``DescribeModel`` and ``AddTags`` would never
    be granted (issue #17), so they have their own statement."""
    return [
        Grant(
            "CreateModelsInVpc",
            ["sagemaker:CreateModel"],
            s.sm("model/*"),
            why=f"model {RUNTIME_NAMES}",
            conditions={"Null": {"sagemaker:VpcSubnets": "false"}},
        ),
        Grant(
            "DescribeAndTagModels",
            ["sagemaker:DescribeModel", "sagemaker:AddTags"],
            s.sm("model/*"),
            why=f"model {RUNTIME_NAMES}",
        ),
    ]


def endpoints_for_testing(s: SageMakerScope) -> list[Grant]:
    return [
        *(g for g in models_in_vpc(s) if g.sid == "CreateModelsInVpc"),
        Grant(
            "TestEndpoints",
            [
                "sagemaker:CreateEndpointConfig",
                "sagemaker:CreateEndpoint",
                "sagemaker:UpdateEndpoint",
                "sagemaker:DeleteEndpoint",
                "sagemaker:DeleteEndpointConfig",
                "sagemaker:DeleteModel",
                "sagemaker:DescribeEndpoint",
                "sagemaker:DescribeEndpointConfig",
                "sagemaker:DescribeModel",
                "sagemaker:InvokeEndpoint",
                "sagemaker:AddTags",
            ],
            s.sm("model/*", "endpoint-config/*", "endpoint/*"),
            why=f"endpoint {RUNTIME_NAMES}",
        ),
    ]


def domain_admin(s: SageMakerScope) -> list[Grant]:
    return [
        Grant(
            "StudioAdmin",
            [
                "sagemaker:UpdateDomain",
                "sagemaker:UpdateUserProfile",
                "sagemaker:DeleteApp",
                "sagemaker:DeleteSpace",
                "sagemaker:UpdateSpace",
                "sagemaker:DescribeApp",
                "sagemaker:DescribeSpace",
            ],
            s.sm("domain/*", "user-profile/*", "app/*", "space/*"),
            why=f"Studio {RUNTIME_NAMES}",
        )
    ]
