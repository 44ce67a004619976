"""Names of a data science account's SageMaker roles: ``<org>-<team>-sm-<suffix>``.

Plain Python (no CDK): the roles, their PassRole grants and the runtime flows use the same
names.
"""

from __future__ import annotations

from .schema.studio import Persona

JOB_ROLE_SUFFIX = "jobs"
LABELING_ROLE_SUFFIX = "labeling"


def persona_role_suffix(persona: Persona) -> str:
    """``data_scientist`` -> ``data-scientist``."""
    return persona.value.replace("_", "-")


MLFLOW_ROLE_SUFFIX = "mlflow"  # the role a team's managed MLflow runs as (issue #22)
