"""Services that deliver into the platform's accounts besides alarms and rules: Ground Truth's
task notifications, CloudWatch Logs' use of the logs keys, VPC flow logs (issue #17)."""

from __future__ import annotations

from ..model import Flow, Role, Service, allow, deny
from ..platform import OUTSIDE_ACCOUNT, Platform

AREA = "services"
SNS_KMS_DOC = "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html"
LOGS_KMS_DOC = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html"


def ground_truth(platform: Platform) -> list[Flow]:
    flows: list[Flow] = []
    doc = "https://docs.aws.amazon.com/sagemaker/latest/dg/sms-workforce-management-private-sns.html"
    for role in platform.teams():
        labeling = role.team_config.labeling if role.team_config else None
        if labeling is None:
            continue
        stage = role.stage_id
        topic = platform.ref(f"{stage}/Labeling/Workforce/Notifications/Resource")
        workteam = platform.arn("sagemaker", role.account_id, f"workteam/private-crowd/{labeling.workteam_name}")
        ground_truth = Service("sagemaker.amazonaws.com", role.account_id, workteam)
        other = Service(
            "sagemaker.amazonaws.com",
            OUTSIDE_ACCOUNT,
            platform.arn("sagemaker", OUTSIDE_ACCOUNT, "workteam/private-crowd/x"),
        )
        flows += [
            allow(f"Ground Truth notifies {role.slug}'s workers", ground_truth, "sns:Publish", topic, doc),
            allow(
                f"Ground Truth encrypts {role.slug}'s task notifications",
                ground_truth,
                "kms:GenerateDataKey",
                platform.key(stage, "LabelingKey"),
                SNS_KMS_DOC,
            ),
            deny(
                f"another account's work team publishes to {role.slug}'s worker topic",
                other,
                "sns:Publish",
                topic,
                "issue #17: the topic admits Ground Truth for this work team only",
            ),
        ]
    return flows


def logs_and_flow_logs(platform: Platform) -> list[Flow]:
    flows: list[Flow] = []
    logs = Service(f"logs.{platform.region}.amazonaws.com")
    for role in platform.roles:
        group = platform.arn(
            "logs", role.account_id, f"log-group:/aws/lambda/{platform.naming(role.slug).resource('any')}"
        )
        context = {"kms:EncryptionContext:aws:logs:arn": group}
        flows.append(
            allow(
                f"CloudWatch Logs encrypts {role.slug}'s log groups",
                logs,
                "kms:GenerateDataKey",
                platform.key(role.stage_id, "LogsKey"),
                LOGS_KMS_DOC,
                context=context,
            )
        )
    prod, test = platform.roles[-1], platform.account("test")
    foreign = {"kms:EncryptionContext:aws:logs:arn": platform.arn("logs", test, "log-group:/aws/lambda/x")}
    flows.append(
        deny(
            "CloudWatch Logs uses prod's logs key for test's log group",
            logs,
            "kms:GenerateDataKey",
            platform.key(prod.stage_id, "LogsKey"),
            "the logs key admits log groups of its own account only (encryption context)",
            context=foreign,
        )
    )
    for role in platform.roles:
        if role.slug in ("shared", "datalake"):
            continue
        flow_logs = Role(platform.attr(f"{role.stage_id}/Network/Network/Vpc/All/IAMRole/Resource"))
        group = platform.attr(f"{role.stage_id}/Network/Network/FlowLogs/Resource")
        source = Service(
            "vpc-flow-logs.amazonaws.com",
            role.account_id,
            platform.arn("ec2", role.account_id, "vpc-flow-log/fl-0123456789abcdef0"),
        )
        doc = "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html"
        flows += [
            allow(f"VPC flow logs assume {role.slug}'s delivery role", source, "sts:AssumeRole", flow_logs.arn, doc),
            allow(
                f"VPC flow logs write {role.slug}'s log group",
                flow_logs,
                "logs:PutLogEvents",
                group.replace(":*", ":log-stream:eni-1"),
                doc,
            ),
        ]
    outsider = Service(
        "vpc-flow-logs.amazonaws.com", OUTSIDE_ACCOUNT, platform.arn("ec2", OUTSIDE_ACCOUNT, "vpc-flow-log/fl-1")
    )
    prod_role = platform.attr(f"{prod.stage_id}/Network/Network/Vpc/All/IAMRole/Resource")
    flows.append(
        deny(
            "flow logs of another account assume prod's delivery role",
            outsider,
            "sts:AssumeRole",
            prod_role,
            "confused-deputy guard (aws:SourceAccount): https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
        )
    )
    return flows
