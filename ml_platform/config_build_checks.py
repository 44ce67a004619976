"""Cross-reference checks of the model build and release sections (issue #7).

Kept apart from config.py so each file stays readable; messages start with the field path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .pipelines.debugger_images import REGISTRIES

if TYPE_CHECKING:
    from .config import PlatformConfig


def check_model_builds(config: PlatformConfig) -> None:
    teams = {t.name: t.account_id for t in config.accounts.data_science}
    repositories = set(config.artifacts.repositories)
    seen: dict[tuple[str, str], str] = {}
    for i, build in enumerate(config.model_builds):
        path = f"model_builds[{i}]"
        if build.team not in teams:
            raise ValueError(f"{path}.team: '{build.team}' is not a data science team ({', '.join(teams)})")
        for kind, key in (("pipeline", build.name), ("model_package_group", build.model_package_group)):
            if (build.team, f"{kind}:{key}") in seen:
                raise ValueError(f"{path}: {kind} '{key}' is already used by team '{build.team}'")
            seen[(build.team, f"{kind}:{key}")] = path
        for step in ("processing", "training", "evaluation", "registration"):
            image = getattr(build, step).image
            repository = image.split(":")[0] if image else None
            if repository is not None and repository not in repositories:
                raise ValueError(f"{path}.{step}.image: repository '{repository}' is not in artifacts.repositories")
        if build.training.debugger_rules and config.organisation.region not in REGISTRIES:
            raise ValueError(
                f"{path}.training.debugger_rules: region {config.organisation.region} has no Debugger rule "
                "images; set debugger_rules: []"
            )


def check_released_models(config: PlatformConfig) -> None:
    """A model released from a package group needs a model_builds entry that registers into it."""
    teams: dict[str, set[str]] = {}
    for build in config.model_builds:
        teams.setdefault(build.model_package_group, set()).add(build.team)
    for i, model in enumerate(config.models):
        group = model.model_package_group
        if group is None:
            continue
        if group not in teams:
            raise ValueError(
                f"models[{i}].model_package_group: '{group}' is the model_package_group of no model_builds entry"
            )
        if len(teams[group]) > 1:
            raise ValueError(
                f"models[{i}].model_package_group: '{group}' is built by teams {', '.join(sorted(teams[group]))}; "
                "a released group's name must be unique across teams"
            )
