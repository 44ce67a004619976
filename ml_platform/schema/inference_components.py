"""Inference components hosting mode (issue #22): several models on one endpoint, each with its
own compute share, copy count and scaling, and the endpoint's instances scaled by SageMaker.

Plain pydantic. An endpoint is in component mode when it lists ``inference_components``; the
combinations the SageMaker API or the platform refuses are checked in ``hosting.py`` and
``config_component_checks.py`` (docs/inference-components.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol

from pydantic import Field, model_validator

from .base import SageMakerName, StrictModel, check_not_above


class RoutingStrategy(StrEnum):
    """``RoutingConfig.RoutingStrategy`` of the variant (how requests reach the copies)."""

    LEAST_OUTSTANDING_REQUESTS = "least_outstanding_requests"
    RANDOM = "random"


class ManagedInstanceScaling(StrictModel):
    """SageMaker scales the variant's instances to what the components' copies need.

    ``ProductionVariantManagedInstanceScaling``; ``min_instances: 0`` lets the endpoint scale to
    zero instances, which AWS documents only for endpoints that host inference components."""

    min_instances: int = Field(default=1, ge=0, le=100, description="Fewest instances (0: scale to zero).")
    max_instances: int = Field(default=2, ge=1, le=100, description="Most instances.")
    routing: RoutingStrategy = Field(
        default=RoutingStrategy.LEAST_OUTSTANDING_REQUESTS,
        description="least_outstanding_requests or random: how the variant routes requests to copies.",
    )

    @model_validator(mode="after")
    def _bounds(self) -> ManagedInstanceScaling:
        check_not_above(self, "min_instances", "max_instances")
        return self


class CopyScaling(StrictModel):
    """Application Auto Scaling of a component's copies: target tracking on invocations per copy.

    Dimension ``sagemaker:inference-component:DesiredCopyCount``."""

    min_copies: int = Field(default=1, ge=0, le=100, description="Fewest copies (0: the model scales to zero).")
    max_copies: int = Field(default=4, ge=1, le=100, description="Most copies.")
    target_invocations_per_copy: int = Field(
        default=50, ge=1, le=100000, description="Target of SageMakerInferenceComponentInvocationsPerCopy (per minute)."
    )
    scale_in_cooldown_seconds: int = Field(default=300, ge=0, le=3600, description="Wait after scaling in.")
    scale_out_cooldown_seconds: int = Field(default=60, ge=0, le=3600, description="Wait after scaling out.")

    @model_validator(mode="after")
    def _bounds(self) -> CopyScaling:
        check_not_above(self, "min_copies", "max_copies")
        return self


class InferenceComponentConfig(StrictModel):
    """One model on a component endpoint, with what each copy of it reserves on an instance."""

    name: SageMakerName = Field(description="Inference component name (unique per account), used to invoke it.")
    model: SageMakerName = Field(description="Name of a model in the 'models' section.")
    variant: SageMakerName | None = Field(default=None, description="Variant it runs on; default: the only one.")
    cpu_cores: float = Field(default=1.0, ge=0.25, le=512, description="CPU cores reserved per copy.")
    min_memory_mb: int = Field(default=1024, ge=128, le=2_000_000, description="Memory reserved per copy (MiB).")
    accelerators: int = Field(
        default=0, ge=0, le=16, description="Accelerator devices (GPUs) per copy; 0 on CPU instance types."
    )
    copies: int = Field(default=1, ge=0, le=100, description="Copies at creation (within scaling min/max).")
    scaling: CopyScaling | None = Field(default=None, description="Autoscaling of the copies; none: fixed copies.")

    @model_validator(mode="after")
    def _copies(self) -> InferenceComponentConfig:
        if self.scaling is None:
            if self.copies == 0:
                raise ValueError("copies: 0 without 'scaling' never serves; give scaling.min_copies: 0 instead")
        elif not self.scaling.min_copies <= self.copies <= self.scaling.max_copies:
            raise ValueError(
                f"copies: {self.copies} is outside scaling min/max "
                f"({self.scaling.min_copies}..{self.scaling.max_copies})"
            )
        return self

    @property
    def scales_to_zero(self) -> bool:
        return self.scaling is not None and self.scaling.min_copies == 0


class _Variant(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def model(self) -> str | None: ...
    @property
    def serverless(self) -> object | None: ...
    @property
    def autoscaling(self) -> object | None: ...
    @property
    def managed_instance_scaling(self) -> ManagedInstanceScaling | None: ...
    @property
    def instance_count(self) -> int: ...


class _Endpoint(Protocol):
    @property
    def variants(self) -> Sequence[_Variant]: ...
    @property
    def inference_components(self) -> Sequence[InferenceComponentConfig]: ...
    @property
    def strategy(self) -> StrEnum: ...
    @property
    def async_inference(self) -> object | None: ...


def check_component_endpoint(endpoint: _Endpoint) -> None:
    """The combinations an endpoint with (or without) inference components may not have; each
    message starts with the field path relative to the endpoint."""
    components = endpoint.inference_components
    if not components:
        for i, variant in enumerate(endpoint.variants):
            if variant.model is None:
                raise ValueError(
                    f"variants[{i}].model: required (only inference-component endpoints' variants name none)"
                )
            if variant.managed_instance_scaling is not None:
                raise ValueError(
                    f"variants[{i}].managed_instance_scaling: managed instance scaling needs inference_components "
                    "(it scales instances to the copies the components ask for)"
                )
        return
    if endpoint.strategy.value != "single":
        raise ValueError(
            f"strategy: an inference-component endpoint has strategy single and one variant, not "
            f"{endpoint.strategy.value} (a new model version swaps its component only)"
        )
    if endpoint.async_inference is not None:
        raise ValueError("async_inference: inference components serve real-time requests only")
    names = {v.name for v in endpoint.variants}
    for i, variant in enumerate(endpoint.variants):
        where = f"variants[{i}]"
        if variant.model is not None:
            raise ValueError(
                f"{where}.model: an inference-component endpoint's variant names no model (its components do)"
            )
        if variant.serverless is not None:
            raise ValueError(f"{where}.serverless: inference components run on instances, not serverless")
        if variant.autoscaling is not None:
            raise ValueError(
                f"{where}.autoscaling: with inference components SageMaker scales the instances "
                "(managed_instance_scaling) and each component its copies (scaling)"
            )
        managed = variant.managed_instance_scaling
        if managed is not None:
            if not managed.min_instances <= variant.instance_count <= managed.max_instances:
                raise ValueError(
                    f"{where}.initial_instance_count: {variant.instance_count} is outside managed_instance_scaling "
                    f"min/max ({managed.min_instances}..{managed.max_instances})"
                )
            on_variant = [c for c in components if (c.variant or variant.name) == variant.name]
            if managed.min_instances == 0 and not all(c.scales_to_zero for c in on_variant):
                raise ValueError(
                    f"{where}.managed_instance_scaling.min_instances: 0 (scale to zero) needs every component on "
                    "the variant to scale to zero copies (scaling.min_copies: 0)"
                )
    seen: set[str] = set()
    for j, component in enumerate(components):
        if component.name in seen:
            raise ValueError(f"inference_components[{j}].name: duplicate component name '{component.name}'")
        seen.add(component.name)
        if component.variant is not None and component.variant not in names:
            raise ValueError(
                f"inference_components[{j}].variant: '{component.variant}' is not a variant of this endpoint"
            )
