"""Monthly idle cost of synthesized templates, per account and resource class (book ch10).

Idle = what the platform costs with no traffic and no jobs started by people: interface
endpoints per AZ-hour, NAT gateways, endpoint instances at their minimum count, KMS keys,
Kinesis shards, scheduled monitoring runs, dashboards, alarms, pipelines and Studio space volumes. Usage-priced
resources (S3 storage, requests, serverless inference, DynamoDB on demand, Lambda) count 0.
Prices come from ``prices.json`` (with its source and date).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .mlflow_cost import MLFLOW_TYPES, RESOURCE_CLASS, mlflow_monthly

PRICES = Path(__file__).with_name("prices.json")


@dataclass(frozen=True)
class Item:
    resource_class: str  # what a platform engineer can turn off, e.g. "interface endpoints"
    logical_id: str
    monthly: float
    detail: str


def load_prices(path: Path = PRICES) -> dict[str, Any]:
    prices: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return prices


def _runs_per_month(expression: str) -> float:
    """Runs per month of a Model Monitor cron: hourly, every N hours, or daily."""
    match = re.match(r"^cron\(0 (\S+) ", expression)
    hours = match.group(1) if match else "*"
    if hours == "*":
        return 730.0
    if hours.startswith("*/"):
        return 730.0 / int(hours[2:])
    return 30.0


def _instance_price(prices: Mapping[str, Any], instance_type: str) -> float:
    table: Mapping[str, float] = prices["sagemaker_instance_hour"]
    if instance_type not in table:
        raise KeyError(f"no price for {instance_type} in {PRICES.name}; add it")
    return table[instance_type]


def _minimums(resources: Mapping[str, Any]) -> dict[str, int]:
    """endpoint/<name>/variant/<variant> -> autoscaling minimum capacity."""
    return {
        r["Properties"]["ResourceId"]: int(r["Properties"]["MinCapacity"])
        for r in resources.values()
        if r["Type"] == "AWS::ApplicationAutoScaling::ScalableTarget"
        and isinstance(r["Properties"].get("ResourceId"), str)
    }


def _managed_minimum(variant: Mapping[str, Any]) -> int | None:
    """Inference components (issue #22): with managed instance scaling SageMaker keeps at least
    ``MinInstanceCount`` instances, 0 for an endpoint that scales to zero (docs/inference-components.md)."""
    managed = variant.get("ManagedInstanceScaling")
    if not isinstance(managed, Mapping) or managed.get("Status") != "ENABLED":
        return None
    return int(managed.get("MinInstanceCount", 1))


def _endpoint_names(resources: Mapping[str, Any]) -> dict[str, str]:
    """Endpoint config logical ID -> endpoint name (from the endpoint that uses it)."""
    names = {}
    for r in resources.values():
        if r["Type"] != "AWS::SageMaker::Endpoint":
            continue
        config = r["Properties"].get("EndpointConfigName")
        if isinstance(config, Mapping) and "Fn::GetAtt" in config:
            names[config["Fn::GetAtt"][0]] = r["Properties"].get("EndpointName", "")
    return names


def items(template: Mapping[str, Any], prices: Mapping[str, Any]) -> Iterator[Item]:
    """Every idle cost of one template."""
    hours = float(prices["hours_per_month"])
    resources: Mapping[str, Any] = template.get("Resources", {})
    minimums, endpoints = _minimums(resources), _endpoint_names(resources)
    for logical_id, resource in resources.items():
        kind, props = resource["Type"], resource.get("Properties", {})
        if kind == "AWS::EC2::VPCEndpoint" and props.get("VpcEndpointType") == "Interface":
            azs = len(props.get("SubnetIds", [])) or 1
            cost = azs * prices["interface_endpoint_az_hour"] * hours
            yield Item("interface endpoints", logical_id, cost, f"{azs} AZ(s)")
        elif kind == "AWS::EC2::NatGateway":
            yield Item("NAT gateways", logical_id, prices["nat_gateway_hour"] * hours, "1 gateway")
        elif kind == "AWS::KMS::Key":
            yield Item("KMS keys", logical_id, prices["kms_key_month"], "1 key")
        elif kind == "AWS::Kinesis::Stream":
            shards = int(props.get("ShardCount", 1))
            yield Item(
                "Kinesis shards", logical_id, shards * prices["kinesis_shard_hour"] * hours, f"{shards} shard(s)"
            )
        elif kind == "AWS::SageMaker::EndpointConfig":
            name = endpoints.get(logical_id, "")
            for variant in [*props.get("ProductionVariants", []), *props.get("ShadowProductionVariants", [])]:
                if "InstanceType" not in variant:
                    continue  # serverless: paid per request
                key = f"endpoint/{name}/variant/{variant['VariantName']}"
                count = _managed_minimum(variant)
                count = minimums.get(key, int(variant.get("InitialInstanceCount", 1))) if count is None else count
                cost = count * _instance_price(prices, variant["InstanceType"]) * hours
                detail = f"{name}/{variant['VariantName']}: {count} x {variant['InstanceType']}"
                yield Item("endpoint instances", logical_id, cost, detail)
        elif kind == "AWS::SageMaker::MonitoringSchedule":
            yield from _monitor(logical_id, props, resources, prices)
        elif kind == "AWS::CloudWatch::Dashboard":
            yield Item("dashboards", logical_id, prices["cloudwatch_dashboard_month"], "1 dashboard")
        elif kind == "AWS::CloudWatch::Alarm":
            yield Item("alarms", logical_id, prices["cloudwatch_alarm_month"], "1 alarm")
        elif kind == "AWS::CodePipeline::Pipeline":
            yield Item("pipelines", logical_id, prices["codepipeline_month"], "1 pipeline")
        elif kind in MLFLOW_TYPES:
            yield Item(RESOURCE_CLASS, logical_id, *mlflow_monthly(kind, props, prices))
        elif kind == "AWS::SageMaker::Space":
            yield space_storage(logical_id, props, prices)


def space_storage(logical_id: str, props: Mapping[str, Any], prices: Mapping[str, Any]) -> Item:
    """A Studio space's EBS volume is billed while the space exists, its app running or not (the
    app itself stops when idle, issue #22)."""
    size = props.get("SpaceSettings", {}).get("SpaceStorageSettings", {}).get("EbsStorageSettings", {})
    gb = int(size.get("EbsVolumeSizeInGb", 5))  # SageMaker's default space volume: 5 GB
    cost = gb * prices["sagemaker_space_ebs_gb_month"]
    return Item("Studio space volumes", logical_id, cost, f"{props.get('SpaceName', logical_id)}: {gb} GB")


def _monitor(
    logical_id: str, props: Mapping[str, Any], resources: Mapping[str, Any], prices: Mapping[str, Any]
) -> Iterator[Item]:
    expression = props["MonitoringScheduleConfig"]["ScheduleConfig"]["ScheduleExpression"]
    definitions = [
        r for r in resources.values() if r["Type"].endswith("JobDefinition") and "JobResources" in r["Properties"]
    ]
    name = props.get("MonitoringScheduleName", logical_id)
    # The schedule names its definition through a token: match it by the schedule's construct path.
    path = resources[logical_id].get("Metadata", {}).get("aws:cdk:path", "").rsplit("/", 1)[0]
    own = [
        d for d in definitions if d.get("Metadata", {}).get("aws:cdk:path", "").startswith(path + "/")
    ] or definitions[:1]
    if not own:
        return
    cluster = own[0]["Properties"]["JobResources"]["ClusterConfig"]
    runs = _runs_per_month(expression)
    hourly = _instance_price(prices, cluster["InstanceType"]) * int(cluster.get("InstanceCount", 1))
    cost = runs * prices["monitoring_job_hours_per_run"] * hourly
    yield Item("monitoring schedules", logical_id, cost, f"{name}: {runs:.0f} runs x {cluster['InstanceType']}")


def estimate(templates: Mapping[str, Mapping[str, Any]], prices: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """account (stage) -> resource class -> monthly USD."""
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for name, template in templates.items():
        account = name.split("/", 1)[0]
        for item in items(template, prices):
            totals[account][item.resource_class] += item.monthly
    return {a: dict(c) for a, c in totals.items()}


def templates_in(cdk_out: Path) -> dict[str, dict[str, Any]]:
    """'<stage>/<file>' -> template for every stack template of a cloud assembly."""
    found = {}
    for path in sorted(cdk_out.glob("assembly-*/*.template.json")) + sorted(cdk_out.glob("*.template.json")):
        if path.name.endswith(".product.template.json"):
            continue  # product templates are launched by people, not idle platform cost
        stage = path.parent.name.removeprefix("assembly-") if path.parent != cdk_out else "App"
        found[f"{stage}/{path.name}"] = json.loads(path.read_text(encoding="utf-8"))
    return found


# What the config asks for by name (an endpoint and its instances, a monitoring schedule, a stream): the
# workload. Everything else runs before anyone does any work: the platform's overhead (issue #21).
WORKLOAD_CLASSES = frozenset({"endpoint instances", "monitoring schedules", "Kinesis shards"})
DATA_SCIENCE_PREFIX = "DataScience-"


@dataclass(frozen=True)
class Split:
    """Monthly totals: the platform's overhead, the workload the config asks for, and what one more data
    science team adds (the mean overhead of a data science account)."""

    overhead: float
    workload: float
    per_team: float
    per_account: dict[str, tuple[float, float]]  # account -> (overhead, workload)


def split(totals: Mapping[str, Mapping[str, float]]) -> Split:
    per_account = {
        account: (
            sum(cost for name, cost in classes.items() if name not in WORKLOAD_CLASSES),
            sum(cost for name, cost in classes.items() if name in WORKLOAD_CLASSES),
        )
        for account, classes in totals.items()
    }
    teams = [overhead for account, (overhead, _) in per_account.items() if account.startswith(DATA_SCIENCE_PREFIX)]
    return Split(
        overhead=sum(o for o, _ in per_account.values()),
        workload=sum(w for _, w in per_account.values()),
        per_team=sum(teams) / len(teams) if teams else 0.0,
        per_account=per_account,
    )
