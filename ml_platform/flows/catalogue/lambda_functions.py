"""What Lambda does with a function's role around its code (logs, VPC network interfaces, event
sources, dead-letter queues), and the names a function's flows need (issue #17).

``lambdas.py`` builds the flows of each function's own AWS calls on top of these.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..model import ContextValue, Flow, Principal, Role, Service, allow, deny
from ..platform import Platform

AREA = "lambdas"
ROLE_DOC = "Lambda execution role, https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html"
VPC_DOC = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions"
KINESIS_DOC = "https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (execution role permissions)"
STREAM_KEY_DOC = "https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html (consumers)"
ON_FAILURE_DOC = "https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html"
ASYNC_DLQ_DOC = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html#invocation-dlq"
SQS_KEY_DOC = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html"
EB_DLQ_DOC = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html"
EB_LAMBDA_DOC = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html"
ONLINE_KEY_DOC = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OnlineStoreSecurityConfig.html"
S3_KEY_DOC = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html (kms:Decrypt to download)"
DDB_KEY_DOC = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html"
IDEMPOTENCY_DOC = "https://docs.powertools.aws.dev/lambda/python/latest/utilities/idempotency/#iam-permissions"
CROSS_ACCOUNT = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_aws-accounts.html"
GT_DOC = "book ch3; https://docs.aws.amazon.com/sagemaker/latest/dg/sms-custom-templates-step3-lambda-requirements.html"
TEARDOWN_DOC = (
    "docs/data-science-account.md; https://docs.aws.amazon.com/sagemaker/latest/dg/gs-studio-delete-domain.html"
)
INGEST = "book ch5 streaming ingestion: one PutRecord per Kinesis record, into the stream's own group (XA-5)"
PREDICT = "book ch5 online predictions: latest features from the central online store, then the endpoint (XA-5, AS-11)"
LOOKUP = "docs/service-catalog.md (book ch2): the spoke reads the hub portfolio ID with the hub's read-only role"
RETRAIN = "book ch11-12, docs/monitoring.md: violations start the team's pipeline with its trigger role"

# Function folder -> construct paths of the functions that run it (a folder may run in several).
PATHS = {
    "feature_ingestion": r"DataLake/Ingestion/Stream-[^/]+/Ingest/Function/Resource",
    "labeling_pre_annotation": r"DataScience-[^/]+/Labeling/PreAnnotation/Function/Resource",
    "labeling_post_annotation": r"DataScience-[^/]+/Labeling/PostAnnotation/Function/Resource",
    "portfolio_lookup": r"DataScience-[^/]+/ServiceCatalog/PortfolioLookup/Lookup/Function/Resource",
    "realtime_prediction": r"(Test|Production)/Prediction/Predict-[^/]+/Function/Resource",
    "retraining_trigger": r"(Test|Production)/Monitoring/Retraining/Function/Function/Resource",
    "studio_teardown": r"DataScience-[^/]+/Studio/Teardown/(OnEvent|IsComplete)/Function/Resource",
}


@dataclass(frozen=True)
class Function:
    """A deployed function: its role, environment and stack, for the flows of its calls."""

    platform: Platform
    folder: str
    path: str

    @property
    def label(self) -> str:  # e.g. "realtime_prediction Production/Prediction/Predict-weather-now"
        return f"{self.folder} {self.path.removesuffix('/Resource').removesuffix('/Function')}"

    @property
    def props(self) -> Mapping[str, Any]:
        return properties(self.platform, self.path)

    @property
    def role(self) -> Role:
        return self.platform.function_role(self.path)

    @property
    def account(self) -> str:
        return self.role.account

    def env(self, name: str, default: str | None = None) -> str:
        value = self.props.get("Environment", {}).get("Variables", {}).get(name, default)
        if value is None:
            raise ValueError(f"{self.path}: no environment variable {name}")
        return str(value)

    def resources(self, kind: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """Logical ID and resolved properties of every resource of ``kind`` in the function's stack."""
        stack = self.platform.find(self.path)[0]
        for logical_id, resource in stack.resources.items():
            if resource["Type"] == kind:
                yield logical_id, self.platform.resolver.resolve(stack, resource.get("Properties", {}))

    def allow(self, does: str, action: str, resource: str, why: str, who: Principal | None = None, **kw: Any) -> Flow:
        """A flow the function's role (or ``who``, e.g. a role it assumes) must be allowed."""
        return allow(f"{AREA} {self.label}: {does}", who or self.role, action, resource, why, area=AREA, **kw)

    def deny(self, does: str, action: str, resource: str, why: str, who: Principal | None = None, **kw: Any) -> Flow:
        return deny(f"{AREA} {self.label}: {does}", who or self.role, action, resource, why, area=AREA, **kw)


def functions(platform: Platform, folder: str) -> list[Function]:
    pattern = re.compile(PATHS[folder])
    stacks = (s for s in platform.assembly.stacks if s.stage != "Products")  # product launches run no lambda/ code
    paths = (r.get("Metadata", {}).get("aws:cdk:path", "") for s in stacks for r in s.resources.values())
    return [Function(platform, folder, path) for path in paths if pattern.fullmatch(path)]


def properties(platform: Platform, path: str) -> Mapping[str, Any]:
    """The resolved properties of the resource at ``path``."""
    stack, logical_id = platform.find(path)
    props: Mapping[str, Any] = platform.resolver.resolve(stack, stack.resources[logical_id]["Properties"])
    return props


