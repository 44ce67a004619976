"""Register the rule packs on the app; any unacknowledged finding then fails synth."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, NagPack, NIST80053R5Checks

from .policy_limits_plugin import IamPolicyLimits
from .sagemaker_pack import PlatformSageMakerChecks


def rule_packs() -> list[NagPack]:
    """The packs every stage must pass (issue #3: AwsSolutions and NIST 800-53 R5)."""
    return [AwsSolutionsChecks(), NIST80053R5Checks()]


def register_rule_packs(app: cdk.App, required_tags: Sequence[str] = ()) -> None:
    """Once on the App: the plugins walk every Stage's templates after synthesis. The
    platform's own pack (issue #11) also checks the config's cost-allocation tags; the IAM
    size guard (issue #17) fails a policy AWS would refuse to create."""
    cdk.Validations.of(app).add_plugins(
        AwsSolutionsChecks(app), NIST80053R5Checks(app), PlatformSageMakerChecks(required_tags), IamPolicyLimits()
    )
