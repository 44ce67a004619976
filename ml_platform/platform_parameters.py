"""SSM parameters each data science account publishes for Service Catalog products.

Product templates are shared to every team, so they cannot name a team's VPC, keys or domain.
Instead each account publishes them under the same names, and product parameters of type
``AWS::SSM::Parameter::Value<...>`` resolve them at launch time in the launching account
(never at synth). Plain Python: the stacks and the product stacks share these names.
"""

from __future__ import annotations

SUBNET_IDS = "private-subnet-ids"
SAGEMAKER_SECURITY_GROUP = "sagemaker-security-group-id"
DATA_KEY_ARN = "data-key-arn"
STUDIO_KEY_ARN = "studio-key-arn"
PROJECTS_BUCKET = "projects-bucket"
ACCESS_LOGS_BUCKET = "access-logs-bucket"
STUDIO_DOMAIN_ID = "studio-domain-id"
NOTEBOOK_LIFECYCLE_CONFIG = "notebook-lifecycle-config"
SAGEMAKER_ROLE_PREFIX = "sagemaker-role-prefix"
PRODUCT_PERMISSIONS_BOUNDARY = "product-permissions-boundary-arn"
TEAM = "team"
IMAGE_ACCOUNT = "image-account-id"
MLFLOW_ARN = "mlflow-arn"  # the team's managed MLflow (issue #22)

# Fixed, not per organisation: product templates must not depend on the config, or every
# config change would force a new product version (see products/ and ProductStackHistory).
NAMESPACE = "/ml-platform"


def parameter_name(purpose: str) -> str:
    """E.g. ``/ml-platform/studio-domain-id``: the same name in every account."""
    return f"{NAMESPACE}/{purpose}"
