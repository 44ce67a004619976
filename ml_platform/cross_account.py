"""Helpers for cross-account wiring: exact principals from config, never wildcards (book ch14).

Resource policies name the accounts (or roles) from config; where the organisation ID is
known, callers add ``org_condition`` so a principal outside the organisation never matches.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_iam as iam

from .naming import partition_for


def account_principals(account_ids: Sequence[str]) -> list[iam.IPrincipal]:
    """One AccountPrincipal per account, sorted and de-duplicated for stable templates."""
    return [iam.AccountPrincipal(account_id) for account_id in sorted(set(account_ids))]


def role_arn(account_id: str, role_name: str, region: str) -> str:
    """ARN of a role the platform names deterministically in another account of ``region``'s partition."""
    return f"arn:{partition_for(region)}:iam::{account_id}:role/{role_name}"


def org_condition(organization_id: str | None) -> dict[str, dict[str, str]]:
    """``aws:PrincipalOrgID`` condition, or none when the organisation is not configured."""
    if not organization_id:
        return {}
    return {"StringEquals": {"aws:PrincipalOrgID": organization_id}}
