"""Runtime flows of the Lambda functions: every AWS call their code makes (``lambda_calls``), on the
resource it really calls in the example config, and what Lambda does with their roles around the
code: logs, VPC network interfaces, event source mappings, dead-letter queues (issue #17).

Resources come from each function's environment and stack (the feature group it writes, the role it
assumes, the table it records in), so a flow follows the deployed wiring, not a guess. A call made
with assumed credentials is a flow of the assumed role, next to the ``sts:AssumeRole`` flow that gets
them (the engine then checks the trust policy too).
"""

from __future__ import annotations

import json

from ..model import Flow, OutsideRole, Role
from ..platform import Platform
from .lambda_functions import (
    AREA,
    CROSS_ACCOUNT,
    DDB_KEY_DOC,
    GT_DOC,
    IDEMPOTENCY_DOC,
    INGEST,
    LOOKUP,
    ONLINE_KEY_DOC,
    PATHS,
    PREDICT,
    RETRAIN,
    S3_KEY_DOC,
    TEARDOWN_DOC,
    Function,
    functions,
    online_store_key,
    plumbing,
    properties,
    sagemaker_arn,
    sagemaker_names,
    via,
)

__all__ = ["AREA", "flows"]

EXECUTIONS_DOC = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ListMonitoringExecutions.html"


# -- the code's calls, one builder per folder ------------------------------------------------------------
def assume(fn: Function, assumed: Role, why: str) -> Flow:
    return fn.allow(f"assumes {assumed.arn.split('/')[-1]}", "sts:AssumeRole", assumed.arn, f"{why}; {CROSS_ACCOUNT}")


def feature_ingestion(fn: Function) -> list[Flow]:
    p, name = fn.platform, fn.env("FEATURE_GROUP_NAME")
    group, key = sagemaker_arn(p, "FeatureGroup", name, fn.account), online_store_key(p, name)
    flows = [
        fn.allow("puts records into its feature group", "sagemaker:PutRecord", group, INGEST),
        fn.allow("decrypts with the online store key", "kms:Decrypt", key, ONLINE_KEY_DOC),
    ]
    for other in (g for g in sagemaker_names(p, "FeatureGroup", fn.account) if g != name):
        group = sagemaker_arn(p, "FeatureGroup", other, fn.account)
        flows.append(fn.deny(f"puts records into {other}", "sagemaker:PutRecord", group, INGEST))
    return flows


def labeling_post_annotation(fn: Function) -> list[Flow]:
    p, team = fn.platform, fn.path.split("/")[0]
    bucket = properties(p, f"{team}/Data/Labeling/Bucket/Resource")
    [encryption] = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]  # Ground Truth's output key too
    key = str(encryption["ServerSideEncryptionByDefault"]["KMSMasterKeyID"])
    request = "annotations/consolidated-annotation/consolidation-request/iteration-1/2025-01-01_00:00:00.json"
    payload = f"arn:aws:s3:::{bucket['BucketName']}/output/aq-labels/{request}"  # docs/labeling.md S3OutputPath
    projects = f"arn:aws:s3:::{p.bucket(team, 'Projects')}/datasets/openaq.parquet"
    return [
        fn.allow("reads the worker answers", "s3:GetObject", payload, GT_DOC),
        fn.allow("decrypts the worker answers", "kms:Decrypt", key, S3_KEY_DOC, context=via(p, "s3")),
        fn.deny("writes the labeling output", "s3:PutObject", payload, f"{GT_DOC}: Ground Truth writes, it reads"),
        fn.deny("reads the team's projects bucket", "s3:GetObject", projects, f"{GT_DOC}: the labeling bucket only"),
    ]


def portfolio_lookup(fn: Function) -> list[Flow]:
    p = fn.platform
    [hub] = [Role(str(c["HubRoleArn"])) for _, c in fn.resources("Custom::PortfolioLookup")]
    portfolio = p.arn("catalog", hub.account, "portfolio/port-example")
    lookalike = OutsideRole(p.role("prod", "sc-portfolio-lookup").arn, p.organization_id)  # prod is no spoke
    return [
        assume(fn, hub, LOOKUP),
        fn.allow("lists the hub portfolios as the reader", "servicecatalog:ListPortfolios", "*", LOOKUP, hub),
        fn.deny("reader shares the portfolio onwards", "servicecatalog:CreatePortfolioShare", portfolio, LOOKUP, hub),
        fn.deny("assumes the data lake feature writer", "sts:AssumeRole", p.role("datalake", "fs-writer").arn, LOOKUP),
        fn.deny("a prod role named like it assumes the reader", "sts:AssumeRole", hub.arn, LOOKUP, lookalike),
    ]


