"""What each persona's SageMaker role may do (XC-9): grant sets grouped by capability.

Each capability becomes one customer managed policy of the role (``SageMakerRole(policies=)``):
IAM caps a managed policy at 6,144 characters, and a persona's grants together are about
10,000 (issue #17). Shared by the data science account's roles and the Service Catalog
products' roles. The runtime-flow tests (``ml_platform/flows``) prove what each persona may and
may not do, and docs/data-science-account.md's table is checked against them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from .constructs import mlflow_grants, studio_space_grants
from .constructs import sagemaker_grants as g
from .constructs import sagemaker_scope as platform_grants
from .constructs.lifecycle_grants import lifecycle_stages, no_stages
from .constructs.sagemaker_scope import SageMakerScope
from .constructs.scoped_policy import Grant
from .role_names import JOB_ROLE_SUFFIX, LABELING_ROLE_SUFFIX, persona_role_suffix
from .schema.studio import Persona

GrantSet = Callable[[SageMakerScope], list[Grant]]
Capabilities = Mapping[str, Sequence[GrantSet]]  # policy name suffix -> grant sets


def _passes(*suffixes: str) -> GrantSet:
    return lambda s: platform_grants.pass_roles(s, suffixes)


def _builder(persona: Persona, *, approve: bool) -> dict[str, list[GrantSet]]:
    """A data scientist or ML engineer: Studio, jobs, data, and its own pipelines and models.
    Passes only its own role, the jobs role and the labeling role (issue #17)."""
    return {
        "studio": [studio_space_grants.builder_studio_apps, g.projects, g.observe],  # docs/studio-spaces.md
        "jobs": [g.jobs, g.experiments, mlflow_grants.mlflow_use],
        "data": [platform_grants.data_access, g.feature_store, platform_grants.data_lake_access],
        "runtime": [
            platform_grants.runtime_basics,
            _passes(persona_role_suffix(persona), JOB_ROLE_SUFFIX, LABELING_ROLE_SUFFIX),
        ],
        "models": [
            lambda s: g.registry(s, approve=approve),
            lambda s: lifecycle_stages(s, approve=approve),  # docs/model-governance.md
            lambda s: g.pipelines(s, manage=approve),
            *([g.endpoints_for_testing] if approve else []),
        ],
    }


# What each persona may do (XC-9): ML engineers also manage pipelines, approve models and
# test endpoints; platform admins look after the domain but build nothing and pass no role
# (changing a user's persona is a config change, deployed like any other).
PERSONA_GRANTS: dict[Persona, dict[str, list[GrantSet]]] = {
    Persona.DATA_SCIENTIST: _builder(Persona.DATA_SCIENTIST, approve=False),
    Persona.ML_ENGINEER: _builder(Persona.ML_ENGINEER, approve=True),
    Persona.PLATFORM_ADMIN: {
        "studio": [g.studio_apps, g.observe, g.domain_admin],
        "runtime": [lambda s: platform_grants.data_access(s, write=False), platform_grants.runtime_basics],
    },
}
# Jobs and pipeline steps: run jobs, track experiments, use features, register models. The
# pipeline runs as this role and passes it to its steps, and nothing else.
JOB_GRANTS: dict[str, list[GrantSet]] = {
    "jobs": [g.jobs, g.experiments, g.models_in_vpc],  # batch transform steps create a model (book ch10)
    "data": [
        platform_grants.data_access,
        g.feature_store,
        platform_grants.data_lake_access,
        lambda s: platform_grants.model_artefacts(s),
    ],
    "runtime": [platform_grants.runtime_basics, _passes(JOB_ROLE_SUFFIX), g.observe],
    "models": [lambda s: g.registry(s, approve=False), lambda s: g.pipelines(s, manage=False)],
}
JOB_GRANTS["models"].append(lambda s: lifecycle_stages(s, approve=False))  # docs/model-governance.md

# Hosted models (test, prod): read artefacts and images, write capture data and logs (XA-4).
MODEL_GRANTS: list[GrantSet] = [
    platform_grants.data_access,
    platform_grants.runtime_basics,  # a hosted model starts no jobs: it passes no role
    lambda s: platform_grants.model_artefacts(s, write=False),
]

# A notebook instance's own role (Service Catalog notebook product): a builder without Studio;
# it passes itself (SageMakerRole(pass_own_role=True)) and the team's jobs role.
_PRODUCT_RUNTIME: list[GrantSet] = [platform_grants.runtime_basics, _passes(JOB_ROLE_SUFFIX)]
NOTEBOOK_GRANTS: dict[str, list[GrantSet]] = {
    "work": [g.observe, g.jobs, g.experiments, g.notebook_self_stop],
    "data": [platform_grants.data_access, g.feature_store],
    "runtime": [
        *_PRODUCT_RUNTIME,
        lambda s: g.registry(s, approve=False),
        lambda s: g.pipelines(s, manage=False),
        no_stages,  # docs/model-governance.md
    ],
}
# A Studio user from the Studio product: a builder whose bucket access is its own prefix only.
STUDIO_PRODUCT_GRANTS: dict[str, list[GrantSet]] = {
    "work": [g.studio_apps, g.observe, g.jobs, g.experiments],
    "data": [platform_grants.key_access, g.feature_store],
    "runtime": [
        *_PRODUCT_RUNTIME,
        lambda s: g.registry(s, approve=False),
        lambda s: g.pipelines(s, manage=False),
        no_stages,  # docs/model-governance.md
    ],
}


def grants_for(builders: Sequence[GrantSet], scope: SageMakerScope) -> list[Grant]:
    return [grant for builder in builders for grant in builder(scope)]


def policies_for(capabilities: Capabilities, scope: SageMakerScope) -> dict[str, list[Grant]]:
    """One list of grants per capability (each becomes a managed policy)."""
    return {name: grants_for(builders, scope) for name, builders in capabilities.items()}
