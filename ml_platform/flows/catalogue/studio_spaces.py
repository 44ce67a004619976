"""Studio spaces (issue #22, capability 5): a user opens apps in their own private space and in
the team's shared spaces, never in another user's private space (``studio_space_grants``).

A request from Studio carries the space's ``sagemaker:SpaceSharingType`` and
``sagemaker:OwnerUserProfileArn`` and the requesting user's ``sagemaker:DomainId`` and
``sagemaker:UserProfileName`` (AWS's documented policy for private spaces,
https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-jl-admin-guide-permissions.html).
"""

from __future__ import annotations

from ...schema.studio import Persona
from ..model import ContextValue, Flow, allow, deny, in_area
from ..platform import Platform
from .persona_capabilities import Team

AREA = "studio spaces"
DOC = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html"
CREATE_APP = "sagemaker:CreateApp"


def _context(t: Team, sharing: str, owner: str, user: str | None) -> dict[str, ContextValue]:
    context: dict[str, ContextValue] = {
        "sagemaker:SpaceSharingType": sharing,
        "sagemaker:OwnerUserProfileArn": t.sm(f"user-profile/{t.domain}/{owner}"),
    }
    if user is not None:
        context["sagemaker:DomainId"] = t.domain
        context["sagemaker:UserProfileName"] = user
    return context


def flows(platform: Platform) -> list[Flow]:
    found: list[Flow] = []
    for i, account in enumerate(platform.teams()):
        studio = platform.config.accounts.data_science[i].studio
        if not (studio.private_spaces or studio.shared_spaces):
            continue
        t = Team(platform, account.slug)
        builders = [u for u in studio.users if u.persona != Persona.PLATFORM_ADMIN]
        if len(builders) < 2:
            continue
        me, other = builders[0], builders[1]
        role = t.role(me.persona)
        own = t.sm(f"app/{t.domain}/{studio.private_space_name(me.name)}/JupyterLab/default")
        theirs = t.sm(f"app/{t.domain}/{studio.private_space_name(other.name)}/JupyterLab/default")
        why = f"a private space is its owner's (issue #22); {DOC}"
        found += [
            allow(
                f"{t.slug}: {me.name} opens JupyterLab in their private space",
                role,
                CREATE_APP,
                own,
                why,
                context=_context(t, "Private", me.name, me.name),
            ),
            deny(
                f"{t.slug}: {me.name} opens an app in {other.name}'s private space",
                role,
                CREATE_APP,
                theirs,
                why,
                context=_context(t, "Private", other.name, me.name),
            ),
            deny(
                f"{t.slug}: {me.name} deletes the app of {other.name}'s private space",
                role,
                "sagemaker:DeleteApp",
                theirs,
                why,
                context=_context(t, "Private", other.name, me.name),
            ),
            deny(
                f"{t.slug}: {me.name} deletes {other.name}'s private space",
                role,
                "sagemaker:DeleteSpace",
                t.sm(f"space/{t.domain}/{studio.private_space_name(other.name)}"),
                why,
                context=_context(t, "Private", other.name, me.name),
            ),
            allow(
                f"{t.slug}: {me.name} updates their private space",
                role,
                "sagemaker:UpdateSpace",
                t.sm(f"space/{t.domain}/{studio.private_space_name(me.name)}"),
                why,
                context=_context(t, "Private", me.name, me.name),
            ),
            deny(
                f"{t.slug}: a call from outside Studio (no user profile) opens a private space",
                role,
                CREATE_APP,
                own,
                why,
                context=_context(t, "Private", me.name, None),
            ),
        ]
        for space in studio.shared_spaces:
            shared = t.sm(f"app/{t.domain}/{space.name}/JupyterLab/default")
            owner = next(u.name for u in studio.users if u.name != me.name)
            found.append(
                allow(
                    f"{t.slug}: {me.name} opens the shared space {space.name}",
                    role,
                    CREATE_APP,
                    shared,
                    why,
                    context=_context(t, "Shared", owner, me.name),
                )
            )
    return in_area(AREA, found)
