"""Cross-reference checks of model governance (issue #22, capability 3); messages start with the field path."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import PlatformConfig


def check_governance(config: PlatformConfig) -> None:
    released = {m.model_package_group for m in config.models if m.model_package_group}
    for i, build in enumerate(config.model_builds):
        governance, path = build.governance, f"model_builds[{i}].governance"
        if governance is None:
            continue
        if governance.require_model_card and governance.model_card is None:
            raise ValueError(
                f"{path}.require_model_card: group '{build.model_package_group}' has no card source; set "
                "model_card (the card the pipeline attaches) or require_model_card: false"
            )
        if build.model_package_group not in released:
            raise ValueError(
                f"{path}: group '{build.model_package_group}' is released by no model (models[].model_package_group); "
                "governance gates releases, remove it"
            )
