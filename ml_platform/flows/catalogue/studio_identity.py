"""Audit identity (issue #22, capability 4): SageMaker sets the Studio user's profile name as
source identity on the persona and jobs roles, and only SageMaker acting for the team may.

https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access.html: with
``ExecutionRoleIdentityConfig: USER_PROFILE_NAME`` every execution role, and every role a job
is started with from the Studio session, must allow ``sts:SetSourceIdentity`` in its trust.
"""

from __future__ import annotations

from ...schema.studio import Persona
from ..model import Flow, Service, allow, deny, in_area
from ..platform import OUTSIDE_ACCOUNT, Platform
from .persona_capabilities import JOBS, WHO, Team

AREA = "audit identity"
DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access-how-to.html"
SET, ASSUME = "sts:SetSourceIdentity", "sts:AssumeRole"


def flows(platform: Platform) -> list[Flow]:
    found: list[Flow] = []
    for account in platform.teams():
        t = Team(platform, account.slug)
        sagemaker = Service("sagemaker.amazonaws.com", t.account)
        outsider = Service("sagemaker.amazonaws.com", OUTSIDE_ACCOUNT)
        identity = {"sts:SourceIdentity": "ana-scientist"}
        for who in WHO:
            role = t.role(who)
            name = "jobs" if who == JOBS else Persona(who).value
            found += [
                allow(f"{t.slug}: SageMaker assumes the {name} role", sagemaker, ASSUME, role.arn, DOC),
                allow(
                    f"{t.slug}: SageMaker sets the user as source identity of the {name} role",
                    sagemaker,
                    SET,
                    role.arn,
                    DOC,
                    context=identity,
                ),
                deny(
                    f"{t.slug}: SageMaker for another account sets a source identity on the {name} role",
                    outsider,
                    SET,
                    role.arn,
                    "aws:SourceAccount confused-deputy guard (WA-SEC-7)",
                    context=identity,
                ),
            ]
        ds, mle = t.role(Persona.DATA_SCIENTIST), t.role(Persona.ML_ENGINEER)
        found += [
            deny(
                f"{t.slug}: data scientist assumes the ML engineer role",
                ds,
                ASSUME,
                mle.arn,
                f"only SageMaker assumes persona roles; {DOC}",
            ),
            deny(
                f"{t.slug}: data scientist sets another user's source identity on the ML engineer role",
                ds,
                SET,
                mle.arn,
                f"only SageMaker sets it; {DOC}",
                context={"sts:SourceIdentity": "ben-engineer"},
            ),
        ]
    return in_area(AREA, found)
