"""Cross-field checks of the Studio spaces settings (issue #22, capability 5).

The facts come from the CloudFormation resource schemas and provider data cfn-lint bundles (the
same files the deploy rehearsal reads), so the checks follow AWS's published definitions:
- ``AWS::SageMaker::Space`` is missing from some regions' provider data (ap-south-2, ca-west-1,
  the GovCloud and China regions, ...): spaces configured there would fail at deploy;
- JupyterLab and Code Editor apps take the ``AppInstanceType`` values of the Domain schema, less
  ``system`` (the Jupyter Server of Studio Classic) and ``ml.geospatial.interactive`` (geospatial
  image only).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from .region_features import resource_schema, resource_types_in

if TYPE_CHECKING:
    from .config import PlatformConfig

SPACE = "AWS::SageMaker::Space"
NOT_FOR_IDE_APPS = frozenset({"system", "ml.geospatial.interactive"})


@cache
def app_instance_types(region: str) -> frozenset[str]:
    """Instance types a JupyterLab / Code Editor app may use in ``region``."""
    definitions = resource_schema("AWS::SageMaker::Domain", region)["definitions"]
    return frozenset(definitions["AppInstanceType"]["enum"]) - NOT_FOR_IDE_APPS


def check_studio(config: PlatformConfig) -> None:
    region = config.organisation.region
    for i, team in enumerate(config.accounts.data_science):
        studio, path = team.studio, f"accounts.data_science[{i}].studio"
        for persona, defaults in studio.persona_defaults.items():
            if defaults.instance_type not in app_instance_types(region):
                raise ValueError(
                    f"{path}.persona_defaults.{persona.value}.instance_type: {defaults.instance_type} is not an "
                    "instance type of JupyterLab / Code Editor apps (AppInstanceType of AWS::SageMaker::Domain)"
                )
        if (studio.private_spaces or studio.shared_spaces) and SPACE not in resource_types_in(region):
            field = "private_spaces" if studio.private_spaces else "shared_spaces"
            raise ValueError(f"{path}.{field}: region {region} has no {SPACE} in CloudFormation; configure no spaces")
        if studio.shared_spaces and not studio.users:
            raise ValueError(f"{path}.shared_spaces: a shared space needs an owner; add a user to studio.users")
        private = (
            {studio.private_space_name(u.name): j for j, u in enumerate(studio.users)} if studio.private_spaces else {}
        )
        for name, j in private.items():
            if len(name) > 63:
                raise ValueError(f"{path}.users[{j}].name: its private space name {name} is longer than 63 characters")
        for k, space in enumerate(studio.shared_spaces):
            if space.name in private:
                raise ValueError(f"{path}.shared_spaces[{k}].name: '{space.name}' is a user's private space name")
