"""Least-privilege statements for SageMaker execution roles, one function per capability.

Book ch4, ch6, ch7, ch8, ch12 and WA-SEC-7: no service-wide wildcards, SageMaker resources
scoped to this account and region, PassRole only for the platform's own SageMaker roles, KMS
only on platform keys. Each wildcard says why it is there (see ``Grant``).
"""

from __future__ import annotations

from .sagemaker_scope import SageMakerScope
from .scoped_policy import Grant


def studio_apps(s: SageMakerScope) -> list[Grant]:
    return [
        s.runtime_grant(
            "Studio domain, app and space",
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
            ("app/*", "space/*", "domain/*", "user-profile/*"),
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
    job_kinds = ("processing-job/*", "training-job/*", "hyper-parameter-tuning-job/*", "transform-job/*")
    return [
        # WA-SEC-1/9: a job must name private subnets and a volume key, or it is refused.
        # (VolumeKmsKeyArn: VolumeKmsKey is deprecated and not evaluated for these actions.)
        s.runtime_grant(
            "job",
            "CreateJobsInVpcWithKms",
            ["sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob", "sagemaker:CreateHyperParameterTuningJob"],
            job_kinds,
            conditions={"Null": {"sagemaker:VpcSubnets": "false", "sagemaker:VolumeKmsKeyArn": "false"}},
        ),
        # Transform jobs take their network from the model (created in the VPC, see
        # CreateModelsInVpc); the request has no subnets to check, only the volume key.
        s.runtime_grant(
            "job",
            "CreateTransformJobsWithKms",
            ["sagemaker:CreateTransformJob"],
            ("transform-job/*",),
            conditions={"Null": {"sagemaker:VolumeKmsKeyArn": "false"}},
        ),
        s.runtime_grant(
            "job",
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
            job_kinds,
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
    resources = (
        "training-job/*",  # BatchPutMetrics also names the training job
        "experiment/*",
        "experiment-trial/*",
        "experiment-trial-component/*",
        "artifact/*",
        "context/*",
        "action/*",
    )
    return [s.runtime_grant("experiment and lineage", "ExperimentsAndLineage", actions, resources)]


def notebook_self_stop(s: SageMakerScope) -> list[Grant]:
    """The auto-stop check on a notebook instance stops the instance it runs on (book ch13)."""
    return [
        s.runtime_grant(
            "notebook instance",
            "StopIdleNotebook",
            ["sagemaker:StopNotebookInstance", "sagemaker:DescribeNotebookInstance"],
            ("notebook-instance/*",),
        )
    ]


def projects(s: SageMakerScope) -> list[Grant]:
    """SageMaker Projects from the portfolio's organisation templates (Studio -> Projects)."""
    return [
        s.runtime_grant(
            "project",
            "SageMakerProjects",
            [
                "sagemaker:CreateProject",
                "sagemaker:DescribeProject",
                "sagemaker:DeleteProject",
                "sagemaker:UpdateProject",
                "sagemaker:AddTags",
            ],
            ("project/*",),
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
    if not s.feature_store:  # a team without feature groups: no grant, and no endpoint to reach them
        return []
    return [
        s.runtime_grant(
            "feature group",
            "FeatureStoreReadWrite",
            [
                "sagemaker:DescribeFeatureGroup",
                "sagemaker:GetRecord",
                "sagemaker:BatchGetRecord",
                "sagemaker:PutRecord",
            ],
            ("feature-group/*",),
        )
    ]


def registry(s: SageMakerScope, *, approve: bool) -> list[Grant]:
    """Register model versions; only deployment approvers (book ch8) approve them, because an
    approval starts the release to test. ``CreateModelPackage`` in status ``Approved`` would
    approve as well, so registering is limited to the other statuses for everyone else."""
    kind = "model package"
    actions = [
        "sagemaker:DescribeModelPackage",
        "sagemaker:DescribeModelPackageGroup",
        "sagemaker:CreateModelPackageGroup",
        "sagemaker:AddTags",
    ]
    if approve:
        actions += ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"]
    register = s.runtime_grant(kind, "ModelRegistry", actions, ("model-package/*", "model-package-group/*"))
    if approve:
        return [register]
    return [
        register,
        s.runtime_grant(
            kind,
            "RegisterUnapprovedModels",
            ["sagemaker:CreateModelPackage"],
            ("model-package/*",),
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
    return [s.runtime_grant("pipeline", "Pipelines", actions, ("pipeline/*",))]


def models_in_vpc(s: SageMakerScope) -> list[Grant]:
    """Create models only with private subnets (batch transform in pipelines, test endpoints).

    ``sagemaker:VpcSubnets`` exists only on ``CreateModel`` (Service Authorization Reference,
    Amazon SageMaker AI): under that condition ``DescribeModel`` and ``AddTags`` would never
    be granted (issue #17), so they have their own statement."""
    return [
        s.runtime_grant(
            "model",
            "CreateModelsInVpc",
            ["sagemaker:CreateModel"],
            ("model/*",),
            conditions={"Null": {"sagemaker:VpcSubnets": "false"}},
        ),
        s.runtime_grant(
            "model",
            "DescribeAndTagModels",
            ["sagemaker:DescribeModel", "sagemaker:AddTags"],
            ("model/*",),
        ),
    ]


def endpoints_for_testing(s: SageMakerScope) -> list[Grant]:
    return [
        *(g for g in models_in_vpc(s) if g.sid == "CreateModelsInVpc"),
        s.runtime_grant(
            "endpoint",
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
            ("model/*", "endpoint-config/*", "endpoint/*"),
        ),
    ]


def domain_admin(s: SageMakerScope) -> list[Grant]:
    return [
        s.runtime_grant(
            "Studio",
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
            ("domain/*", "user-profile/*", "app/*", "space/*"),
        )
    ]
