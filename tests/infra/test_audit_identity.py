"""Audit identity (issue #22, capability 4): CloudTrail names the Studio user, not only the
shared persona role (https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access.html)."""

from __future__ import annotations

from ml_platform.compliance.sagemaker_pack import evaluate
from ml_platform.compliance.sagemaker_rules.audit_identity import DOMAIN_RULE, ROLE_RULE

from ..helpers import Synth, resources_of_type

TEAMS = ("DataScience-weatherproduct", "DataScience-weatherresearch")


def test_every_domain_sets_the_user_profile_name_as_source_identity(synth: Synth) -> None:
    for stage in TEAMS:
        [domain] = resources_of_type(synth.template(stage, "Studio"), "AWS::SageMaker::Domain").values()
        assert domain["Properties"]["DomainSettings"]["ExecutionRoleIdentityConfig"] == "USER_PROFILE_NAME"


def test_every_role_sagemaker_assumes_allows_the_source_identity(synth: Synth) -> None:
    for stage in TEAMS:
        template = synth.template(stage, "Access")
        roles = resources_of_type(template, "AWS::IAM::Role")
        assert len(roles) == 4
        for role in roles.values():
            actions = {s["Action"] for s in role["Properties"]["AssumeRolePolicyDocument"]["Statement"]}
            assert "sts:SetSourceIdentity" in actions
        assert evaluate(template, [DOMAIN_RULE, ROLE_RULE]) == []
