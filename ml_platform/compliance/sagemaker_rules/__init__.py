"""The platform's own rule pack: SageMaker and cost rules cdk-nag does not have (issue #11).

One rule per file; docs/guardrails.md maps each to the Security Hub control or book chapter.
"""

from __future__ import annotations

from .audit_identity import DOMAIN_RULE as DOMAIN_SOURCE_IDENTITY
from .audit_identity import ROLE_RULE as SOURCE_IDENTITY_TRUST
from .base import Rule
from .component_endpoint_private import RULE as COMPONENT_ENDPOINT_PRIVATE
from .cost_allocation_tags import cost_allocation_tags_rule
from .domain_kms import RULE as DOMAIN_KMS
from .domain_vpc_only import RULE as DOMAIN_VPC_ONLY
from .endpoint_config_kms import RULE as ENDPOINT_CONFIG_KMS
from .feature_group_kms import RULE as FEATURE_GROUP_KMS
from .mlflow_artefact_store import RULE as MLFLOW_ARTEFACT_STORE
from .model_card_kms import RULE as MODEL_CARD_KMS
from .model_isolation import RULE as MODEL_ISOLATION
from .monitoring_jobs_private import RULE as MONITORING_JOBS_PRIVATE
from .no_wildcard_passrole import RULE as NO_WILDCARD_PASSROLE
from .notebook_private import RULE as NOTEBOOK_PRIVATE
from .pipeline_jobs_private import RULE as PIPELINE_JOBS_PRIVATE
from .prod_data_capture import RULE as PROD_DATA_CAPTURE
from .prod_variant_instances import RULE as PROD_VARIANT_INSTANCES

SAGEMAKER_RULES: tuple[Rule, ...] = (
    DOMAIN_VPC_ONLY,
    DOMAIN_KMS,
    ENDPOINT_CONFIG_KMS,
    MODEL_ISOLATION,
    PROD_VARIANT_INSTANCES,
    PROD_DATA_CAPTURE,
    FEATURE_GROUP_KMS,
    NOTEBOOK_PRIVATE,
    MONITORING_JOBS_PRIVATE,
    PIPELINE_JOBS_PRIVATE,
    NO_WILDCARD_PASSROLE,
    MLFLOW_ARTEFACT_STORE,
    MODEL_CARD_KMS,
    DOMAIN_SOURCE_IDENTITY,
    SOURCE_IDENTITY_TRUST,
    COMPONENT_ENDPOINT_PRIVATE,  # issue #22
)

__all__ = ["SAGEMAKER_RULES", "Rule", "cost_allocation_tags_rule"]
