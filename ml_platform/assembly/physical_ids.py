"""What ``Ref`` and ``Fn::GetAtt`` return for each resource type, at realistic length.

CloudFormation names an unnamed resource ``<stack name>-<logical ID>-<13 random characters>``
(cut to the type's limit), and AWS gives IDs (key IDs, VPC IDs) of a fixed shape. Here the
random part is a hash of the stack and logical ID: the same template always gives the same
values, and a policy measured with them is as long as the deployed one.

Formats use ``{name}`` (the physical name), ``{id}`` (the generated ID), ``{p}``, ``{r}``,
``{a}``, ``{s}`` (partition, region, account, the region's endpoint domain suffix), ``{path}``
(an IAM path) and ``{prop:Name}`` (another resolved property). A type or attribute not listed here
is an error, never a guess.
"""

from __future__ import annotations

import functools
import hashlib
import string
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Kind:
    ref: str
    attrs: Mapping[str, str] = field(default_factory=dict)
    name_props: tuple[str, ...] = ()  # properties that carry the physical name
    max_length: int = 128  # of a generated name
    lowercase: bool = False  # generated names (S3 buckets)
    id_format: str = ""  # how to generate {id}: "uuid", "hex17", "alnum13", ...
    arn_lowercase: bool = False  # SageMaker writes names lowercased in ARNs


def _sm(resource: str, name_prop: str, **extra: str) -> Kind:
    arn = f"arn:{{p}}:sagemaker:{{r}}:{{a}}:{resource}/{{lname}}"
    return Kind(ref=arn, attrs={f"{name_prop}": "{name}", **extra}, name_props=(name_prop,), max_length=63)


def _sm_job_definition(resource: str) -> Kind:
    arn = f"arn:{{p}}:sagemaker:{{r}}:{{a}}:{resource}/{{lname}}"
    return Kind(ref=arn, attrs={"JobDefinitionArn": arn}, name_props=("JobDefinitionName",), max_length=63)


_ROLE_ARN = "arn:{p}:iam::{a}:role{path}{name}"
_POLICY_ARN = "arn:{p}:iam::{a}:policy{path}{name}"

