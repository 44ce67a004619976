"""Managed MLflow of a data science account (issue #22): the team's people use their one MLflow; MLflow's own
role writes artefacts under its prefix with the data key and registers models into the groups named after the
team's model package groups.

The people's calls: the MLflow REST API (``sagemaker:CallMlflowAppApi`` on an app, ``sagemaker-mlflow:*`` on a
tracking server), the presigned UI URL and Describe, on that one ARN
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemakerwithmlflow.html).
MLflow's role: the artefact store and the model registry (AWS's MLflow service role,
https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-create-tracking-server-iam.html); automatic registration
creates ``<registered model>-<6 characters>`` groups
(https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-track-experiments-model-registration.html).
"""

from __future__ import annotations

from ...mlflow_support import MlflowKind, mlflow_kind, registration_suffix
from ..model import Flow, Service, allow, deny, in_area
from ..platform import OUTSIDE_ACCOUNT, Platform

AREA = "mlflow"
USE = "docs/mlflow.md: a notebook logs runs with mlflow.set_tracking_uri(<ARN>); issue #22"
IAM_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-create-tracking-server-iam.html"
REGISTRATION = "https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-track-experiments-model-registration.html"
ONE = "issue #22: each persona's MLflow access is scoped to its team's one app or tracking server"
LEAST = "issue #22: MLflow's role reaches its artefact prefix, the data key through S3, and its registry groups"


def _use_calls(kind: MlflowKind) -> tuple[str, str, str]:
    """(REST API call, presigned UI URL, describe) of an MLflow of ``kind``."""
    if kind == MlflowKind.APP:
        return ("sagemaker:CallMlflowAppApi", "sagemaker:CreatePresignedMlflowAppUrl", "sagemaker:DescribeMlflowApp")
    return (
        "sagemaker-mlflow:LogMetric",
        "sagemaker:CreatePresignedMlflowTrackingServerUrl",
        "sagemaker:DescribeMlflowTrackingServer",
    )


def _other(platform: Platform, kind: MlflowKind, account: str) -> str:
    resource = "mlflow-app/app-another00001" if kind == MlflowKind.APP else "mlflow-tracking-server/another"
    return platform.arn("sagemaker", account, resource)


def _team(platform: Platform, slug: str, stage: str, kind: MlflowKind) -> list[Flow]:
    path = f"{stage}/Mlflow/Mlflow/{'App' if kind == MlflowKind.APP else 'TrackingServer'}"
    arn = platform.attr(path, "Arn" if kind == MlflowKind.APP else "TrackingServerArn")
    account = arn.split(":")[4]
    api, presign, describe = _use_calls(kind)
    ds, mle = platform.role(slug, "sm-data-scientist"), platform.role(slug, "sm-ml-engineer")
    flows: list[Flow] = []
    for who, role in (("data scientist", ds), ("ML engineer", mle)):
        flows += [
            allow(f"{slug}: {who} logs to the team's MLflow ({api})", role, api, arn, USE),
            allow(f"{slug}: {who} opens the MLflow UI", role, presign, arn, USE),
            allow(f"{slug}: {who} resolves the MLflow ARN", role, describe, arn, USE),
        ]
    flows += [
        deny(
            f"{slug}: data scientist logs to another MLflow of the account",
            ds,
            api,
            _other(platform, kind, account),
            ONE,
        ),
        deny(
            f"{slug}: data scientist logs to another account's MLflow",
            ds,
            api,
            _other(platform, kind, OUTSIDE_ACCOUNT),
            ONE,
        ),
        deny(
            f"{slug}: platform admin logs to the team's MLflow",
            platform.role(slug, "sm-platform-admin"),
            api,
            arn,
            "platform admins look after the domain and build nothing (XC-9)",
        ),
        deny(f"{slug}: data scientist deletes the team's MLflow", ds, _delete(kind), arn, "MLflow is the platform's"),
    ]
    for team in platform.teams():
        if team.slug != slug:
            other = platform.role(team.slug, "sm-data-scientist")
            flows.append(deny(f"{slug}: {team.slug}'s data scientist logs to it", other, api, arn, ONE))
    return flows + _role(platform, slug, stage, arn)


def _delete(kind: MlflowKind) -> str:
    return "sagemaker:DeleteMlflowApp" if kind == MlflowKind.APP else "sagemaker:DeleteMlflowTrackingServer"


