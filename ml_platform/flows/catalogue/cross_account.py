"""Paths between accounts (book ch14): team roles to the central feature store, the teams'
image pulls, links to the observability sink, and the walls that must hold: test never writes
prod, nothing outside the organisation gets in, teams read curated data only through Lake
Formation (issue #17).

``OutsideRole`` principals get every permission on their own side, so the resource side alone
must refuse them.
"""

from __future__ import annotations

from ..model import Flow, OutsideRole, allow, deny, in_area
from ..platform import OUTSIDE_ACCOUNT, OUTSIDE_ORGANIZATION, Platform

AREA = "cross-account"
CH14 = "book ch14: cross-account access by exact accounts and roles, inside the organisation"
OAM_DOC = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Unified-Cross-Account-Setup.html"
OFFLINE_PREFIX = "feature-store/"  # ml_platform/stacks/feature_store.py
ASSUME = "sts:AssumeRole"


def _outsider(name: str) -> OutsideRole:
    """Role ``name`` of an account outside the organisation."""
    return OutsideRole(f"arn:aws:iam::{OUTSIDE_ACCOUNT}:role/{name}", OUTSIDE_ORGANIZATION)


def _unmanaged(platform: Platform, account: str, name: str) -> OutsideRole:
    """Role ``name`` of ``account`` in the organisation that no platform stack creates."""
    return OutsideRole(f"arn:aws:iam::{account}:role/{name}", platform.organization_id)


def _feature_store(platform: Platform) -> list[Flow]:
    lake = platform.account("datalake")
    writer, offline = platform.role("datalake", "fs-writer"), platform.role("datalake", "fs-offline-reader")
    group = platform.arn("sagemaker", lake, "feature-group/weather-observations-v1")
    bucket = platform.bucket("DataLake", "OfflineStore")
    objects = f"arn:aws:s3:::{bucket}/{OFFLINE_PREFIX}{lake}/sagemaker/{platform.region}/offline-store/part.parquet"
    flows = [
        allow("the writer role puts feature records", writer, "sagemaker:PutRecord", group, "XA-5 (book ch5, ch14)"),
        allow("the offline reader reads the offline store", offline, "s3:GetObject", objects, "XA-5 (book ch14)"),
        deny(
            "the offline reader writes the offline store",
            offline,
            "s3:PutObject",
            objects,
            "XA-5: the offline reader only reads",
        ),
        deny(
            "the writer role deletes a feature group",
            writer,
            "sagemaker:DeleteFeatureGroup",
            group,
            "feature groups are the data lake's (stateful, book ch5)",
        ),
    ]
    for team in platform.teams():
        jobs = platform.role(team.slug, "sm-jobs")
        admin = _unmanaged(platform, team.account_id, "TeamAdministrator")
        flows += [
            allow(f"{team.slug}'s jobs assume the offline reader", jobs, ASSUME, offline.arn, "XA-5 (book ch14)"),
            allow(
                f"{team.slug}'s data scientist chains into the writer with the user's source identity",
                platform.role(team.slug, "sm-data-scientist"),
                "sts:SetSourceIdentity",
                writer.arn,
                "issue #22: role chaining keeps the source identity; both sides must allow it "
                "(https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access-how-to.html)",
            ),
            deny(
                f"{team.slug}'s administrator role sets a source identity on the writer",
                admin,
                "sts:SetSourceIdentity",
                writer.arn,
                "XA-5: only the team's SageMaker roles (aws:PrincipalArn)",
            ),
            deny(
                f"{team.slug}'s administrator role assumes the writer",
                admin,
                ASSUME,
                writer.arn,
                "XA-5: only the team's SageMaker roles (aws:PrincipalArn)",
            ),
        ]
    for slug in ("test", "prod"):
        admin = _unmanaged(platform, platform.account(slug), f"openaq-{slug}-sm-models")
        flows.append(
            deny(
                f"a {slug} role named like a builder assumes the writer",
                admin,
                ASSUME,
                writer.arn,
                "XA-5: hosting accounts read online features only",
            )
        )
    lookalike = _outsider("openaq-weatherproduct-sm-jobs")
    flows.append(
        deny("a look-alike role outside the organisation assumes the writer", lookalike, ASSUME, writer.arn, CH14)
    )
    return flows


def _images(platform: Platform) -> list[Flow]:
    repository = platform.arn("ecr", platform.account("shared"), "repository/openaq/weather-training")
    flows = [
        allow(
            f"{team.slug}'s jobs pull the training image",
            platform.role(team.slug, "sm-jobs"),
            "ecr:BatchGetImage",
            repository,
            "XA-4 shared images (book ch14)",
        )
        for team in platform.teams()
    ]
    outsider = _outsider("puller")
    lake_admin = _unmanaged(platform, platform.account("datalake"), "Admin")
    flows += [
        deny(
            "an account outside the organisation pulls the training image",
            outsider,
            "ecr:BatchGetImage",
            repository,
            CH14,
        ),
        deny(
            "the data lake account pulls the training image",
            lake_admin,
            "ecr:BatchGetImage",
            repository,
            "XA-4: only the accounts that run models pull images",
        ),
    ]
    return flows


