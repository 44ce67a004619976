"""Who may use a Studio space (issue #22): a user works in their own private spaces and in the
domain's shared spaces, never in another user's private space.

The persona roles are shared by every user of a persona, so the role alone cannot tell users
apart. AWS's documented policy for JupyterLab and Code Editor users does it with the space's
``sagemaker:OwnerUserProfileArn`` and ``sagemaker:SpaceSharingType`` and the requesting user's
``${sagemaker:UserProfileName}`` and ``${sagemaker:DomainId}`` ("Give your users access to private
spaces", https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-jl-admin-guide-permissions.html;
keys in https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html).
Its statements are allows, so a request without these keys (a call from outside Studio, a missing
variable) matches none of them and fails closed. The builders get these instead of the broad
app and space allow of ``sagemaker_grants.studio_apps``; reading stays as it was.
"""

from __future__ import annotations

from .sagemaker_scope import SageMakerScope
from .scoped_policy import Grant

APP_ACTIONS = ["sagemaker:CreateApp", "sagemaker:DeleteApp"]
SPACE_ACTIONS = ["sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace"]
OWNER, SHARING = "sagemaker:OwnerUserProfileArn", "sagemaker:SpaceSharingType"
WHY = "apps and spaces of the team's domain, named at run time; the owner and sharing type are in the request"


def builder_studio_apps(s: SageMakerScope) -> list[Grant]:
    """AWS's statements, in the team's account: apps outside spaces; one's own spaces (private or
    shared) and shared spaces without an owner; apps in one's own private space and in shared spaces."""
    own = {OWNER: s.arn("sagemaker", "user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}")}
    apps, spaces = s.sm("app/${sagemaker:DomainId}/*"), s.sm("space/${sagemaker:DomainId}/*")
    return [
        s.runtime_grant(
            "Studio domain, app and space",
            "StudioRead",
            [
                "sagemaker:DescribeApp",
                "sagemaker:DescribeSpace",
                "sagemaker:DescribeDomain",
                "sagemaker:DescribeUserProfile",
                "sagemaker:AddTags",
            ],
            ("app/*", "space/*", "domain/*", "user-profile/*"),
        ),
        Grant("AppsOutsideSpaces", APP_ACTIONS, s.sm("app/*"), why=WHY, conditions={"Null": {OWNER: "true"}}),
        Grant(
            "OwnSpaces",
            SPACE_ACTIONS,
            spaces,
            why=WHY,
            conditions={"ArnLike": own, "StringEquals": {SHARING: ["Private", "Shared"]}},
        ),
        Grant("SharedSpacesWithoutOwner", SPACE_ACTIONS, spaces, why=WHY, conditions={"Null": {OWNER: "true"}}),
        Grant(
            "OwnPrivateSpaceApps",
            APP_ACTIONS,
            apps,
            why=WHY,
            conditions={"ArnLike": own, "StringEquals": {SHARING: "Private"}},
        ),
        Grant(
            "SharedSpaceApps",
            APP_ACTIONS,
            s.sm("app/${sagemaker:DomainId}/*/*/*"),
            why=WHY,
            conditions={"StringEquals": {SHARING: "Shared"}},
        ),
    ]
