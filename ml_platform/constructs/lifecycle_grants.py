"""Model lifecycle stages enforced with IAM (issue #22, capability 3; docs/model-governance.md).

SageMaker exposes the stage and status a request sets as the condition keys
``sagemaker:ModelLifeCycle:stage`` and ``sagemaker:ModelLifeCycle:stageStatus`` on
``CreateModelPackage`` and ``UpdateModelPackage`` ("Set up Staging Construct Examples",
https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-staging-construct-set-up.html).
The persona roles' registry grants stay as they are (sagemaker_grants.registry); these explicit
denies narrow them: a request that sets a stage (the ``Null`` test: the key is present) may set only
the development stages, or for the approver persona also the production stage. A request that
sets no stage is untouched, so registering and approving work as before.
"""

from __future__ import annotations

from .sagemaker_scope import SageMakerScope
from .scoped_policy import Grant

STAGE_KEY = "sagemaker:ModelLifeCycle:stage"
ACTIONS = ("sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage")


def lifecycle_stages(s: SageMakerScope, *, approve: bool) -> list[Grant]:
    """Builders and the jobs role: development stages only. The approver: those and production."""
    allowed = [*s.development_stages, *([s.production_stage] if approve else [])]
    sid = "OnlyApproverStages" if approve else "OnlyDevelopmentStages"
    return [
        Grant(
            sid,
            ACTIONS,
            s.sm("model-package/*"),
            why="every model package of this account: a stage outside the list is refused whatever the version",
            conditions={"Null": {STAGE_KEY: "false"}, "StringNotEquals": {STAGE_KEY: allowed}},
            effect="Deny",
        )
    ]


def no_stages(s: SageMakerScope) -> list[Grant]:
    """Service Catalog product roles (notebook, Studio user) set no lifecycle stage at all. Their
    templates are versioned and shared by every team, so they cannot carry the organisation's stage
    names; refusing every stage fails closed, and the team's pipeline (jobs role) still registers
    its versions in a development stage."""
    return [
        Grant(
            "NoLifecycleStages",
            ACTIONS,
            s.sm("model-package/*"),
            why="product roles register without a stage; only the pipeline and the approver set one",
            conditions={"Null": {STAGE_KEY: "false"}},
            effect="Deny",
        )
    ]
