"""CloudFormation's pseudo parameters as a deployed stack sees them (``Ref: AWS::Region`` ...).

AWS CloudFormation User Guide, "Get AWS values using pseudo parameters" (pseudo-parameter-reference.html).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..naming import partition_for, url_suffix_for
from .physical_ids import generated_id

if TYPE_CHECKING:
    from .cloud_assembly import StackInstance


# The pseudo parameters modelled; not AWS::NotificationARNs (no stack here is given notification topics).
NAMES = frozenset(
    {
        "AWS::AccountId",
        "AWS::Region",
        "AWS::Partition",
        "AWS::URLSuffix",
        "AWS::StackName",
        "AWS::StackId",
        "AWS::NoValue",
    }
)


def pseudo_parameter(stack: StackInstance, name: str, no_value: object) -> Any:
    """The value of ``Ref: <name>`` (one of ``NAMES``) in ``stack``; ``no_value`` for AWS::NoValue.

    Each is computed only when asked: the rehearsal resolves ~100,000 references (issue #23)."""
    partition = partition_for(stack.region)
    if name == "AWS::AccountId":
        return stack.account
    if name == "AWS::Region":
        return stack.region
    if name == "AWS::Partition":
        return partition
    if name == "AWS::URLSuffix":
        return url_suffix_for(stack.region)
    if name == "AWS::StackName":
        return stack.stack_name
    if name == "AWS::StackId":
        stack_id = generated_id("uuid", stack.stack_name)
        return f"arn:{partition}:cloudformation:{stack.region}:{stack.account}:stack/{stack.stack_name}/{stack_id}"
    if name == "AWS::NoValue":
        return no_value
    raise ValueError(f"{name} is not one of the modelled pseudo parameters")
