"""Everything that writes a partition or an endpoint domain takes it from the one table in
ml_platform/naming.py (checked against the SDKs' partitions in test_naming.py): image URIs, the
rehearsal's modelled attributes and resource-policy keys, the pipeline's nag acknowledgements."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ml_platform.assembly.cloud_assembly import CloudAssembly, StackInstance
from ml_platform.assembly.iam_documents import _queue_arn
from ml_platform.assembly.resolver import Resolver
from ml_platform.config_location_checks import _image
from ml_platform.config_location_platform import PlatformLocations
from ml_platform.context import PROJECT_ROOT
from ml_platform.monitoring_images import ecr_image_uri
from ml_platform.release import image_registry
from ml_platform.stacks.platform_pipeline import _acknowledgements
from tests.helpers import config_from

REGIONS = [
    ("us-east-1", "aws", "amazonaws.com"),
    ("cn-north-1", "aws-cn", "amazonaws.com.cn"),
    ("us-iso-east-1", "aws-iso", "c2s.ic.gov"),
    ("eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk"),
]


@pytest.mark.parametrize(("region", "partition", "suffix"), REGIONS)
def test_image_uris_use_the_regions_domain(region: str, partition: str, suffix: str) -> None:
    assert ecr_image_uri("123456789012", region, "repo:1") == f"123456789012.dkr.ecr.{region}.{suffix}/repo:1"
    data = yaml.safe_load((PROJECT_ROOT / "config" / "minimal.yaml").read_text())
    data["organisation"].update(region=region, availability_zones=[f"{region}a", f"{region}b"])
    shared = data["accounts"]["shared_services"]["account_id"]
    config = config_from(data)
    assert image_registry(config).startswith(f"{shared}.dkr.ecr.{region}.{suffix}/")
    # The config check accepts exactly that domain for a model's image, and names it when refusing another.
    locations, path = PlatformLocations(config), "models[0].image_uri"
    assert _image(locations, path, f"{shared}.dkr.ecr.{region}.{suffix}/openaq/weather:1", ("test",), "x") is None
    other = "amazonaws.com.cn" if suffix == "amazonaws.com" else "amazonaws.com"
    refused = _image(locations, path, f"{shared}.dkr.ecr.{region}.{other}/openaq/weather:1", ("test",), "x")
    assert refused is not None and refused.error and f"dkr.ecr.{region}.{suffix}/" in refused.reason


@pytest.mark.parametrize(("region", "partition", "suffix"), REGIONS)
def test_the_rehearsals_queue_url_and_arn_agree_with_the_partition(region: str, partition: str, suffix: str) -> None:
    template = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "jobs"}}}}
    stack = StackInstance("Test", "Jobs", "openaq-test-jobs", "111111111111", region, template)
    resolver = Resolver(CloudAssembly(Path(), [stack]))
    url = resolver.resolve(stack, {"Ref": "Queue"})
    assert url == f"https://sqs.{region}.{suffix}/111111111111/jobs"
    assert _queue_arn(url, region) == resolver.resolve(stack, {"Fn::GetAtt": ["Queue", "Arn"]})
    assert _queue_arn(url, region) == f"arn:{partition}:sqs:{region}:111111111111:jobs"


@pytest.mark.parametrize(("region", "partition", "suffix"), REGIONS)
def test_the_pipelines_acknowledgements_name_the_partition_cdk_writes(region: str, partition: str, suffix: str) -> None:
    arns = [key for key in _acknowledgements("111111111111", region) if "Resource::arn:" in key and ":*:" not in key]
    assert arns and all(f"Resource::arn:{partition}:" in key for key in arns)


ATTRIBUTES = [
    ("AWS::SQS::Queue", {"QueueName": "jobs"}, "QueueUrl", "https://sqs.{r}.{s}/111111111111/jobs"),
    ("AWS::ECR::Repository", {"RepositoryName": "openaq/x"}, "RepositoryUri", "111111111111.dkr.ecr.{r}.{s}/openaq/x"),
    ("AWS::S3::Bucket", {"BucketName": "b"}, "RegionalDomainName", "b.s3.{r}.{s}"),
]


@pytest.mark.parametrize(("region", "partition", "suffix"), REGIONS)
@pytest.mark.parametrize(("kind", "properties", "attribute", "expected"), ATTRIBUTES)
def test_the_rehearsals_modelled_endpoints_use_the_regions_domain(
    region: str, partition: str, suffix: str, kind: str, properties: dict[str, str], attribute: str, expected: str
) -> None:
    template = {"Resources": {"It": {"Type": kind, "Properties": properties}}}
    stack = StackInstance("Test", "It", "openaq-test-it", "111111111111", region, template)
    resolver = Resolver(CloudAssembly(Path(), [stack]))
    assert resolver.resolve(stack, {"Fn::GetAtt": ["It", attribute]}) == expected.format(r=region, s=suffix)
