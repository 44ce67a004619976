"""Private, isolated VPC for SageMaker: no internet path, only VPC endpoints (WA-SEC-1/2, AS-6)."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from ..compliance.acknowledgements import acknowledge

# Studio, notebook and MLflow (experiments) endpoints live under aws.sagemaker, the rest under com.amazonaws.
_AWS_SAGEMAKER_NAMESPACE = ("studio", "notebook", "experiments")
# Subnets are /20 (4,091 addresses each) wherever the VPC has room: changing a deployed subnet's
# range replaces it, so the size of existing ones must never move.
_SUBNET_MASK = 20


def subnet_mask(cidr: str, az_count: int) -> int:
    """/20 subnets, or smaller ones when the VPC cannot hold one /20 per AZ (the config allows
    /16 to /24 VPCs: a /20 VPC over 2 AZs gets /21 subnets, a /24 over 3 AZs /26 ones; issue #18)."""
    prefix = int(cidr.split("/")[1])
    return max(_SUBNET_MASK, prefix + max(az_count - 1, 0).bit_length())


class MlVpc(Construct):
    """A VPC with private isolated subnets only (no internet or NAT gateway) in 2+ AZs.

    Props:
        cidr: CIDR of a new VPC; or ``existing_vpc_id`` + ``existing_subnet_ids`` to use one.
        interface_endpoints: endpoint service names (``sagemaker.api``, ``sts``, ...);
            each costs money per AZ-hour, so the caller chooses.
        endpoint_az_count: how many of the VPC's AZs host the interface endpoints (the first ones);
            resources in the other AZs reach them across AZs.
        flow_log_key: customer key for the flow log group (it must allow CloudWatch Logs, see
            ``PlatformKey(allow_cloudwatch_logs=True)``); ``flow_log_retention`` its retention.

    Exposes ``vpc``, ``subnets`` (the private subnets), ``sagemaker_sg`` (for Studio apps,
    notebooks and jobs: all TCP within the group, which covers the Studio EFS NFS port 2049,
    the Studio app ports 8192-65535 and distributed training; HTTPS out) and
    ``endpoints_sg`` (HTTPS in from ``sagemaker_sg`` only). An existing VPC gets the
    security groups but no endpoints or flow logs: its owner manages those.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        availability_zones: Sequence[str],
        interface_endpoints: Sequence[str],
        flow_log_key: kms.IKey,
        endpoint_az_count: int = 2,
        flow_log_retention: logs.RetentionDays,
        cidr: str | None = None,
        existing_vpc_id: str | None = None,
        existing_subnet_ids: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        self._endpoint_az_count = endpoint_az_count
        if (cidr is None) == (existing_vpc_id is None):
            raise ValueError("MlVpc needs exactly one of cidr or existing_vpc_id")
        self.created = cidr is not None
        if cidr is not None:
            self.vpc: ec2.IVpc = self._create_vpc(cidr, len(availability_zones), flow_log_key, flow_log_retention)
        else:
            self.vpc = ec2.Vpc.from_vpc_attributes(
                self,
                "Vpc",
                vpc_id=str(existing_vpc_id),
                availability_zones=list(availability_zones)[: len(existing_subnet_ids)],
                isolated_subnet_ids=list(existing_subnet_ids),
            )
            acknowledge(
                self.vpc,
                {
                    "Annotation::@aws-cdk/aws-ec2:noSubnetRouteTableId": (
                        "the platform adds no routes or gateway endpoints to an existing VPC (its owner manages "
                        "them), so nothing reads the imported subnets' route tables"
                    )
                },
            )
        self.subnets = self.vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)

        self.sagemaker_sg = ec2.SecurityGroup(
            self,
            "SageMakerSg",
            vpc=self.vpc,
            allow_all_outbound=False,
            description="SageMaker Studio apps, notebooks and jobs: intra-group TCP, HTTPS out",
        )
        self.sagemaker_sg.add_ingress_rule(self.sagemaker_sg, ec2.Port.all_tcp(), "Studio EFS/apps, distributed jobs")
        self.sagemaker_sg.add_egress_rule(self.sagemaker_sg, ec2.Port.all_tcp(), "Studio EFS/apps, distributed jobs")
        # No route leaves the VPC, so HTTPS reaches only the VPC endpoints and the S3 gateway.
        self.sagemaker_sg.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "VPC endpoints and S3 gateway")

        self.endpoints_sg = ec2.SecurityGroup(
            self,
            "EndpointsSg",
            vpc=self.vpc,
            allow_all_outbound=False,
            description="Interface VPC endpoints: HTTPS from SageMaker workloads only",
        )
        self.endpoints_sg.add_ingress_rule(self.sagemaker_sg, ec2.Port.tcp(443), "HTTPS from SageMaker workloads")
        if self.created:
            self._add_endpoints(interface_endpoints)

    def _create_vpc(self, cidr: str, az_count: int, key: kms.IKey, retention: logs.RetentionDays) -> ec2.Vpc:
        log_group = logs.LogGroup(
            self, "FlowLogs", encryption_key=key, retention=retention, removal_policy=cdk.RemovalPolicy.RETAIN
        )
        vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(cidr),
            nat_gateways=0,
            max_azs=az_count,  # every AZ of the config (the stack's availability_zones)
            create_internet_gateway=False,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="Private",
                    subnet_type=ec2.SubnetType.PRIVATE_ISOLATED,
                    cidr_mask=subnet_mask(cidr, az_count),
                )
            ],
            restrict_default_security_group=True,
            flow_logs={
                "All": ec2.FlowLogOptions(
                    destination=ec2.FlowLogDestination.to_cloud_watch_logs(log_group),
                    traffic_type=ec2.FlowLogTrafficType.ALL,
                )
            },
        )
        # Confused-deputy guard on the delivery role CDK creates: only this account's flow logs may
        # assume it ("IAM role for publishing flow logs", Amazon VPC User Guide:
        # https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html).
        stack = cdk.Stack.of(self)
        delivery = vpc.node.find_child("All").node.find_child("IAMRole").node.default_child
        assert isinstance(delivery, iam.CfnRole)
        delivery.add_property_override(
            "AssumeRolePolicyDocument.Statement.0.Condition",
            {
                "StringEquals": {"aws:SourceAccount": stack.account},
                "ArnLike": {
                    "aws:SourceArn": f"arn:{stack.partition}:ec2:{stack.region}:{stack.account}:vpc-flow-log/*"
                },
            },
        )
        vpc.add_gateway_endpoint(
            "S3",
            service=ec2.GatewayVpcEndpointAwsService.S3,
            subnets=[ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)],
        )
        acknowledge(
            vpc,
            {
                "NIST.800.53.R5-IAMNoInlinePolicy": (
                    "The flow log delivery role is CDK's, dedicated to this VPC; CDK attaches its generated "
                    "least-privilege policy (write to this one log group) inline."
                ),
                "CloudFormation-Validate::W3010": (
                    "AZs are fixed in config on purpose: synth does no lookups and must give the same "
                    "template on every machine (docs/decisions.md)."
                ),
            },
        )
        return vpc

    def _add_endpoints(self, names: Sequence[str]) -> None:
        region = cdk.Stack.of(self).region
        for name in names:
            namespace = "aws.sagemaker" if name in _AWS_SAGEMAKER_NAMESPACE else "com.amazonaws"
            construct_id = "".join(part.capitalize() for part in name.replace("-", ".").split("."))
            self.vpc.add_interface_endpoint(
                construct_id,
                service=ec2.InterfaceVpcEndpointService(f"{namespace}.{region}.{name}", 443),
                private_dns_enabled=True,
                security_groups=[self.endpoints_sg],
                # The first AZs only (the cost profile's count): one endpoint ENI per AZ is what costs.
                subnets=ec2.SubnetSelection(subnets=self.subnets.subnets[: self._endpoint_az_count]),
                open=False,
            )
