"""Idle cost of inference-component endpoints (issue #22): managed instance scaling keeps
``MinInstanceCount`` instances, so an endpoint that scales to zero costs nothing idle."""

from __future__ import annotations

from typing import Any

import pytest

from ml_platform.cost.estimate import estimate

from .test_cost_estimate import PRICES


def _component_endpoint(minimum: int, status: str = "ENABLED") -> dict[str, Any]:
    return {
        "Resources": {
            "Config": {
                "Type": "AWS::SageMaker::EndpointConfig",
                "Properties": {
                    "ExecutionRoleArn": "arn:aws:iam::123456789012:role/r",
                    "ProductionVariants": [
                        {
                            "VariantName": "AllTraffic",
                            "InstanceType": "ml.m5.large",
                            "InitialInstanceCount": 2,
                            "ManagedInstanceScaling": {
                                "Status": status,
                                "MinInstanceCount": minimum,
                                "MaxInstanceCount": 4,
                            },
                        }
                    ],
                },
            },
            "Endpoint": {
                "Type": "AWS::SageMaker::Endpoint",
                "Properties": {
                    "EndpointName": "cities",
                    "EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]},
                },
            },
        }
    }


@pytest.mark.parametrize(("minimum", "instances"), [(0, 0), (1, 1), (3, 3)])
def test_managed_scaling_costs_its_minimum_instances(minimum: int, instances: int) -> None:
    totals = estimate({"Test/hosting.template.json": _component_endpoint(minimum)}, PRICES)["Test"]
    assert totals["endpoint instances"] == pytest.approx(instances * 0.1 * 730)


def test_disabled_managed_scaling_costs_the_initial_count() -> None:
    totals = estimate({"Test/hosting.template.json": _component_endpoint(0, "DISABLED")}, PRICES)["Test"]
    assert totals["endpoint instances"] == pytest.approx(2 * 0.1 * 730)
