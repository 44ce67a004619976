"""Who may use a Studio space (issue #22): a user works in their own private spaces and in the
domain's shared spaces, never in another user's private space.

The persona roles are shared by every user of a persona, so the role alone cannot tell users
apart. With the domain's ``ExecutionRoleIdentityConfig: USER_PROFILE_NAME`` every session of the
role carries the user profile name as ``aws:SourceIdentity`` (docs/audit-identity.md), and
``CreateApp``, ``DeleteApp``, ``CreateSpace`` and ``UpdateSpace`` carry the space's
``sagemaker:SpaceSharingType`` and ``sagemaker:OwnerUserProfileArn``
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html).
Two denies, added to the builders' Studio allows: a private space whose owner is not the
session's user, and a private space from a session without a source identity.
"""

from __future__ import annotations

from .sagemaker_scope import SageMakerScope
from .scoped_policy import Grant

SPACE_ACTIONS = ["sagemaker:CreateApp", "sagemaker:DeleteApp", "sagemaker:CreateSpace", "sagemaker:UpdateSpace"]
PRIVATE = {"sagemaker:SpaceSharingType": "Private"}


def private_space_guard(s: SageMakerScope) -> list[Grant]:
    own_profile = s.arn("sagemaker", "user-profile/*/${aws:SourceIdentity}")
    resources = s.sm("app/*", "space/*")
    why = "every app and space of the domain: the owner is in the request, not the ARN"
    return [
        Grant(
            "OthersPrivateSpaces",
            SPACE_ACTIONS,
            resources,
            why=why,
            conditions={"StringEquals": PRIVATE, "ArnNotLike": {"sagemaker:OwnerUserProfileArn": own_profile}},
            effect="Deny",
        ),
        Grant(
            "PrivateSpacesNeedSourceIdentity",
            SPACE_ACTIONS,
            resources,
            why=why,
            conditions={"StringEquals": PRIVATE, "Null": {"aws:SourceIdentity": "true"}},
            effect="Deny",
        ),
    ]
