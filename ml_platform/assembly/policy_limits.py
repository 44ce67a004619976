"""IAM's size limits, checked on the resolved policies of every stack and product launch.

AWS refuses, at deploy time, a managed policy over 6,144 characters, a role whose inline
policies together exceed 10,240, a trust policy over 2,048 (the default quota) and a role
with more than 10 managed policies (default quota); whitespace is not counted ("IAM and AWS
STS quotas", IAM User Guide:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). Key policies
may hold 32,768 bytes ("Key policies", AWS KMS Developer Guide), bucket policies 20 KB
("Bucket policy examples", Amazon S3 User Guide), topic policies 30 KB and 100 statements
(https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html),
queue policies 8,192 bytes and 20 statements
(https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html),
repository policies 10,240 characters (ECR SetRepositoryPolicy), model package group and
function policies 20,480 (SageMaker PutModelPackageGroupPolicy, Lambda quotas). Role names may
be 64 characters and managed policy names 128 (IAM quotas).

Lengths are measured after resolving intrinsic functions with realistic values (generated
names as long as CloudFormation's), because that is the document IAM receives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .cloud_assembly import CloudAssembly, product_launches
from .iam_documents import IamDocuments, NamedDocument
from .resolver import Resolver

MANAGED_POLICY_MAX = 6_144
ROLE_INLINE_TOTAL_MAX = 10_240
TRUST_POLICY_MAX = 2_048
MANAGED_POLICIES_PER_ROLE_MAX = 10
KEY_POLICY_MAX = 32_768
BUCKET_POLICY_MAX = 20_480
ROLE_NAME_MAX = 64
MANAGED_POLICY_NAME_MAX = 128
# Resource policy limits by the resource that carries it: (characters, statements or None).
RESOURCE_POLICY_MAX: dict[str, tuple[int, int | None]] = {
    "AWS::KMS::Key": (KEY_POLICY_MAX, None),
    "AWS::S3::BucketPolicy": (BUCKET_POLICY_MAX, None),
    "AWS::SNS::TopicPolicy": (30_720, 100),
    "AWS::SQS::QueuePolicy": (8_192, 20),
    "AWS::ECR::Repository": (10_240, None),
    "AWS::SageMaker::ModelPackageGroup": (20_480, None),
    "AWS::Lambda::Permission": (20_480, None),
}

_WHITESPACE = re.compile(r"\s+")


def policy_length(document: Mapping[str, Any]) -> int:
    """Characters IAM counts: the JSON without any whitespace."""
    return len(_WHITESPACE.sub("", json.dumps(document, separators=(",", ":"), ensure_ascii=False)))


@dataclass(frozen=True)
class LimitViolation:
    where: str  # construct path of the policy or role
    message: str
    template: str = ""  # template file, relative to the assembly root
    logical_id: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _violation(policy: NamedDocument, message: str) -> LimitViolation:
    return LimitViolation(policy.construct_path, message, policy.stack.source, policy.logical_id)


def _over(kind: str, length: int, limit: int) -> str:
    return f"{kind} is {length:,} characters, over IAM's limit of {limit:,} (resolved, whitespace not counted)"


def policy_limit_violations(assembly: CloudAssembly) -> list[LimitViolation]:
    """Every policy of the assembly, and of every product version it offers, over its limit."""
    full = assembly.with_stacks(product_launches(assembly))
    documents = IamDocuments(full, Resolver(full, strict=False))
    found: list[LimitViolation] = []
    for arn, policy in documents.managed_policies.items():
        length = policy_length(policy.document)
        if length > MANAGED_POLICY_MAX:
            found.append(_violation(policy, _over("managed policy", length, MANAGED_POLICY_MAX)))
        name = arn.rsplit("/", 1)[-1]
        if len(name) > MANAGED_POLICY_NAME_MAX:
            found.append(_violation(policy, f"managed policy name {name} is over {MANAGED_POLICY_NAME_MAX} characters"))
    for role in documents.roles.values():
        if len(role.name) > ROLE_NAME_MAX:
            found.append(_violation(role.trust, f"role name {role.name} is over {ROLE_NAME_MAX} characters"))
        inline = sum(policy_length(p.document) for p in role.inline)
        if inline > ROLE_INLINE_TOTAL_MAX:
            found.append(_violation(role.trust, _over("inline policies together", inline, ROLE_INLINE_TOTAL_MAX)))
        trust = policy_length(role.trust.document)
        if trust > TRUST_POLICY_MAX:
            found.append(_violation(role.trust, _over("trust policy", trust, TRUST_POLICY_MAX)))
        if len(role.managed) > MANAGED_POLICIES_PER_ROLE_MAX:
            count, quota_limit = len(role.managed), MANAGED_POLICIES_PER_ROLE_MAX
            quota = f"{count} managed policies attached, over IAM's default quota of {quota_limit}"
            found.append(_violation(role.trust, quota))
    for policy in documents.resource_policies.values():
        kind = policy.stack.resources[policy.logical_id]["Type"]
        limit, max_statements = RESOURCE_POLICY_MAX.get(kind, (None, None))
        length = policy_length(policy.document)
        if limit is not None and length > limit:
            found.append(_violation(policy, _over("resource policy", length, limit)))
        statements = policy.document.get("Statement", [])
        count = len(statements) if isinstance(statements, list) else 1
        if max_statements is not None and count > max_statements:
            found.append(
                _violation(policy, f"resource policy has {count} statements, over the limit of {max_statements}")
            )
    # One line per policy: product launches in several accounts measure within a character.
    return sorted({v.where: v for v in sorted(found, key=str)}.values(), key=str)