KINDS: dict[str, Kind] = {
    "AWS::IAM::Role": Kind("{name}", {"Arn": _ROLE_ARN, "RoleId": "AROA{id}"}, ("RoleName",), 64, id_format="ALNUM17"),
    "AWS::IAM::ManagedPolicy": Kind(_POLICY_ARN, {"PolicyArn": _POLICY_ARN}, ("ManagedPolicyName",), 128),
    "AWS::IAM::Policy": Kind("{name}", {}, ("PolicyName",), 128),
    "AWS::S3::Bucket": Kind(
        "{name}",
        {
            "Arn": "arn:{p}:s3:::{name}",
            "DomainName": "{name}.s3.amazonaws.com",
            "RegionalDomainName": "{name}.s3.{r}.{s}",
        },
        ("BucketName",),
        63,
        lowercase=True,
    ),
    "AWS::KMS::Key": Kind("{id}", {"Arn": "arn:{p}:kms:{r}:{a}:key/{id}", "KeyId": "{id}"}, id_format="uuid"),
    "AWS::KMS::Alias": Kind("{name}", {}, ("AliasName",)),
    "AWS::SNS::Topic": Kind(
        "arn:{p}:sns:{r}:{a}:{name}",
        {"TopicArn": "arn:{p}:sns:{r}:{a}:{name}", "TopicName": "{name}"},
        ("TopicName",),
        256,
    ),
    "AWS::SNS::TopicPolicy": Kind("{id}", id_format="alnum13"),
    "AWS::SQS::Queue": Kind(
        "https://sqs.{r}.{s}/{a}/{name}",
        {
            "Arn": "arn:{p}:sqs:{r}:{a}:{name}",
            "QueueName": "{name}",
            "QueueUrl": "https://sqs.{r}.{s}/{a}/{name}",
        },
        ("QueueName",),
        80,
    ),
    "AWS::Lambda::Function": Kind("{name}", {"Arn": "arn:{p}:lambda:{r}:{a}:function:{name}"}, ("FunctionName",), 64),
    "AWS::Events::EventBus": Kind(
        "{name}", {"Arn": "arn:{p}:events:{r}:{a}:event-bus/{name}", "Name": "{name}"}, ("Name",)
    ),
    "AWS::Events::Rule": Kind("{name}", {"Arn": "arn:{p}:events:{r}:{a}:rule/{bus}{name}"}, ("Name",), 64),
    "AWS::Logs::LogGroup": Kind("{name}", {"Arn": "arn:{p}:logs:{r}:{a}:log-group:{name}:*"}, ("LogGroupName",), 512),
    "AWS::StepFunctions::StateMachine": Kind(
        "arn:{p}:states:{r}:{a}:stateMachine:{name}",
        {"Arn": "arn:{p}:states:{r}:{a}:stateMachine:{name}", "Name": "{name}"},
        ("StateMachineName",),
        80,
    ),
    "AWS::Kinesis::Stream": Kind("{name}", {"Arn": "arn:{p}:kinesis:{r}:{a}:stream/{name}"}, ("Name",)),
    "AWS::DynamoDB::Table": Kind(
        "{name}",
        {"Arn": "arn:{p}:dynamodb:{r}:{a}:table/{name}", "StreamArn": "arn:{p}:dynamodb:{r}:{a}:table/{name}/stream/x"},
        ("TableName",),
        255,
    ),
    "AWS::CodeBuild::Project": Kind("{name}", {"Arn": "arn:{p}:codebuild:{r}:{a}:project/{name}"}, ("Name",), 150),
    "AWS::CodePipeline::Pipeline": Kind("{name}", {}, ("Name",), 100),
    "AWS::CloudWatch::Alarm": Kind("{name}", {"Arn": "arn:{p}:cloudwatch:{r}:{a}:alarm:{name}"}, ("AlarmName",), 255),
    "AWS::CloudWatch::Dashboard": Kind("{name}", {}, ("DashboardName",), 255),
    "AWS::ECR::Repository": Kind(
        "{name}",
        {"Arn": "arn:{p}:ecr:{r}:{a}:repository/{name}", "RepositoryUri": "{a}.dkr.ecr.{r}.{s}/{name}"},
        ("RepositoryName",),
        256,
        lowercase=True,
    ),
    "AWS::SSM::Parameter": Kind("{name}", {"Type": "{prop:Type}", "Value": "{prop:Value}"}, ("Name",), 2048),
    "AWS::Glue::Database": Kind("{name}", {}, ("DatabaseInput.Name",)),
    "AWS::Glue::Table": Kind("{name}", {}, ("TableInput.Name",)),
    "AWS::Glue::Job": Kind("{name}", {}, ("Name",)),
    "AWS::Glue::Trigger": Kind("{name}", {}, ("Name",)),
    "AWS::Glue::SecurityConfiguration": Kind("{name}", {}, ("Name",)),
    "AWS::EC2::VPC": Kind(
        "vpc-{id}", {"DefaultSecurityGroup": "sg-{id}", "CidrBlock": "{prop:CidrBlock}"}, id_format="hex17"
    ),
    "AWS::EC2::Subnet": Kind("subnet-{id}", {"SubnetId": "subnet-{id}"}, id_format="hex17"),
    "AWS::EC2::SecurityGroup": Kind("sg-{id}", {"GroupId": "sg-{id}"}, id_format="hex17"),
    "AWS::EC2::RouteTable": Kind("rtb-{id}", {}, id_format="hex17"),
    "AWS::EC2::VPCEndpoint": Kind("vpce-{id}", {"Id": "vpce-{id}"}, id_format="hex17"),
    "AWS::EC2::FlowLog": Kind("fl-{id}", {}, id_format="hex17"),
    "AWS::Cognito::UserPool": Kind(
        "{r}_{id}",
        {
            "Arn": "arn:{p}:cognito-idp:{r}:{a}:userpool/{r}_{id}",
            "ProviderName": "cognito-idp.{r}.{s}/{r}_{id}",
            "ProviderURL": "https://cognito-idp.{r}.{s}/{r}_{id}",
            "UserPoolId": "{r}_{id}",
        },
        id_format="Alnum9",
    ),
    "AWS::Cognito::UserPoolClient": Kind("{id}", {"ClientId": "{id}"}, id_format="alnum26"),
    "AWS::Cognito::UserPoolGroup": Kind("{name}", {}, ("GroupName",)),
    "AWS::Cognito::UserPoolDomain": Kind(
        "{name}", {"CloudFrontDistribution": "d{id}.cloudfront.net"}, ("Domain",), id_format="alnum13"
    ),
    "AWS::Oam::Sink": Kind("arn:{p}:oam:{r}:{a}:sink/{id}", {"Arn": "arn:{p}:oam:{r}:{a}:sink/{id}"}, id_format="uuid"),
    "AWS::Oam::Link": Kind("arn:{p}:oam:{r}:{a}:link/{id}", {"Arn": "arn:{p}:oam:{r}:{a}:link/{id}"}, id_format="uuid"),
    "AWS::ServiceCatalog::Portfolio": Kind("port-{id}", {"PortfolioName": "{prop:DisplayName}"}, id_format="alnum13"),
    "AWS::ServiceCatalog::CloudFormationProduct": Kind(
        "prod-{id}", {"ProductName": "{prop:Name}", "ProvisioningArtifactIds": "pa-{id}"}, id_format="alnum13"
    ),
    "AWS::ServiceCatalog::TagOption": Kind("tag-{id}", {}, id_format="alnum13"),
    "Custom::PortfolioLookup": Kind("{id}", {"PortfolioId": "port-{id}"}, id_format="alnum13"),
    "AWS::ApplicationAutoScaling::ScalableTarget": Kind("{id}", {}, id_format="alnum13"),
    "AWS::ApplicationAutoScaling::ScalingPolicy": Kind(
        "arn:{p}:autoscaling:{r}:{a}:scalingPolicy:{id}:resource/sagemaker/endpoint:policyName/{name}",
        {"Arn": "arn:{p}:autoscaling:{r}:{a}:scalingPolicy:{id}:resource/sagemaker/endpoint:policyName/{name}"},
        ("PolicyName",),
        256,
        id_format="uuid",
    ),
    "AWS::SageMaker::Domain": Kind(
        "arn:{p}:sagemaker:{r}:{a}:domain/d-{id}",
        {
            "DomainId": "d-{id}",
            "DomainArn": "arn:{p}:sagemaker:{r}:{a}:domain/d-{id}",
            "HomeEfsFileSystemId": "fs-{id}",
            "SecurityGroupIdForDomainBoundary": "sg-{id}",
            "Url": "https://d-{id}.studio.{r}.sagemaker.aws",
        },
        id_format="alnum12",
    ),
    "AWS::SageMaker::UserProfile": Kind(
        "arn:{p}:sagemaker:{r}:{a}:user-profile/{prop:DomainId}/{name}",
        {"UserProfileArn": "arn:{p}:sagemaker:{r}:{a}:user-profile/{prop:DomainId}/{name}"},
        ("UserProfileName",),
        63,
    ),
    "AWS::SageMaker::Model": _sm("model", "ModelName"),
    "AWS::SageMaker::EndpointConfig": _sm("endpoint-config", "EndpointConfigName"),
    "AWS::SageMaker::Endpoint": _sm("endpoint", "EndpointName"),
    "AWS::SageMaker::ModelPackageGroup": _sm(
        "model-package-group",
        "ModelPackageGroupName",
        ModelPackageGroupArn="arn:{p}:sagemaker:{r}:{a}:model-package-group/{lname}",
    ),
    "AWS::SageMaker::Pipeline": Kind(
        "{name}", {"PipelineArn": "arn:{p}:sagemaker:{r}:{a}:pipeline/{lname}"}, ("PipelineName",), 256
    ),
    # Managed MLflow (issue #22): an app's ARN ends in an ID the service generates; a tracking server's Ref is
    # its name (primaryIdentifier of each schema).
    "AWS::SageMaker::MlflowApp": Kind(
        "arn:{p}:sagemaker:{r}:{a}:mlflow-app/app-{id}",
        {"Arn": "arn:{p}:sagemaker:{r}:{a}:mlflow-app/app-{id}", "MlflowAppId": "app-{id}"},
        id_format="alnum12",
    ),
    "AWS::SageMaker::MlflowTrackingServer": Kind(
        "{name}",
        {"TrackingServerArn": "arn:{p}:sagemaker:{r}:{a}:mlflow-tracking-server/{name}"},
        ("TrackingServerName",),
        256,
    ),
    "AWS::SageMaker::Workteam": _sm("workteam/private-crowd", "WorkteamName"),
    "AWS::SageMaker::Workforce": Kind(
        "{name}",
        {
            "WorkforceArn": "arn:{p}:sagemaker:{r}:{a}:workforce/{name}",
            "SubDomain": "{id}.labeling.{r}.sagemaker.aws",
        },
        ("WorkforceName",),
        63,
        id_format="alnum12",
    ),
    "AWS::SageMaker::FeatureGroup": Kind("{name}", {}, ("FeatureGroupName",), 64),
    "AWS::SageMaker::NotebookInstance": _sm("notebook-instance", "NotebookInstanceName"),
    "AWS::SageMaker::NotebookInstanceLifecycleConfig": _sm(
        "notebook-instance-lifecycle-config", "NotebookInstanceLifecycleConfigName"
    ),
    "AWS::SageMaker::StudioLifecycleConfig": Kind(
        "{name}",
        {"StudioLifecycleConfigArn": "arn:{p}:sagemaker:{r}:{a}:studio-lifecycle-config/{lname}"},
        ("StudioLifecycleConfigName",),
        63,
    ),
    "AWS::SageMaker::MonitoringSchedule": Kind(
        "arn:{p}:sagemaker:{r}:{a}:monitoring-schedule/{lname}",
        {"MonitoringScheduleArn": "arn:{p}:sagemaker:{r}:{a}:monitoring-schedule/{lname}"},
        ("MonitoringScheduleName",),
        63,
    ),
    "AWS::SageMaker::DataQualityJobDefinition": _sm_job_definition("data-quality-job-definition"),
    "AWS::SageMaker::ModelQualityJobDefinition": _sm_job_definition("model-quality-job-definition"),
    "AWS::SageMaker::ModelBiasJobDefinition": _sm_job_definition("model-bias-job-definition"),
    "AWS::SageMaker::ModelExplainabilityJobDefinition": _sm_job_definition("model-explainability-job-definition"),
}

