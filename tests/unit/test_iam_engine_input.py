"""The IAM engine's input (issue #23): each policy document is sent and validated once, and an
identity policy that cannot name the request's action is left out of that request. Neither may change
a decision: the cases below are the ones an over-eager filter would get wrong (scripts/iam_simulate.mjs).
"""

from __future__ import annotations

from typing import Any

import pytest

from ml_platform.flows.simulate import run_engine

ROLE = "arn:aws:iam::111111111111:role/analyst"
BUCKET_OBJECT = "arn:aws:s3:::weather-data/raw/pm25.csv"


def _simulation(action: str, resource: str, *statements: dict[str, Any]) -> dict[str, Any]:
    """One identity policy per statement, in order, as the flows' simulator builds them."""
    return {
        "request": {
            "principal": ROLE,
            "action": action,
            "resource": {"resource": resource, "accountId": "111111111111"},
            "contextVariables": {"aws:PrincipalArn": ROLE, "aws:PrincipalAccount": "111111111111"},
        },
        "identityPolicies": [
            {"name": f"policy-{n}", "policy": {"Version": "2012-10-17", "Statement": [statement]}}
            for n, statement in enumerate(statements)
        ],
        "serviceControlPolicies": [],
        "resourceControlPolicies": [],
    }


def _allow(action: Any, resource: str = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


CASES = {
    # (the request's action, the identity statements, the decision). "'?' is not two" and "no policy names
    # the action" are denials a filter cannot turn into anything else: they check the engine's side.
    "an allow among unrelated policies": ("s3:GetObject", [_allow("kms:Decrypt"), _allow("s3:GetObject")], "Allowed"),
    "action names are case-insensitive": ("s3:GetObject", [_allow("kms:*"), _allow("S3:getobject")], "Allowed"),
    "'?' is one character": ("s3:GetObject", [_allow("kms:*"), _allow("s3:G?tObject")], "Allowed"),
    "'?' is not two": ("s3:GetObject", [_allow("kms:*"), _allow("s3:G?Object")], "ImplicitlyDenied"),
    "'*' inside a name": ("s3:GetObject", [_allow("sqs:*"), _allow(["s3:Put*", "s3:Get*Ob*"])], "Allowed"),
    "a NotAction deny applies to other services": (
        "s3:GetObject",
        [_allow("s3:*"), {"Effect": "Deny", "NotAction": "kms:*", "Resource": "*"}],
        "ExplicitlyDenied",
    ),
    "an invalid policy is kept (a wildcard service)": (
        "s3:GetObject",
        [_allow("s3:*"), _allow("*:GetObject")],
        "Error",
    ),
    "the request's service in capitals": ("S3:GetObject", [_allow("kms:*"), _allow("s3:GetObject")], "Allowed"),
    "a deny in another policy": (
        "s3:GetObject",
        [_allow("s3:*"), {"Effect": "Deny", "Action": "s3:Get*", "Resource": BUCKET_OBJECT}],
        "ExplicitlyDenied",
    ),
    "no policy names the action": ("s3:GetObject", [_allow("kms:Decrypt"), _allow("sqs:*")], "ImplicitlyDenied"),
}


@pytest.fixture(scope="module")
def answers() -> dict[str, dict[str, Any]]:
    requests = [(name, _simulation(action, BUCKET_OBJECT, *sts)) for name, (action, sts, _) in CASES.items()]
    return run_engine(requests)


@pytest.mark.parametrize("case", sorted(CASES))
def test_leaving_out_policies_that_cannot_apply_changes_no_decision(answers: dict[str, Any], case: str) -> None:
    assert answers[case]["decision"] == CASES[case][2], answers[case]


def test_a_shared_document_is_still_reported_under_each_requests_own_policy_name() -> None:
    """The same document in two requests under different names: each grant names its own request's policy."""
    first = _simulation("s3:GetObject", BUCKET_OBJECT, _allow("s3:GetObject"))
    second = _simulation("s3:GetObject", BUCKET_OBJECT, _allow("kms:Decrypt"), _allow("s3:GetObject"))
    answers = run_engine([("first", first), ("second", second)])
    assert answers["first"]["decision"] == answers["second"]["decision"] == "Allowed"
    assert "policy-0" in str(answers["first"]["grants"]) and "policy-1" in str(answers["second"]["grants"])


def test_the_same_policies_asked_two_actions_each_find_their_own() -> None:
    """The filter remembers per policy *and* action: one run asks the same documents for two actions, each
    allowed by a different policy."""
    policies = (_allow("kms:Decrypt"), _allow("s3:GetObject"))
    answers = run_engine(
        [
            ("get", _simulation("s3:GetObject", BUCKET_OBJECT, *policies)),
            ("decrypt", _simulation("kms:Decrypt", "*", *policies)),
        ]
    )
    assert answers["get"]["decision"] == answers["decrypt"]["decision"] == "Allowed", answers


def test_an_invalid_policy_is_reported_even_when_it_names_another_action() -> None:
    broken = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Unknown": True}
    answers = run_engine([("broken", _simulation("s3:GetObject", BUCKET_OBJECT, _allow("s3:GetObject"), broken))])
    assert answers["broken"]["decision"] == "Error", answers["broken"]


def _one_policy(action: str, resource: str, *statements: dict[str, Any]) -> dict[str, Any]:
    """One identity policy holding every statement, in order (execution policies hold hundreds)."""
    simulation = _simulation(action, resource)
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    simulation["identityPolicies"] = [{"name": "big", "policy": document}]
    return simulation


TAGGED = {"StringEquals": {"aws:PrincipalTag/team": "weather"}}


def test_statements_that_cannot_apply_leave_the_others_at_their_index() -> None:
    """Within a policy, statements that cannot name the action are replaced or left out: the grants,
    denials and near misses must still name each statement by its place in the whole document, counted
    from 1 as the engine does."""
    statements = (
        _allow("kms:Decrypt"),
        _allow("sqs:SendMessage"),
        _allow("s3:GetObject", BUCKET_OBJECT),
        _allow("kms:Encrypt"),
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
        {**_allow("s3:PutObject", BUCKET_OBJECT), "Condition": TAGGED},
        _allow("sns:Publish"),
    )
    answers = run_engine(
        [
            ("get", _one_policy("s3:GetObject", BUCKET_OBJECT, *statements)),
            ("decrypt", _one_policy("kms:Decrypt", "*", *statements)),
            ("delete", _one_policy("s3:DeleteObject", BUCKET_OBJECT, *statements)),
            ("put", _one_policy("s3:PutObject", BUCKET_OBJECT, *statements)),
        ]
    )
    assert [g["statementIndex"] for g in answers["get"]["grants"]] == [3], answers["get"]
    assert [g["statementIndex"] for g in answers["decrypt"]["grants"]] == [1], answers["decrypt"]
    assert answers["delete"]["decision"] == "ExplicitlyDenied"
    assert [d.get("statementIndex") for d in answers["delete"]["denials"]] == [5], answers["delete"]
    assert answers["put"]["decision"] == "ImplicitlyDenied"
    [miss] = answers["put"]["nearMisses"]
    assert miss["sid"] == "#6" and miss["failedConditions"][0]["key"] == "aws:PrincipalTag/team", miss
