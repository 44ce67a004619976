"""SageMaker execution roles of a data science account: one per persona, one for jobs (book ch2)."""

from __future__ import annotations

from collections.abc import Sequence

from constructs import Construct

from ..constructs import sagemaker_scope as platform_grants
from ..constructs.sagemaker_role import SageMakerRole
from ..mlflow_support import MlflowTarget
from ..naming import partition_for
from ..personas import JOB_GRANTS, PERSONA_GRANTS, policies_for
from ..role_names import JOB_ROLE_SUFFIX, persona_role_suffix
from ..schema.governance import ModelLifecycleConfig
from ..schema.studio import Persona
from .base import PlatformStack, StackContext


def persona_role_name(prefix: str, persona: Persona) -> str:
    return f"{prefix}{persona_role_suffix(persona)}"


class StudioAccessStack(PlatformStack):
    """Stateless: roles can be replaced without touching data; users point at them by ARN."""

    STATEFUL = False
    DESCRIPTION = "SageMaker execution roles of the {slug} account."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        bucket_name: str,
        key_arns: Sequence[str],
        image_accounts: Sequence[str],
        data_lake_account: str | None = None,
        assumable_role_arns: Sequence[str] = (),
        artefacts: platform_grants.ModelArtefacts | None = None,
        labeling: bool = False,
        athena_workgroup: str | None = None,
        feature_store: bool = True,
        mlflow: MlflowTarget | None = None,
        lifecycle: ModelLifecycleConfig | None = None,
    ) -> None:
        super().__init__(scope, construct_id, context)
        prefix = context.naming.resource("sm-")
        self.sagemaker_scope = platform_grants.SageMakerScope(
            partition=partition_for(self.region),
            region=self.region,
            account=self.account,
            bucket_name=bucket_name,
            key_arns=key_arns,
            role_name_prefix=prefix,
            image_accounts=image_accounts,
            data_lake_account=data_lake_account,
            assumable_role_arns=assumable_role_arns,
            artefacts=artefacts,
            labeling=labeling,
            athena_workgroup=athena_workgroup,
            feature_store=feature_store,
            mlflow=mlflow,
            # Model lifecycle stages (constructs/lifecycle_grants.py, docs/model-governance.md).
            development_stages=tuple((lifecycle or ModelLifecycleConfig()).development_stages),
            production_stage=(lifecycle or ModelLifecycleConfig()).production_stage,
        )
        self.persona_roles = {
            persona: SageMakerRole(
                self,
                f"{persona.value.title().replace('_', '')}Role",
                role_name=persona_role_name(prefix, persona),
                description=f"Studio execution role of {persona.value.replace('_', ' ')}s",
                policies=policies_for(capabilities, self.sagemaker_scope),
            )
            for persona, capabilities in PERSONA_GRANTS.items()
        }
        self.job_role = SageMakerRole(
            self,
            "JobRole",
            role_name=f"{prefix}{JOB_ROLE_SUFFIX}",
            description="Execution role of processing, training and tuning jobs and pipelines",
            policies=policies_for(JOB_GRANTS, self.sagemaker_scope),
        )
