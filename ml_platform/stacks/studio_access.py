"""SageMaker execution roles of a data science account: one per persona, one for jobs (book ch2)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from constructs import Construct

from ..constructs import sagemaker_grants as g
from ..constructs import sagemaker_scope as platform_grants
from ..constructs.sagemaker_role import SageMakerRole
from ..constructs.scoped_policy import Grant
from ..naming import partition_for
from ..schema.studio import Persona
from .base import PlatformStack, StackContext

GrantSet = Callable[[platform_grants.SageMakerScope], list[Grant]]

_BUILDER: list[GrantSet] = [
    g.studio_apps,
    g.observe,
    g.jobs,
    g.experiments,
    g.feature_store,
    platform_grants.data_access,
    platform_grants.runtime_basics,
    lambda s: g.registry(s, approve=False),
    lambda s: g.pipelines(s, manage=False),
]
# What each persona may do (XC-9): ML engineers also manage pipelines, approve models and
# test endpoints; platform admins look after the domain but build nothing.
PERSONA_GRANTS: dict[Persona, list[GrantSet]] = {
    Persona.DATA_SCIENTIST: _BUILDER,
    Persona.ML_ENGINEER: [
        *_BUILDER[:7],
        lambda s: g.registry(s, approve=True),
        lambda s: g.pipelines(s, manage=True),
        g.endpoints_for_testing,
    ],
    Persona.PLATFORM_ADMIN: [
        g.studio_apps,
        g.observe,
        g.domain_admin,
        lambda s: platform_grants.data_access(s, write=False),
        platform_grants.runtime_basics,
    ],
}
# Jobs and pipeline steps: run jobs, track experiments, use features, register models.
JOB_GRANTS: list[GrantSet] = [
    *_BUILDER[2:7],
    lambda s: g.registry(s, approve=False),
    lambda s: g.pipelines(s, manage=False),
    g.observe,
]


def persona_role_name(prefix: str, persona: Persona) -> str:
    return f"{prefix}{persona.value.replace('_', '-')}"


class StudioAccessStack(PlatformStack):
    """Stateless: roles can be replaced without touching data; users point at them by ARN."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        bucket_name: str,
        key_arns: Sequence[str],
        image_accounts: Sequence[str],
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            context,
            stateful=False,
            description=f"SageMaker execution roles of the {context.naming.slug} account.",
        )
        prefix = context.naming.resource("sm-")
        self.sagemaker_scope = platform_grants.SageMakerScope(
            partition=partition_for(self.region),
            region=self.region,
            account=self.account,
            bucket_name=bucket_name,
            key_arns=key_arns,
            role_name_prefix=prefix,
            image_accounts=image_accounts,
        )
        self.persona_roles = {
            persona: SageMakerRole(
                self,
                f"{persona.value.title().replace('_', '')}Role",
                role_name=persona_role_name(prefix, persona),
                description=f"Studio execution role of {persona.value.replace('_', ' ')}s",
                grants=[grant for builder in builders for grant in builder(self.sagemaker_scope)],
            )
            for persona, builders in PERSONA_GRANTS.items()
        }
        self.job_role = SageMakerRole(
            self,
            "JobRole",
            role_name=f"{prefix}jobs",
            description="Execution role of processing, training and tuning jobs and pipelines",
            grants=[grant for builder in JOB_GRANTS for grant in builder(self.sagemaker_scope)],
        )