_ALPHABETS = {
    "hex": "0123456789abcdef",
    "alnum": string.ascii_lowercase + string.digits,
    "ALNUM": string.ascii_uppercase + string.digits,
    "Alnum": string.ascii_letters + string.digits,
}


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("/".join(parts).encode()).digest()


@functools.lru_cache(maxsize=1 << 16)  # pure, and asked for the same resources again and again (issue #23)
def generated_id(id_format: str, *seed: str) -> str:
    """A stable ID of the given shape for the resource named by ``seed``."""
    if id_format == "uuid":
        return str(uuid.UUID(bytes=_digest(*seed)[:16], version=4))
    alphabet_name = id_format.rstrip(string.digits)
    alphabet, length = _ALPHABETS[alphabet_name], int(id_format[len(alphabet_name) :])
    digest = _digest(*seed)
    return "".join(alphabet[b % len(alphabet)] for b in (digest * 2)[:length])


def generated_name(stack_name: str, logical_id: str, kind: Kind) -> str:
    """CloudFormation's name for an unnamed resource: stack name, logical ID and a random
    suffix, each part shortened so the whole fits the type's limit."""
    suffix = generated_id("ALNUM13", stack_name, logical_id)
    room = kind.max_length - len(suffix) - 2
    stack_part, logical_part = stack_name, logical_id
    while len(stack_part) + len(logical_part) > room:
        if len(stack_part) >= len(logical_part):
            stack_part = stack_part[:-1]
        else:
            logical_part = logical_part[:-1]
    name = f"{stack_part}-{logical_part}-{suffix}"
    return name.lower() if kind.lowercase else name
