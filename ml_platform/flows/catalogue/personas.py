"""What each persona of a data science account may and may not do (XC-9, book ch2), and the
escalations that must stay closed (issue #17).

The capability table (``persona_capabilities.CAPABILITIES``) is evaluated for every persona
role and the jobs role of every team; docs/data-science-account.md's table is generated from
the engine's decisions, so the page cannot promise what IAM does not grant.
"""

from __future__ import annotations

from dataclasses import replace

from ...role_names import LABELING_ROLE_SUFFIX
from ...schema.studio import Persona
from ..model import Expect, Flow, deny
from ..platform import Platform
from .persona_capabilities import (
    AREA,
    CAPABILITIES,
    JOBS,
    TABLE_END,
    TABLE_START,
    WHO,
    XC9,
    Team,
    capability_flow,
    capability_table,
)

__all__ = ["AREA", "TABLE_END", "TABLE_START", "capability_table", "flows"]


def _escalations(t: Team) -> list[Flow]:
    """Issue #17, defect 2, and the other ways up the persona ladder."""
    ds, mle, admin, jobs = (t.role(w) for w in WHO)
    sagemaker = {"iam:PassedToService": "sagemaker.amazonaws.com"}
    approved = {"sagemaker:ModelApprovalStatus": "Approved"}
    package = t.sm("model-package/weather-pollution/8")
    e = f"{AREA} {t.slug}: escalation:"
    why = "issue #17: each persona passes only the roles its own work needs; approval starts the release"
    flows = [
        deny(f"{e} data scientist passes the ML engineer role", ds, "iam:PassRole", mle.arn, why, context=sagemaker),
        deny(
            f"{e} data scientist passes the platform admin role", ds, "iam:PassRole", admin.arn, why, context=sagemaker
        ),
        deny(f"{e} ML engineer passes the platform admin role", mle, "iam:PassRole", admin.arn, why, context=sagemaker),
        deny(f"{e} jobs role passes a persona role", jobs, "iam:PassRole", mle.arn, why, context=sagemaker),
        deny(
            f"{e} data scientist passes the jobs role to Lambda",
            ds,
            "iam:PassRole",
            jobs.arn,
            "PassRole only to SageMaker (iam:PassedToService), WA-SEC-7",
            context={"iam:PassedToService": "lambda.amazonaws.com"},
        ),
        deny(
            f"{e} data scientist registers a model already approved",
            ds,
            "sagemaker:CreateModelPackage",
            package,
            why,
            context=approved,
        ),
        deny(
            f"{e} jobs role registers a model already approved",
            jobs,
            "sagemaker:CreateModelPackage",
            package,
            why,
            context=approved,
        ),
        deny(f"{e} jobs role approves a model", jobs, "sagemaker:UpdateModelPackage", package, why, context=approved),
        deny(
            f"{e} data scientist starts a job without VPC subnets",
            ds,
            "sagemaker:CreateTrainingJob",
            t.sm("training-job/aq-open"),
            "WA-SEC-1/9: jobs run in the private subnets with a volume key",
            context={"sagemaker:VolumeKmsKeyArn": t.studio_key},
        ),
        deny(
            f"{e} data scientist starts a job without a volume key",
            ds,
            "sagemaker:CreateProcessingJob",
            t.sm("processing-job/aq-plain"),
            "WA-SEC-1/9: jobs run in the private subnets with a volume key",
            context={"sagemaker:VpcSubnets": t.subnets},
        ),
        deny(
            f"{e} data scientist creates an IAM role", ds, "iam:CreateRole", f"arn:aws:iam::{t.account}:role/mine", why
        ),
        deny(
            f"{e} data scientist deletes the Studio domain",
            ds,
            "sagemaker:DeleteDomain",
            t.sm(f"domain/{t.domain}"),
            XC9,
        ),
        deny(
            f"{e} data scientist reads the team bucket without TLS",
            ds,
            "s3:GetObject",
            f"arn:aws:s3:::{t.bucket}/datasets/openaq.parquet",
            "TLS-only buckets (non-negotiable 4, S3 bucket policy aws:SecureTransport)",
            context={"aws:SecureTransport": "false"},
        ),
    ]
    if t.platform.account_role(t.slug).team_config is not None and t.platform.account_role(t.slug).team_config.labeling:  # type: ignore[union-attr]
        labeling = t.platform.role(t.slug, f"sm-{LABELING_ROLE_SUFFIX}")
        flows.append(
            Flow(
                f"{AREA} {t.slug}: data scientist passes the labeling role to SageMaker",
                ds,
                "iam:PassRole",
                labeling.arn,
                Expect.ALLOW,
                "docs/labeling.md: data scientists start labeling jobs with the labeling role",
                context=sagemaker,
                area=AREA,
            )
        )
    return flows


def _across_teams(platform: Platform) -> list[Flow]:
    """A team's roles reach nothing of another team (book ch14: one account per team)."""
    teams = [Team(platform, r.slug) for r in platform.teams()]
    flows: list[Flow] = []
    for reader, owner in zip(teams, teams[1:] + teams[:1], strict=True):
        if reader.slug == owner.slug:
            continue
        why = "book ch14: teams are isolated by account; no bucket or key policy names another team"
        flows += [
            deny(
                f"{AREA} {reader.slug}: data scientist reads {owner.slug}'s bucket",
                reader.role(Persona.DATA_SCIENTIST),
                "s3:GetObject",
                f"arn:aws:s3:::{owner.bucket}/datasets/openaq.parquet",
                why,
            ),
            deny(
                f"{AREA} {reader.slug}: jobs role writes {owner.slug}'s bucket",
                reader.role(JOBS),
                "s3:PutObject",
                f"arn:aws:s3:::{owner.bucket}/models/stolen.tar.gz",
                why,
            ),
            deny(
                f"{AREA} {reader.slug}: data scientist decrypts with {owner.slug}'s data key",
                reader.role(Persona.DATA_SCIENTIST),
                "kms:Decrypt",
                platform.key(owner.stage, "DataKey"),
                why,
                context={"kms:ViaService": f"s3.{platform.region}.amazonaws.com"},
            ),
        ]
    return flows


def flows(platform: Platform) -> list[Flow]:
    found: list[Flow] = []
    for account in platform.teams():
        team = Team(platform, account.slug)
        found += [capability_flow(team, c, who) for c in CAPABILITIES for who in WHO]
        found += _escalations(team)
    return [replace(f, area=AREA) for f in found + _across_teams(platform)]
