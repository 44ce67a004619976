"""Every interface endpoint of every VPC is justified by what runs inside it, and everything that runs
inside a VPC has its endpoints (issue #21), checked on the synthesized app against the runtime flows:

- a Lambda function with a ``VpcConfig`` in the template calls what its code calls (lambda_calls);
- a VPC-only Studio domain's people make the calls of their persona flows (allowed ones only);
- a VPC-only Studio needs the SageMaker API and runtime, and CloudWatch Logs for the SageMaker Python
  SDK's remote training jobs, whatever people do (AWS documentation,
  https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html);
- ``network.interface_endpoints`` lists extras a platform team asked for.

So an endpoint that nothing inside the VPC calls fails, and so does an in-VPC call without its endpoint.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pytest

from ml_platform.endpoint_needs import CLIENT_ENDPOINTS, endpoint_for_action
from ml_platform.flows.catalogue import mlflow, personas
from ml_platform.flows.catalogue.lambda_functions import PATHS
from ml_platform.flows.lambda_calls import function_calls
from ml_platform.flows.model import Expect
from ml_platform.flows.platform import Platform
from ml_platform.role_names import persona_role_suffix
from ml_platform.schema.network import InterfaceEndpoint
from ml_platform.schema.studio import Persona

from ..helpers import Synth

STUDIO_DOC = {InterfaceEndpoint.SAGEMAKER_API, InterfaceEndpoint.SAGEMAKER_RUNTIME, InterfaceEndpoint.LOGS}
SERVICE = re.compile(r"(?:com\.amazonaws|aws\.sagemaker)\.[a-z0-9-]+\.(?P<name>.+)$")


def _endpoints(synth: Synth) -> dict[str, set[str]]:
    """Stage -> the interface endpoint names its Network stack creates."""
    found: dict[str, set[str]] = defaultdict(set)
    for name, template in synth.templates.items():
        for resource in template["Resources"].values():
            props = resource.get("Properties", {})
            if resource["Type"] == "AWS::EC2::VPCEndpoint" and props.get("VpcEndpointType") == "Interface":
                match = SERVICE.match(props["ServiceName"])
                assert match is not None, props["ServiceName"]
                found[name.split("/", 1)[0]].add(match["name"])
    return found


def _in_vpc_functions(synth: Synth) -> dict[str, set[str]]:
    """Stage -> the lambda/ folders of its functions that run in a VPC."""
    folders: dict[str, set[str]] = defaultdict(set)
    for name, template in synth.templates.items():
        for resource in template["Resources"].values():
            path = resource.get("Metadata", {}).get("aws:cdk:path", "")
            if resource["Type"] != "AWS::Lambda::Function" or "VpcConfig" not in resource.get("Properties", {}):
                continue
            matched = [f for f, p in PATHS.items() if re.fullmatch(p, path)]
            assert matched, f"{path}: a function in a VPC whose code lambda_calls does not know"
            folders[name.split("/", 1)[0]].update(matched)
    return folders


def _needed(synth: Synth, platform: Platform) -> dict[str, dict[str, str]]:
    """Stage -> endpoint name -> one in-VPC flow (or requirement) that needs it."""
    needed: dict[str, dict[str, str]] = defaultdict(dict)
    for stage, folders in _in_vpc_functions(synth).items():
        for folder in sorted(folders):
            for call in function_calls(folder):
                endpoint = CLIENT_ENDPOINTS[call.service]
                if endpoint is not None:
                    needed[stage].setdefault(endpoint.value, f"lambda/{folder} {call.service} {call.operation}")
    studio_roles = {
        platform.role(team.slug, f"sm-{persona_role_suffix(persona)}").arn: f"DataScience-{team.slug}"
        for team in platform.teams()
        for persona in Persona
    }
    for flow in [*personas.flows(platform), *mlflow.flows(platform)]:  # people's calls, MLflow's included
        team_stage = studio_roles.get(str(getattr(flow.principal, "arn", "")))
        via_service = any(key == "kms:ViaService" for key in flow.context)
        if team_stage is None or flow.expect != Expect.ALLOW or via_service:
            continue
        endpoint = endpoint_for_action(flow.action)
        if endpoint is not None:
            needed[team_stage].setdefault(endpoint.value, flow.name)
    for team in platform.teams():
        for endpoint in STUDIO_DOC:
            needed[f"DataScience-{team.slug}"].setdefault(endpoint.value, "VPC-only Studio (AWS documentation)")
        for extra in platform.config.network.interface_endpoints:
            needed[f"DataScience-{team.slug}"].setdefault(extra.value, "network.interface_endpoints")
    return needed


@pytest.fixture(scope="module")
def endpoints_and_needs(synth: Synth, platform: Platform) -> tuple[dict[str, set[str]], dict[str, dict[str, str]]]:
    return _endpoints(synth), _needed(synth, platform)


def test_no_vpc_has_an_endpoint_that_nothing_inside_it_calls(endpoints_and_needs: Any) -> None:
    endpoints, needed = endpoints_and_needs
    unused = {stage: sorted(names - set(needed.get(stage, {}))) for stage, names in endpoints.items()}
    assert {s: u for s, u in unused.items() if u} == {}


def test_every_call_made_inside_a_vpc_has_its_endpoint(endpoints_and_needs: Any) -> None:
    endpoints, needed = endpoints_and_needs
    missing = {
        stage: {name: why for name, why in needs.items() if name not in endpoints.get(stage, set())}
        for stage, needs in needed.items()
    }
    assert {s: m for s, m in missing.items() if m} == {}


def test_a_team_without_feature_groups_gets_no_feature_store_runtime_endpoint(endpoints_and_needs: Any) -> None:
    """weatherresearch sets feature_store: false in the example; weatherproduct keeps the default."""
    endpoints, _ = endpoints_and_needs
    runtime = InterfaceEndpoint.SAGEMAKER_FEATURESTORE_RUNTIME.value
    assert runtime not in endpoints["DataScience-weatherresearch"]
    assert runtime in endpoints["DataScience-weatherproduct"]


def test_test_and_prod_get_no_studio_endpoints(endpoints_and_needs: Any) -> None:
    """Hosted models are network-isolated; only the prediction function (prod) calls out of those VPCs."""
    endpoints, _ = endpoints_and_needs
    studio_only = {"sagemaker.api", "studio", "notebook", "servicecatalog", "athena", "glue"}
    assert not (endpoints.get("Test", set()) | endpoints["Production"]) & studio_only
    assert endpoints["Production"] == {"sts", "sagemaker.runtime", "sagemaker.featurestore-runtime"}
    assert endpoints.get("Test", set()) == set()  # no function in the test VPC calls anything
