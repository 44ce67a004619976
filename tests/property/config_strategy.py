"""Valid platform configs as plain dicts, for property tests (issue #18).

``platform_configs()`` draws an organisation with 1-3 data science teams and switches every
optional section on or off independently, keeping the cross-references the config checks
demand (``ml_platform/config.py`` and ``config_*_checks.py``):

- teams, curated tables, the catalog share and budgets name existing teams;
- batch ingestion reads an existing curated table and maps only its columns;
- model builds belong to a team and use images of ``artifacts.repositories``; package groups
  are unique across teams, so a released model names exactly one build;
- endpoint variants name existing models; serverless only in test and never multi-model; prod
  real-time variants run on 2+ instances;
- monitors watch capturing, real-time endpoints, one per type; retraining names a monitored
  endpoint and an existing pipeline; predictions read an online feature group and call an
  existing endpoint;
- S3 locations, images and package ARNs point where the platform's roles have grants (the
  platform's own buckets and registries, ``config_location_checks.py``), so a generated config
  loads without warnings.

Names are drawn from short patterns (realistic lengths, not each field's maximum), so every
generated config is one the loader accepts; the property test checks that too.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ml_platform.naming import Naming
from ml_platform.schema.accounts import RESERVED_SLUGS
from ml_platform.schema.network import InterfaceEndpoint

Data = dict[str, Any]

# Regions with Debugger, Model Monitor and Clarify images (see the *_REGISTRIES tables).
REGIONS: dict[str, tuple[str, ...]] = {
    "us-east-1": ("us-east-1a", "us-east-1b", "us-east-1c"),
    "eu-west-1": ("eu-west-1a", "eu-west-1b", "eu-west-1c"),
    "ap-southeast-2": ("ap-southeast-2a", "ap-southeast-2b", "ap-southeast-2c"),
}
PERSONAS = ("data_scientist", "ml_engineer", "platform_admin")
# EBS-backed types: instance-storage families cannot take the platform's KMS key.
ENDPOINT_INSTANCES = ("ml.m5.large", "ml.m5.xlarge", "ml.c5.xlarge")
COLUMN_TYPES = ("string", "double", "bigint", "int", "boolean", "timestamp", "date")
FEATURE_TYPES = ("Integral", "Fractional", "String")
MONITOR_TYPES = ("data_quality", "model_quality", "model_bias", "model_explainability")
SCHEDULES = ("cron(0 * ? * * *)", "cron(0 */6 ? * * *)", "cron(0 2 ? * * *)")
CONNECTION_ID = "00000000-0000-4000-8000-000000000000"

slugs = st.from_regex(r"[a-z][a-z0-9]{2,9}", fullmatch=True)
glue_names = st.from_regex(r"[a-z][a-z0-9_]{1,11}", fullmatch=True)
sagemaker_names = st.from_regex(r"[a-z][a-z0-9]{1,7}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
feature_names = st.from_regex(r"[a-z][a-z0-9]{0,5}(_[a-z0-9]{1,4})?", fullmatch=True)


def _maybe(draw: st.DrawFn, value: Any) -> Any:
    """``value`` or ``None``: an optional section switched on or off."""
    return value if draw(st.booleans()) else None


def _subset(draw: st.DrawFn, items: list[Any] | tuple[Any, ...], min_size: int = 0) -> list[Any]:
    chosen = draw(st.sets(st.sampled_from(list(items)), min_size=min_size)) if items else set()
    return [item for item in items if item in chosen]  # keep the source order: stable output


def _bucket(org: Data, slug: str, account_id: str, purpose: str) -> str:
    """A platform bucket, named as the stages name it."""
    return Naming(org["name"], slug, account_id, org["region"]).bucket(purpose)


def _put(data: Data, key: str, value: Any) -> None:
    """Set an optional key only when it is on (absent keys take the schema's default)."""
    if value is not None:
        data[key] = value


@st.composite
def _vpc(draw: st.DrawFn, octet: int, az_count: int) -> Data:
    if draw(st.integers(0, 4)) == 0:  # now and then an existing VPC instead of a new one
        # At most one subnet per configured AZ: CDK needs the subnet count to be a multiple of the
        # AZ count, which the config does not check (reported, issue #18).
        subnets = draw(st.integers(2, az_count))
        return {
            "existing_vpc_id": f"vpc-0{octet:02x}00000000000000"[:21],
            "existing_subnet_ids": [f"subnet-0{octet:02x}{i:02x}000000000000"[:24] for i in range(subnets)],
        }
    return {"cidr": f"10.{octet}.0.0/{draw(st.sampled_from((16, 20, 24)))}"}


@st.composite
def _team(draw: st.DrawFn, name: str, account_id: str, octet: int, az_count: int) -> Data:
    team: Data = {"name": name, "account_id": account_id, "vpc": draw(_vpc(octet, az_count))}
    if draw(st.booleans()):
        users = draw(st.lists(sagemaker_names, max_size=3, unique=True))
        studio: Data = {"users": [{"name": u, "persona": draw(st.sampled_from(PERSONAS))} for u in users]}
        _put(studio, "idle_timeout_minutes", _maybe(draw, draw(st.sampled_from((60, 120, 480)))))
        _put(studio, "on_delete", _maybe(draw, draw(st.sampled_from(("retain", "delete")))))
        # Studio spaces (issue #22): private-<user> must fit 63 characters; a shared space needs a user.
        _put(studio, "private_spaces", _maybe(draw, all(len(u) <= 55 for u in users)))
        if draw(st.booleans()) and users:
            app = draw(st.sampled_from(("jupyterlab", "code_editor")))
            studio["shared_spaces"] = [{"name": "team-space", "app": app, "ebs_gb": draw(st.integers(5, 20))}]
        defaults = {"instance_type": "ml.m5.large", "ebs_gb": 5, "max_ebs_gb": draw(st.integers(5, 100))}
        _put(studio, "persona_defaults", _maybe(draw, {draw(st.sampled_from(PERSONAS)): defaults}))
        team["studio"] = studio
    if draw(st.integers(0, 3)) == 0:
        labels = draw(st.lists(st.from_regex(r"[a-z]{2,8}", fullmatch=True), min_size=1, max_size=4, unique=True))
        labeling: Data = {"label_categories": labels}
        _put(labeling, "workteam_name", _maybe(draw, f"{name}-labelers"))
        _put(labeling, "mfa", _maybe(draw, draw(st.booleans())))
        _put(labeling, "workers_per_object", _maybe(draw, draw(st.integers(1, 5))))
        _put(labeling, "task_type", _maybe(draw, draw(st.sampled_from(("text_classification", "bounding_box")))))
        _put(labeling, "source_ip_cidrs", _maybe(draw, ["203.0.113.0/24"]))
        _put(labeling, "box_match_iou", _maybe(draw, draw(st.sampled_from((0.3, 0.5, 0.75)))))
        team["labeling"] = labeling
    _put(team, "notebook_idle_minutes", _maybe(draw, draw(st.sampled_from((5, 30, 120)))))
    _put(team, "feature_store", _maybe(draw, draw(st.booleans())))  # issue #21: off drops grants and endpoint
    if draw(st.integers(0, 3)) == 0:  # issue #22: every region here has MLflow apps (no size or version)
        mlflow: Data = {}
        _put(mlflow, "weekly_maintenance_window", _maybe(draw, "Sun:03:00"))
        _put(mlflow, "automatic_model_registration", _maybe(draw, draw(st.booleans())))
        _put(mlflow, "artefact_prefix", _maybe(draw, "experiments/mlflow"))
        team["mlflow"] = mlflow
    return team


@st.composite
def _organisation(draw: st.DrawFn) -> tuple[Data, str]:
    region = draw(st.sampled_from(sorted(REGIONS)))
    azs = list(REGIONS[region][: draw(st.integers(2, 3))])
    org: Data = {"name": draw(slugs), "region": region, "availability_zones": azs}
    _put(org, "organization_id", _maybe(draw, "o-" + draw(st.from_regex(r"[a-z0-9]{10}", fullmatch=True))))
    _put(org, "platform_team", _maybe(draw, "platform"))
    _put(org, "alert_emails", _maybe(draw, ["ml-alerts@example.com"]))
    return org, region


@st.composite
def _curated_tables(draw: st.DrawFn, teams: list[str]) -> list[Data]:
    names = draw(st.lists(glue_names, max_size=2, unique=True))
    tables = []
    for name in names:
        columns = draw(st.dictionaries(glue_names, st.sampled_from(COLUMN_TYPES), min_size=1, max_size=4))
        table: Data = {"name": name, "prefix": f"{name}/", "columns": columns}
        _put(table, "shared_columns", _maybe(draw, _subset(draw, list(columns), min_size=1)))
        _put(table, "share_with", _maybe(draw, _subset(draw, teams)))
        tables.append(table)
    return tables


@st.composite
def _feature_group(draw: st.DrawFn, name: str, tables: list[Data]) -> Data:
    event_type = draw(st.sampled_from(("String", "Fractional")))
    extra = draw(
        st.dictionaries(
            feature_names.filter(lambda f: f not in ("id", "event_time")),
            st.sampled_from(FEATURE_TYPES),
            max_size=3,
        )
    )
    features = {"id": "String", "event_time": event_type, **extra}
    online = draw(st.booleans())
    offline = not online or draw(st.booleans())
    group: Data = {
        "name": name,
        "record_identifier": "id",
        "event_time_feature": "event_time",
        "features": features,
        "online_store": {"enabled": online},
        "offline_store": {"enabled": offline},
    }
    if offline and event_type == "String" and draw(st.booleans()):
        group["offline_store"]["table_format"] = "Iceberg"
    if online and draw(st.booleans()):
        group["online_store"]["ttl_days"] = draw(st.integers(1, 365))
    if online and draw(st.booleans()):
        group["streaming"] = {"enabled": True, "shards": draw(st.integers(1, 2))}
    if bool(tables) and draw(st.booleans()):
        table = draw(st.sampled_from(tables))
        group["batch_ingestion"] = {
            "source_table": table["name"],
            "mapping": {"id": draw(st.sampled_from(sorted(table["columns"]))), "event_time": "@ingestion_time"},
        }
    _put(group, "description", _maybe(draw, f"Features of {name}"))
    return group


@st.composite
def _model_build(draw: st.DrawFn, index: int, team: str, projects: str, repositories: list[str]) -> Data:
    def image() -> str:
        return f"{draw(st.sampled_from(repositories))}:{draw(st.sampled_from(('1.0.0', '2.1-1')))}"

    build: Data = {
        "name": f"pipeline{index}",
        "team": team,
        "model_package_group": f"group{index}",
        "processing": {"image": image(), "engine": draw(st.sampled_from(("python", "spark")))},
        "training": {"image": image(), "spot": draw(st.booleans())},
        "evaluation": {
            "image": image(),
            "metric": draw(st.sampled_from(("mse", "rmse", "accuracy", "auc"))),
            "threshold": draw(st.sampled_from((0.5, 2.5, 6.0))),
        },
    }
    if draw(st.booleans()):
        build["training"]["debugger_rules"] = []
    if draw(st.booleans()):
        build["tuning"] = {
            "max_jobs": 4,
            "max_parallel_jobs": 2,
            "ranges": {"eta": {"type": "continuous", "min_value": 0, "max_value": 1}},
        }
    _put(build, "registration", _maybe(draw, {"image": image()}))
    _put(build, "batch_transform", _maybe(draw, {"input_data": f"s3://{projects}/scoring/pipeline{index}/"}))
    _put(build, "description", _maybe(draw, f"Pipeline {index}"))
    return build


@st.composite
def _models(draw: st.DrawFn, builds: list[tuple[str, str]], region: str, shared: str, artefacts: str) -> list[Data]:
    """``builds``: (package group, account of the team that builds it)."""
    kinds = ["image", "multi_model", *(["group", "package_arn"] if builds else [])]
    models: list[Data] = []
    for i, kind in enumerate(draw(st.lists(st.sampled_from(kinds), max_size=3))):
        model: Data = {"name": f"model{i}"}
        if kind == "group":
            model["model_package_group"] = draw(st.sampled_from(builds))[0]
            _put(model, "release", _maybe(draw, draw(st.sampled_from(("latest", "previous")))))
        elif kind == "package_arn":
            group, account = draw(st.sampled_from(builds))
            version = draw(st.integers(1, 9))
            model["model_package_arn"] = f"arn:aws:sagemaker:{region}:{account}:model-package/{group}/{version}"
        else:
            model["image_uri"] = f"{shared}.dkr.ecr.{region}.amazonaws.com/inference:1.0.0"
            model["model_data_url"] = f"s3://{artefacts}/models/model{i}/" + (
                "" if kind == "multi_model" else "model.tar.gz"
            )
            if kind == "multi_model":
                model["multi_model"] = True
        if draw(st.integers(0, 3)) == 0:
            model["network_isolation"] = False
        models.append(model)
    return models


@st.composite
def _variant(draw: st.DrawFn, name: str, models: list[Data], account: str, *, serverless: bool, scaling: bool) -> Data:
    model = draw(st.sampled_from([m for m in models if not (serverless and m.get("multi_model"))]))
    variant: Data = {"name": name, "model": model["name"]}
    if serverless:
        variant["serverless"] = {"memory_mb": draw(st.sampled_from((1024, 2048))), "max_concurrency": 5}
        return variant
    count = draw(st.integers(2, 3)) if account == "prod" else draw(st.integers(1, 2))
    variant["initial_instance_count"] = count
    _put(variant, "instance_type", _maybe(draw, draw(st.sampled_from(ENDPOINT_INSTANCES))))
    if scaling and draw(st.booleans()):
        variant["autoscaling"] = {"min_capacity": count, "max_capacity": count + draw(st.integers(0, 2))}
    return variant


@st.composite
def _endpoint(draw: st.DrawFn, name: str, models: list[Data]) -> Data:
    account = draw(st.sampled_from(("test", "prod")))
    strategy = draw(st.sampled_from(("single", "ab_test", "blue_green", "shadow")))
    serverless = (
        account == "test"
        and strategy in ("single", "ab_test", "blue_green")
        and any(not m.get("multi_model") for m in models)
        and draw(st.booleans())
    )
    variants = [
        draw(_variant(f"Variant{letter}", models, account, serverless=serverless, scaling=True))
        for letter in ("A", "B")[: 2 if strategy == "ab_test" else 1]
    ]
    if strategy == "ab_test":
        variants[0]["initial_weight"], variants[1]["initial_weight"] = 0.9, 0.1
    endpoint: Data = {"name": name, "account": account, "strategy": strategy, "variants": variants}
    if strategy == "blue_green":
        traffic = draw(st.sampled_from(("all_at_once", "canary", "linear")))
        blue_green: Data = {"traffic": traffic}
        _put(blue_green, "canary_percent", 10 if traffic == "canary" else None)
        _put(blue_green, "linear_step_percent", 20 if traffic == "linear" else None)
        endpoint["blue_green"] = blue_green
    if strategy == "shadow":
        shadow = draw(st.sampled_from(models))["name"]
        endpoint["shadow_variants"] = [{"name": "ShadowB", "model": shadow, "sampling_percentage": 50}]
    if not serverless and strategy != "shadow" and draw(st.integers(0, 3)) == 0:
        endpoint["async_inference"] = {"notifications": draw(st.booleans())}
    if serverless:
        _put(endpoint, "data_capture", _maybe(draw, {"enabled": False}))
    elif draw(st.integers(0, 3)) == 0:
        # Prod must capture (rule SM-ProdDataCapture), which the config does not check (reported, issue #18).
        endpoint["data_capture"] = {"enabled": account == "prod" or draw(st.booleans()), "sampling_percentage": 50}
    return endpoint


def _captures(endpoint: Data) -> bool:
    """Mirrors EndpointConfig.capture and the monitor checks: real-time, capturing endpoints."""
    if endpoint.get("async_inference") is not None:
        return False
    capture = endpoint.get("data_capture")
    if capture is not None:
        return bool(capture.get("enabled", True))
    return not any("serverless" in v for v in endpoint["variants"])


@st.composite
def _monitor(draw: st.DrawFn, endpoint: str, kind: str, monitoring: str) -> Data:
    monitor: Data = {"endpoint": endpoint, "type": kind, "schedule": draw(st.sampled_from(SCHEDULES))}
    headers = ["f0", "f1", "f2"]
    truth = f"s3://{monitoring}/ground-truth/{endpoint}/"
    if kind == "model_quality":
        monitor |= {
            "ground_truth": truth,
            "problem_type": draw(st.sampled_from(("Regression", "BinaryClassification"))),
        }
    elif kind == "model_bias":
        monitor |= {"ground_truth": truth, "headers": headers, "label": "label", "facets": [{"name": "f0"}]}
    elif kind == "model_explainability":
        monitor |= {"headers": headers, "shap": {"baseline": [[1.0, 2.0, 3.0]]}}
    _put(monitor, "alarm", _maybe(draw, {"metric": "feature_baseline_drift_f0", "threshold": 0.2}))
    return monitor


@st.composite
def platform_configs(draw: st.DrawFn) -> Data:
    """A valid config as plain data (what ``yaml.safe_load`` of a config file returns)."""
    org, region = draw(_organisation())
    team_names = draw(st.lists(slugs.filter(lambda s: s not in RESERVED_SLUGS), min_size=1, max_size=3, unique=True))
    ids = draw(st.lists(st.from_regex(r"[1-9][0-9]{11}", fullmatch=True), min_size=4 + len(team_names), unique=True))
    octets = draw(st.lists(st.integers(0, 255), min_size=2 + len(team_names), unique=True))
    azs = len(org["availability_zones"])
    teams = [draw(_team(name, ids[4 + i], octets[2 + i], azs)) for i, name in enumerate(team_names)]
    team_ids = {team["name"]: team["account_id"] for team in teams}
    data: Data = {
        "organisation": org,
        "tags": {"Project": "generated", "CostCenter": "cc-0001"},
        "accounts": {
            "shared_services": {"account_id": ids[0]},
            "data_lake": {"account_id": ids[1]},
            "data_science": teams,
            "test": {"account_id": ids[2], "vpc": draw(_vpc(octets[0], azs))},
            "prod": {"account_id": ids[3], "vpc": draw(_vpc(octets[1], azs))},
        },
    }
    if draw(st.booleans()):
        data["tags"]["Owner"] = "ml-platform-team"

    # Service Catalog: shared with some teams, all (default) or none.
    catalog: Data | None = None
    if draw(st.booleans()):
        catalog = {"products": _subset(draw, ("notebook", "studio_user", "mlops_project"), min_size=1)}
        _put(catalog, "share_with", _maybe(draw, _subset(draw, team_names)))
        _put(catalog, "support_email", _maybe(draw, "ml-platform@example.com"))
        _put(catalog, "notebook_instance_types", _maybe(draw, ["ml.t3.large"]))
        data["service_catalog"] = catalog
    if draw(st.booleans()):
        # Extra endpoints, a cost profile and per-kind AZ counts (at most the configured AZs: issue #21).
        network: Data = {"interface_endpoints": _subset(draw, [e.value for e in InterfaceEndpoint])}
        _put(network, "flow_log_retention_days", _maybe(draw, draw(st.sampled_from((30, 365, 3653)))))
        _put(network, "cost_profile", _maybe(draw, draw(st.sampled_from(("lean", "balanced", "resilient")))))
        if draw(st.booleans()):
            network["endpoint_azs"] = {"prod": draw(st.integers(1, azs))}
        data["network"] = network

    tables: list[Data] = []
    if draw(st.booleans()):
        tables = draw(_curated_tables(team_names))
        lake: Data = {"curated_tables": tables}
        _put(lake, "admins", _maybe(draw, [f"arn:aws:iam::{ids[1]}:role/DataLakeAdmin"]))
        data["data_lake"] = lake

    group_names = draw(st.lists(sagemaker_names, max_size=2, unique=True))
    groups = [draw(_feature_group(name, tables)) for name in group_names]
    _put(data, "feature_groups", groups or None)

    repositories = draw(st.lists(st.from_regex(r"[a-z][a-z0-9]{2,9}", fullmatch=True), max_size=3, unique=True))
    if repositories:
        data["artifacts"] = {"repositories": repositories}
    builds = []
    if repositories:
        for i in range(draw(st.integers(0, 2))):
            team = draw(st.sampled_from(teams))
            projects = _bucket(org, team["name"], team["account_id"], "projects")
            builds.append(draw(_model_build(i, team["name"], projects, repositories)))
    _put(data, "model_builds", builds or None)

    built = [(b["model_package_group"], team_ids[b["team"]]) for b in builds]
    models = draw(_models(built, region, ids[0], _bucket(org, "shared", ids[0], "artefacts")))
    _put(data, "models", models or None)
    released = {m.get("model_package_group") for m in models}
    for build in builds:  # model governance (docs/model-governance.md) on some released groups
        if build["model_package_group"] in released and draw(st.booleans()):
            card = {"purpose_of_model": "p", "intended_uses": "u", "risk_rating": "Low"}
            build["governance"] = {"model_card": card}
    lifecycle = {"development_stages": ["dev", "qa"], "production_stage": "live"}
    _put(data, "model_lifecycle", _maybe(draw, lifecycle))
    endpoint_names = draw(st.lists(sagemaker_names, max_size=3 if models else 0, unique=True))
    endpoints = [draw(_endpoint(name, models)) for name in endpoint_names]
    _put(data, "endpoints", endpoints or None)

    monitors = []
    for endpoint in endpoints:
        if _captures(endpoint):
            env = endpoint["account"]
            monitoring = _bucket(org, env, data["accounts"][env]["account_id"], "monitoring")
            monitors += [draw(_monitor(endpoint["name"], kind, monitoring)) for kind in _subset(draw, MONITOR_TYPES)]
    _put(data, "monitors", monitors or None)
    monitored = sorted({m["endpoint"] for m in monitors})
    pipelines = [b["name"] for b in builds]
    retraining = [
        {"endpoint": endpoint, "pipeline": draw(st.sampled_from(pipelines)), "window_hours": 24}
        for endpoint in (_subset(draw, monitored) if pipelines else [])
    ]
    _put(data, "retraining", retraining or None)

    online = [g for g in groups if g["online_store"]["enabled"]]
    predictions = []
    if bool(online and endpoints) and draw(st.booleans()):
        group = draw(st.sampled_from(online))
        predictions.append(
            {
                "name": "predict-now",
                "feature_group": group["name"],
                "endpoint": draw(st.sampled_from(endpoints))["name"],
                "model_features": _subset(draw, sorted(group["features"]), min_size=1),
            }
        )
    _put(data, "realtime_predictions", predictions or None)

    if draw(st.booleans()):
        slugs_ = ["shared", "datalake", "test", "prod", *team_names]
        budgets: Data = {"monthly_usd": dict.fromkeys(_subset(draw, slugs_), 100.0)}
        _put(budgets, "default_monthly_usd", _maybe(draw, 250.0))
        _put(budgets, "thresholds_percent", _maybe(draw, [50, 100]))
        _put(budgets, "forecast_alert", _maybe(draw, draw(st.booleans())))
        data["budgets"] = budgets
    if draw(st.booleans()):
        data["layout"] = {
            "test_hosting_stacks": draw(st.integers(1, 3)),
            "prod_hosting_stacks": draw(st.integers(1, 3)),
        }
    if draw(st.booleans()):
        observability: Data = {"resource_types": _subset(draw, ("AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"), 1)}
        _put(observability, "sink_arn", _maybe(draw, f"arn:aws:oam:{region}:{ids[0]}:sink/existing-sink"))
        data["observability"] = observability
    if draw(st.booleans()):
        pipeline: Data = (
            {"codecommit_repository": "ml-platform"}
            if draw(st.booleans())
            else {
                "connection_arn": f"arn:aws:codeconnections:{region}:{ids[0]}:connection/{CONNECTION_ID}",
                "repository": "example-org/ml-platform",
            }
        )
        data["platform_pipeline"] = pipeline
    return data