def _observability(platform: Platform) -> list[Flow]:
    sink = platform.attr("SharedServices/Observability/Sink")
    types = {"oam:ResourceTypes": ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"]}
    flows: list[Flow] = []
    for slug in [t.slug for t in platform.teams()] + ["test", "prod"]:
        deployer = OutsideRole(_cfn_exec_role(platform, slug), platform.organization_id)
        flows.append(
            allow(
                f"{slug} links its metrics and logs to the shared sink",
                deployer,
                "oam:CreateLink",
                sink,
                OAM_DOC,
                context=types,
            )
        )
    lake = OutsideRole(_cfn_exec_role(platform, "datalake"), platform.organization_id)
    prod = OutsideRole(_cfn_exec_role(platform, "prod"), platform.organization_id)
    outsider = _outsider("linker")
    traces = {"oam:ResourceTypes": ["AWS::CloudWatch::Metric", "AWS::XRay::Trace"]}
    why = "the sink admits the data science, test and prod accounts and two resource types (book ch14)"
    flows += [
        deny("the data lake links to the sink", lake, "oam:CreateLink", sink, why, context=types),
        deny(
            "an account outside the organisation links to the sink",
            outsider,
            "oam:CreateLink",
            sink,
            why,
            context=types,
        ),
        deny("prod shares traces with the sink", prod, "oam:CreateLink", sink, why, context=traces),
    ]
    return flows


def _cfn_exec_role(platform: Platform, slug: str) -> str:
    """The CDK bootstrap's CloudFormation execution role, which creates the stacks' resources."""
    account = platform.account(slug)
    return f"arn:aws:iam::{account}:role/cdk-hnb659fds-cfn-exec-role-{account}-{platform.region}"


def _walls(platform: Platform) -> list[Flow]:
    """Test never writes prod; teams reach the data lake's buckets only through Lake Formation."""
    prod = platform.roles[-1]
    test_admin = _unmanaged(platform, platform.account("test"), "Admin")
    test_models = platform.role("test", "sm-models")
    inference = f"arn:aws:s3:::{platform.bucket(prod.stage_id, 'Inference')}/async/weather-prediction/x"
    why = "XA-2: test and prod are separate accounts; nothing in prod names test"
    flows = [
        deny("test writes prod's inference bucket", test_admin, "s3:PutObject", inference, why),
        deny("test's model role reads prod's inference bucket", test_models, "s3:GetObject", inference, why),
        deny(
            "test decrypts with prod's data key", test_admin, "kms:Decrypt", platform.key(prod.stage_id, "DataKey"), why
        ),
        deny(
            "test publishes to prod's alerts topic",
            test_admin,
            "sns:Publish",
            platform.alerts_topic(prod.stage_id),
            why,
        ),
    ]
    curated = f"arn:aws:s3:::{platform.bucket('DataLake', 'Curated')}/openaq/realtime-parquet/part.parquet"
    raw = f"arn:aws:s3:::{platform.bucket('DataLake', 'Raw')}/openaq/x.json"
    lf = "XA-8: teams read curated tables through Lake Formation's vended credentials, not the bucket"
    for team in platform.teams():
        scientist = platform.role(team.slug, "sm-data-scientist")
        flows += [
            deny(
                f"{team.slug}'s data scientist reads the curated bucket directly",
                scientist,
                "s3:GetObject",
                curated,
                lf,
            ),
            deny(f"{team.slug}'s data scientist reads the raw zone", scientist, "s3:GetObject", raw, lf),
        ]
    outsider = _outsider("reader")
    flows.append(
        deny("an account outside the organisation reads the curated bucket", outsider, "s3:GetObject", curated, CH14)
    )
    reader = platform.role("shared", "sc-portfolio-reader")
    for team in platform.teams()[:1]:
        stranger = _unmanaged(platform, team.account_id, f"openaq-{team.slug}-sm-data-scientist")
        flows.append(
            deny(
                f"{team.slug}'s data scientist assumes the portfolio reader",
                stranger,
                ASSUME,
                reader.arn,
                "only the spokes' lookup functions read the portfolio ID (aws:PrincipalArn)",
            )
        )
    lookalike = _outsider("openaq-intruder-sc-portfolio-lookup")
    name = "a look-alike lookup role outside the organisation assumes the portfolio reader"
    flows.append(deny(name, lookalike, ASSUME, reader.arn, CH14))
    return flows


def flows(platform: Platform) -> list[Flow]:
    return in_area(AREA, [*_feature_store(platform), *_images(platform), *_observability(platform), *_walls(platform)])
