"""What each persona's SageMaker role may do (XC-9): grant sets from the grant modules.

Shared by the data science account's roles and the Service Catalog products' roles.
"""

from __future__ import annotations

from collections.abc import Callable

from .constructs import sagemaker_grants as g
from .constructs import sagemaker_scope as platform_grants
from .constructs.sagemaker_scope import SageMakerScope
from .constructs.scoped_policy import Grant
from .schema.studio import Persona

GrantSet = Callable[[SageMakerScope], list[Grant]]

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
    g.projects,
    platform_grants.data_lake_access,
]
# What each persona may do (XC-9): ML engineers also manage pipelines, approve models and
# test endpoints; platform admins look after the domain but build nothing.
PERSONA_GRANTS: dict[Persona, list[GrantSet]] = {
    Persona.DATA_SCIENTIST: _BUILDER,
    Persona.ML_ENGINEER: [
        *_BUILDER[:7],
        lambda s: g.registry(s, approve=True),
        lambda s: g.pipelines(s, manage=True),
        g.projects,
        platform_grants.data_lake_access,
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
    platform_grants.data_lake_access,
    lambda s: g.registry(s, approve=False),
    lambda s: g.pipelines(s, manage=False),
    g.observe,
    platform_grants.model_artefacts,
    g.models_in_vpc,  # batch transform steps create a model first (book ch10)
]

# Hosted models (test, prod): read artefacts and images, write capture data and logs (XA-4).
MODEL_GRANTS: list[GrantSet] = [
    platform_grants.data_access,
    # A hosted model starts no jobs: everything of the runtime basics except PassRole.
    lambda s: [g for g in platform_grants.runtime_basics(s) if g.sid != "PassPlatformSageMakerRoles"],
    lambda s: platform_grants.model_artefacts(s, write=False),
]


# A notebook instance's own role (Service Catalog notebook product): a builder without Studio.
NOTEBOOK_GRANTS: list[GrantSet] = [*(b for b in _BUILDER if b not in (g.studio_apps, g.projects)), g.notebook_self_stop]
# A Studio user from the Studio product: a builder whose bucket access is its own prefix only.
STUDIO_PRODUCT_GRANTS: list[GrantSet] = [
    *(b for b in _BUILDER if b not in (platform_grants.data_access, g.projects)),
    platform_grants.key_access,
]


def grants_for(builders: list[GrantSet], scope: SageMakerScope) -> list[Grant]:
    return [grant for builder in builders for grant in builder(scope)]