def via(platform: Platform, service: str) -> dict[str, ContextValue]:
    return {"kms:ViaService": f"{service}.{platform.region}.amazonaws.com"}


def sagemaker_names(platform: Platform, kind: str, account: str) -> list[str]:
    """Names of the SageMaker resources of ``kind`` (Endpoint, Pipeline...) the stacks of ``account`` create."""
    return sorted(
        str(r["Properties"][f"{kind}Name"])
        for stack in platform.assembly.in_account(account)
        if stack.stage != "Products"  # the platform's own, not what a product launch creates
        for r in stack.resources.values()
        if r["Type"] == f"AWS::SageMaker::{kind}" and f"{kind}Name" in r["Properties"]
    )


def sagemaker_arn(platform: Platform, kind: str, name: str, account: str) -> str:
    """The ARN of SageMaker resource ``name``, which a stack of ``account`` must create."""
    if name not in sagemaker_names(platform, kind, account):
        raise ValueError(f"no stack of {account} creates SageMaker {kind} {name}")
    arn_kind = re.sub(r"(?<!^)([A-Z])", r"-\1", kind).lower()  # FeatureGroup -> feature-group
    return platform.arn("sagemaker", account, f"{arn_kind}/{name}")


def online_store_key(platform: Platform, group: str) -> str:
    for stack in platform.assembly.stacks:
        for r in stack.resources.values():
            props = r.get("Properties", {})
            if r["Type"] == "AWS::SageMaker::FeatureGroup" and props["FeatureGroupName"] == group:
                return str(platform.resolver.resolve(stack, props["OnlineStoreConfig"]["SecurityConfig"]["KmsKeyId"]))
    raise ValueError(f"no stack creates feature group {group}")


# -- what Lambda does with the function's role around the code -------------------------------------------
def send_to_queue(fn: Function, who: Role | Service, queue: str, why: str, what: str) -> list[Flow]:
    """SendMessage to an SSE-KMS queue needs GenerateDataKey (and, for a role, Decrypt) on its key too."""
    name = queue.split(":")[-1]
    [key] = [str(q["KmsMasterKeyId"]) for _, q in fn.resources("AWS::SQS::Queue") if q.get("QueueName") == name]
    kms = ("kms:GenerateDataKey",) if isinstance(who, Service) else ("kms:GenerateDataKey", "kms:Decrypt")
    context = via(fn.platform, "sqs")
    return [
        fn.allow(f"{what}: sends to {name}", "sqs:SendMessage", queue, why, who),
        *(fn.allow(f"{what}: {a} for {name}", a, key, SQS_KEY_DOC, who, context=context) for a in kms),
    ]


def plumbing(fn: Function) -> list[Flow]:
    """Logs, VPC network interfaces, event source mappings, dead-letter queues, EventBridge targets."""
    p, arn = fn.platform, fn.platform.attr(fn.path)
    stream = p.arn("logs", fn.account, f"log-group:{fn.props['LoggingConfig']['LogGroup']}:log-stream:x")
    flows = [
        fn.allow(f"writes its log ({a})", a, stream, ROLE_DOC) for a in ("logs:CreateLogStream", "logs:PutLogEvents")
    ]
    if fn.props.get("VpcConfig"):
        enis = ("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface")
        flows += [fn.allow(f"attaches to its VPC ({a})", a, "*", VPC_DOC) for a in enis]
    streams = {s["Name"]: str(s["StreamEncryption"]["KeyId"]) for _, s in fn.resources("AWS::Kinesis::Stream")}
    for _, mapping in fn.resources("AWS::Lambda::EventSourceMapping"):
        if arn != p.arn("lambda", fn.account, f"function:{mapping['FunctionName']}"):
            continue
        source = str(mapping["EventSourceArn"])
        reads = ("GetRecords", "GetShardIterator", "DescribeStream", "DescribeStreamSummary", "ListShards")
        flows += [fn.allow(f"event source reads the stream ({a})", f"kinesis:{a}", source, KINESIS_DOC) for a in reads]
        key, context = streams[source.split("/")[-1]], via(p, "kinesis")
        flows.append(fn.allow("event source decrypts the stream", "kms:Decrypt", key, STREAM_KEY_DOC, context=context))
        if failed := mapping.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination"):
            flows += send_to_queue(fn, fn.role, str(failed), ON_FAILURE_DOC, "event source on failure")
    if dead_letters := fn.props.get("DeadLetterConfig", {}).get("TargetArn"):
        flows += send_to_queue(fn, fn.role, str(dead_letters), ASYNC_DLQ_DOC, "failed async event")
    for logical_id, rule in fn.resources("AWS::Events::Rule"):
        for target in (t for t in rule.get("Targets", []) if t["Arn"] == arn):
            rule_arn = str(p.resolver.get_att(p.find(fn.path)[0], logical_id, "Arn"))
            events, name = Service("events.amazonaws.com", fn.account, rule_arn), f"rule {rule_arn.split('/')[-1]}"
            flows.append(fn.allow(f"{name} invokes it", "lambda:InvokeFunction", arn, EB_LAMBDA_DOC, events))
            if "DeadLetterConfig" in target:
                flows += send_to_queue(fn, events, str(target["DeadLetterConfig"]["Arn"]), EB_DLQ_DOC, name)
    return flows