def _role(platform: Platform, slug: str, stage: str, arn: str) -> list[Flow]:
    team = next(t for t in platform.config.accounts.data_science if t.name == slug)
    assert team.mlflow is not None
    role = platform.role(slug, "sm-mlflow")
    account = role.account
    bucket = platform.bucket(stage, "Projects")
    prefix = f"arn:aws:s3:::{bucket}/{team.mlflow.artefact_prefix}"
    artefact = f"{prefix}/1/0123456789abcdef/artifacts/model/model.pkl"
    key = platform.key(stage, "DataKey")
    via_s3 = {"kms:ViaService": f"s3.{platform.region}.amazonaws.com"}
    r = f"{slug}: MLflow's role"
    flows = [
        allow(
            f"{r}: SageMaker assumes it",
            Service("sagemaker.amazonaws.com", account),
            "sts:AssumeRole",
            role.arn,
            IAM_DOC,
        ),
        allow(f"{r} writes an artefact", role, "s3:PutObject", artefact, IAM_DOC, resource_account=account),
        allow(f"{r} reads an artefact", role, "s3:GetObject", artefact, IAM_DOC, resource_account=account),
        allow(f"{r} encrypts with the data key", role, "kms:GenerateDataKey", key, IAM_DOC, context=via_s3),
        allow(f"{r} decrypts with the data key", role, "kms:Decrypt", key, IAM_DOC, context=via_s3),
        deny(
            f"{r} writes outside its prefix",
            role,
            "s3:PutObject",
            f"arn:aws:s3:::{bucket}/datasets/x",
            LEAST,
            resource_account=account,
        ),
        deny(
            f"{r} writes to another bucket",
            role,
            "s3:PutObject",
            f"arn:aws:s3:::{platform.naming(slug).bucket('labeling')}/{team.mlflow.artefact_prefix}/x",
            LEAST,
            resource_account=account,
        ),
        deny(f"{r} decrypts outside S3", role, "kms:Decrypt", key, LEAST),
        deny(
            f"{r}: SageMaker for another account assumes it",
            Service("sagemaker.amazonaws.com", OUTSIDE_ACCOUNT),
            "sts:AssumeRole",
            role.arn,
            "confused-deputy guard (aws:SourceAccount) on the MLflow role's trust",
        ),
    ]
    groups = sorted({b.model_package_group for b in platform.config.model_builds if b.team == slug})
    if not (groups and team.mlflow.automatic_model_registration):
        return flows
    kind = mlflow_kind(platform.region, team.mlflow.kind)
    suffix = registration_suffix(arn.rsplit("/", 1)[1]) if kind == MlflowKind.TRACKING_SERVER else "1a2b3c"
    synced = f"{groups[0]}-{suffix}"
    group_arn = platform.arn("sagemaker", account, f"model-package-group/{synced}")
    return [
        *flows,
        allow(
            f"{r} creates the registry group of an MLflow model",
            role,
            "sagemaker:CreateModelPackageGroup",
            group_arn,
            REGISTRATION,
        ),
        allow(
            f"{r} registers an MLflow model version",
            role,
            "sagemaker:CreateModelPackage",
            platform.arn("sagemaker", account, f"model-package/{synced}/1"),
            REGISTRATION,
        ),
        deny(
            f"{r} registers into the release group itself",
            role,
            "sagemaker:CreateModelPackage",
            platform.arn("sagemaker", account, f"model-package/{groups[0]}/1"),
            "issue #22: only the pipeline's registration step feeds the release path (docs/mlflow.md)",
        ),
        deny(
            f"{r} approves a model version",
            role,
            "sagemaker:UpdateModelPackage",
            platform.arn("sagemaker", account, f"model-package/{groups[0]}/1"),
            "REG-4: approval is a person's decision in the release group",
        ),
    ]


def flows(platform: Platform) -> list[Flow]:
    settings = {t.name: t.mlflow for t in platform.config.accounts.data_science if t.mlflow is not None}
    found: list[Flow] = []
    for team in (t for t in platform.teams() if t.slug in settings):
        kind = mlflow_kind(platform.region, settings[team.slug].kind)
        if kind is not None:
            found += _team(platform, team.slug, team.stage_id, kind)
    return in_area(AREA, found)
