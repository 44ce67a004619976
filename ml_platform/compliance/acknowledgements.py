"""Write down why a rule does not apply, next to the construct it is about.

cdk-nag 3 findings are CDK validations: an acknowledgement needs the exact rule ID
(including ``[Action::...]``/``[Resource::...]`` finding suffixes) and a reason a reviewer
can judge. There is no prefix matching, so every finding is listed on its own.
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from constructs import IConstruct


def acknowledge(scope: IConstruct, reasons: Mapping[str, str]) -> None:
    """Acknowledge each ``rule id -> reason`` on ``scope`` (and everything below it)."""
    for rule_id, reason in reasons.items():
        if len(reason.strip()) < 20:
            raise ValueError(f"acknowledgement of {rule_id} needs a real reason, got {reason!r}")
    if reasons:  # one jsii round trip for all of them: synth time is mostly such calls
        acks = [cdk.Acknowledgment(id=rule_id, reason=reason) for rule_id, reason in reasons.items()]
        cdk.Validations.of(scope).acknowledge(*acks)