def realtime_prediction(fn: Function) -> list[Flow]:
    p, name, endpoint = fn.platform, fn.env("FEATURE_GROUP_NAME"), fn.env("ENDPOINT_NAME")
    reader = Role(fn.env("FEATURE_STORE_ROLE_ARN", fn.role.arn))  # unset: the group is in its own account
    group, key = sagemaker_arn(p, "FeatureGroup", name, reader.account), online_store_key(p, name)
    own = sagemaker_arn(p, "Endpoint", endpoint, fn.account)
    others = [e for e in sagemaker_names(p, "Endpoint", fn.account) if e != endpoint][:1]
    return [
        assume(fn, reader, PREDICT),
        fn.allow("reads the latest features as the online reader", "sagemaker:GetRecord", group, PREDICT, reader),
        fn.allow("online reader decrypts the online store", "kms:Decrypt", key, ONLINE_KEY_DOC, reader),
        fn.allow("invokes its endpoint", "sagemaker:InvokeEndpoint", own, PREDICT),
        fn.deny("online reader writes a record", "sagemaker:PutRecord", group, f"{PREDICT}: it only reads", reader),
        fn.deny("reads features with its own role", "sagemaker:GetRecord", group, f"{PREDICT}: through the reader"),
        *(
            fn.deny(f"invokes {e}", "sagemaker:InvokeEndpoint", sagemaker_arn(p, "Endpoint", e, fn.account), PREDICT)
            for e in others
        ),
    ]


def retraining_trigger(fn: Function) -> list[Flow]:
    p, flows, start = fn.platform, [], "sagemaker:StartPipelineExecution"
    neighbours = sorted({f.role.arn for f in functions(p, "realtime_prediction") if f.account == fn.account})
    for target in json.loads(fn.env("TARGETS")).values():
        team_role, pipeline = Role(target["role_arn"]), target["pipeline_arn"]
        name = pipeline.rsplit("/", 1)[-1]
        sagemaker_arn(p, "Pipeline", name, team_role.account)  # the pipeline the target names exists there
        flows += [
            assume(fn, team_role, RETRAIN),
            fn.allow(f"starts {name} as the team role", start, pipeline, RETRAIN, team_role),
            fn.deny(f"starts {name} with its own role", start, pipeline, RETRAIN),
        ]
        for team in (t for t in p.teams() if t.account_id != team_role.account):  # teams it is not configured for
            for other in sagemaker_names(p, "Pipeline", team.account_id):
                arn = sagemaker_arn(p, "Pipeline", other, team.account_id)
                flows.append(fn.deny(f"team role starts {other}", start, arn, RETRAIN, team_role))
        for neighbour in neighbours:  # the trust names the trigger's role alone
            does = f"{neighbour.split('/')[-1]} assumes {team_role.arn.split('/')[-1]}"
            flows.append(fn.deny(does, "sts:AssumeRole", team_role.arn, RETRAIN, Role(neighbour)))
    # Whether a monitoring job found violations comes from its execution's status; the List action has no
    # resource type in IAM (Service Authorization Reference), so the request is on "*".
    flows.append(fn.allow("lists monitoring executions", "sagemaker:ListMonitoringExecutions", "*", EXECUTIONS_DOC))
    [table] = [t for _, t in fn.resources("AWS::DynamoDB::Table")]
    table_arn = p.arn("dynamodb", fn.account, f"table/{fn.env('IDEMPOTENCY_TABLE')}")
    for a in ("GetItem", "PutItem", "UpdateItem", "DeleteItem"):
        flows.append(fn.allow(f"idempotency record ({a})", f"dynamodb:{a}", table_arn, IDEMPOTENCY_DOC))
    key, context = str(table["SSESpecification"]["KMSMasterKeyId"]), via(p, "dynamodb")
    flows.append(fn.allow("decrypts the idempotency table key", "kms:Decrypt", key, DDB_KEY_DOC, context=context))
    return flows


def studio_teardown(fn: Function) -> list[Flow]:
    [domain] = [str(c["DomainId"]) for _, c in fn.resources("Custom::StudioTeardown")]
    users = [str(u["UserProfileName"]) for _, u in fn.resources("AWS::SageMaker::UserProfile")] or ["default-user"]
    why = TEARDOWN_DOC

    def sm(resource: str) -> str:
        return fn.platform.arn("sagemaker", fn.account, resource)

    flows = [
        fn.allow("lists the domain's apps", "sagemaker:ListApps", "*", why),
        fn.allow("deletes a user's app", "sagemaker:DeleteApp", sm(f"app/{domain}/{users[0]}/JupyterLab/default"), why),
        fn.deny("deletes the domain", "sagemaker:DeleteDomain", sm(f"domain/{domain}"), why),
        fn.deny(
            "deletes another domain's app", "sagemaker:DeleteApp", sm("app/d-otherdomain1/x/JupyterLab/default"), why
        ),
    ]
    if fn.props["Handler"].endswith("is_complete"):  # only the poll deletes spaces (teardown.check_teardown)
        flows += [
            fn.allow("lists the domain's spaces", "sagemaker:ListSpaces", "*", why),
            fn.allow("deletes a space", "sagemaker:DeleteSpace", sm(f"space/{domain}/{users[0]}-space"), why),
            fn.deny(
                "deletes a user profile", "sagemaker:DeleteUserProfile", sm(f"user-profile/{domain}/{users[0]}"), why
            ),
        ]
    return flows


CODE_FLOWS = {
    "feature_ingestion": feature_ingestion,
    "labeling_post_annotation": labeling_post_annotation,
    "portfolio_lookup": portfolio_lookup,
    "realtime_prediction": realtime_prediction,
    "retraining_trigger": retraining_trigger,
    "studio_teardown": studio_teardown,
}  # labeling_pre_annotation calls no AWS API: only its plumbing


def flows(platform: Platform) -> list[Flow]:
    found: list[Flow] = []
    for folder in PATHS:
        for fn in functions(platform, folder):
            found += plumbing(fn) + (CODE_FLOWS[folder](fn) if folder in CODE_FLOWS else [])
    return found
