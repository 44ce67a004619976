"""Which resources a launch's calls name (issue #18): the resource's own ARNs, the ARNs its
properties reference (directly or by ID or name), or, for a resource type an action takes (the
IAM reference data, ``iam_reference``) that nothing references, an ARN of its shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..assembly.cloud_assembly import StackInstance
from ..assembly.physical_ids import KINDS, generated_id
from ..assembly.resolver import Resolver, UnresolvableError
from .iam_reference import fill_pattern, resource_types

# Properties that name another resource by ID or name (not ARN): the ARN it stands for.
_ID_ARNS: dict[str, str] = {
    "SubnetId": "arn:{p}:ec2:{r}:{a}:subnet/{v}",
    "SubnetIds": "arn:{p}:ec2:{r}:{a}:subnet/{v}",
    "Subnets": "arn:{p}:ec2:{r}:{a}:subnet/{v}",
    "SecurityGroupIds": "arn:{p}:ec2:{r}:{a}:security-group/{v}",
    "SecurityGroups": "arn:{p}:ec2:{r}:{a}:security-group/{v}",
    "VpcId": "arn:{p}:ec2:{r}:{a}:vpc/{v}",
    "Roles": "arn:{p}:iam::{a}:role/{v}",
    "Users": "arn:{p}:iam::{a}:user/{v}",
    "Groups": "arn:{p}:iam::{a}:group/{v}",
    "Bucket": "arn:{p}:s3:::{v}",
    "BucketName": "arn:{p}:s3:::{v}",
    "DestinationBucketName": "arn:{p}:s3:::{v}",
    "DomainId": "arn:{p}:sagemaker:{r}:{a}:domain/{v}",
    "LifecycleConfigName": "arn:{p}:sagemaker:{r}:{a}:notebook-instance-lifecycle-config/{lv}",
}


def own_arns(resolver: Resolver, stack: StackInstance, logical_id: str) -> list[str]:
    """The resource's own ARNs (physical_ids formats): its ``Arn``-like attributes and a ``Ref``
    that is an ARN; a bucket's objects too."""
    kind = KINDS.get(stack.resources[logical_id]["Type"])
    if kind is None:
        return []
    found: list[str] = []
    for attribute in ["Ref", *sorted(a for a in kind.attrs if a.endswith("Arn"))]:
        try:
            value = resolver.get_att(stack, logical_id, attribute)
        except UnresolvableError:
            continue
        if isinstance(value, str) and value.startswith("arn:"):
            found.append(value)
    if stack.resources[logical_id]["Type"] == "AWS::S3::Bucket":
        found.append(f"{found[0]}/*")  # the handler's object calls: any object of the bucket
    return list(dict.fromkeys(found))


def referenced_arns(value: Any, partition: str, region: str, account: str, key: str = "") -> Iterable[str]:
    """ARNs the (resolved) properties name, directly or by ID/name (``_ID_ARNS``); not those
    inside a policy document, which are what the policy is about, not what the handler calls."""
    if isinstance(value, Mapping) and "Statement" in value:
        return
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from referenced_arns(v, partition, region, account, k)
    elif isinstance(value, list):
        for item in value:
            yield from referenced_arns(item, partition, region, account, key)
    elif isinstance(value, str):
        if value.startswith("arn:"):
            yield value
        elif key in _ID_ARNS and value:
            yield _ID_ARNS[key].format(p=partition, r=region, a=account, v=value, lv=value.lower())


def choose_resources(
    action: str,
    own: Sequence[str],
    referenced: Sequence[str],
    partition: str,
    region: str,
    account: str,
    seed: tuple[str, ...],
) -> list[str]:
    """The resources a request for ``action`` names: ``*`` for an action that takes none; else
    the resource's own ARN where it is of a type the action takes; else, per type the action
    takes, the ARNs the properties reference, and for a required type nothing references, an
    ARN of its shape (one the call creates, such as a network interface)."""
    types = resource_types(action)
    if not types:
        return ["*"]
    mine = [arn for arn in own if any(t.regex.match(arn) for t in types)]
    if mine:
        return mine[:1]  # own ARNs in order of preference (a bucket before its objects)
    chosen: list[str] = []
    for resource_type in types:
        matches = [arn for arn in referenced if resource_type.regex.match(arn)]
        if matches:
            chosen += matches
        elif resource_type.required:
            chosen.append(fill_pattern(resource_type.arn, partition, region, account, generated_id("hex17", *seed)))
    if not chosen:
        chosen.append(fill_pattern(types[0].arn, partition, region, account, generated_id("hex17", *seed)))
    return list(dict.fromkeys(chosen))
