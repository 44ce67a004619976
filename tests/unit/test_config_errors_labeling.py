"""Bad labeling invitation-email configs (issue #18, defect 7): one line, field and reason."""

from __future__ import annotations

from typing import Any

import pytest

from .test_config_errors import Mutation, _set, check_bad_config

EMAIL = "accounts.data_science.0.labeling.invitation_email"
FIELD = "accounts.data_science[0].labeling.invitation_email"
GOOD = {"from_address": "labeling@example.org", "ses_verified_domain": "example.org"}


def _email(**fields: Any) -> Mutation:
    """Set invitation_email to the valid example with ``fields`` changed (None removes a field)."""
    merged = {k: v for k, v in {**GOOD, **fields}.items() if v is not None}
    return _set(EMAIL, merged)


CASES: list[tuple[str, Mutation, str, str]] = [
    ("sender not an address", _email(from_address="labeling@"), f"{FIELD}.from_address", "should match pattern"),
    (
        "sender with a display name",
        _email(from_address="Labeling <labeling@example.org>"),
        f"{FIELD}.from_address",
        "should match pattern",
    ),
    ("sender missing", _email(from_address=None), f"{FIELD}.from_address", "required field is missing"),
    (
        "sender outside the verified domain",
        _email(from_address="labeling@example.com"),
        f"{FIELD}.from_address",
        "labeling@example.com is not an address of the SES identity ses_verified_domain example.org",
    ),
    (
        "sender in a subdomain of the verified domain",
        _email(from_address="labeling@mail.example.org"),
        f"{FIELD}.from_address",
        "is not an address of the SES identity ses_verified_domain example.org",
    ),
    (
        "domain given as a URL",
        _email(ses_verified_domain="https://example.org"),
        f"{FIELD}.ses_verified_domain",
        "should match pattern",
    ),
    (
        "domain in capitals",
        _email(ses_verified_domain="Example.org"),
        f"{FIELD}.ses_verified_domain",
        "should match pattern",
    ),
    ("reply-to not an address", _email(reply_to="help"), f"{FIELD}.reply_to", "should match pattern"),
    ("display name with brackets", _email(from_name="Labeling <team>"), f"{FIELD}.from_name", "should match pattern"),
    ("empty display name", _email(from_name=""), f"{FIELD}.from_name", "at least 1 character"),
    (
        # The SES identity is always the team's own account and the platform's region (the ARN is built from
        # them), so an identity ARN, which could name another account or region, is not accepted at all.
        "identity ARN",
        _email(ses_identity_arn="arn:aws:ses:eu-west-1:111111111111:identity/example.org"),
        f"{FIELD}.ses_identity_arn",
        "unknown key",
    ),
    ("SES region", _email(ses_region="eu-west-1"), f"{FIELD}.ses_region", "unknown key"),
]


@pytest.mark.parametrize(("mutate", "path", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_invitation_email_names_field_and_reason(mutate: Mutation, path: str, reason: str) -> None:
    check_bad_config(mutate, path, reason)
