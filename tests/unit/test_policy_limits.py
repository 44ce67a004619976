"""IAM's size limits on resolved policies (issue #17): managed 6,144, inline total 10,240, trust
2,048 characters (whitespace not counted), at most 10 managed policies per role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ml_platform.assembly.cloud_assembly import CloudAssembly, StackInstance
from ml_platform.assembly.policy_limits import policy_length, policy_limit_violations


def _stack(resources: dict[str, Any], name: str = "openaq-weatherproduct-access") -> StackInstance:
    return StackInstance(
        "DataScience-weatherproduct", "Access", name, "333333333333", "us-east-1", {"Resources": resources}
    )


def _statement(i: int, resource: Any = "*") -> dict[str, Any]:
    return {"Sid": f"S{i}", "Effect": "Allow", "Action": f"sagemaker:DescribeTrainingJob{i}", "Resource": resource}


def _role(**props: Any) -> dict[str, Any]:
    trust = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]
    }
    return {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": trust, **props}}


def _violations(resources: dict[str, Any]) -> list[str]:
    return [str(v) for v in policy_limit_violations(CloudAssembly(Path(), [_stack(resources)]))]


def test_whitespace_does_not_count() -> None:
    assert policy_length({"Statement": [{"Effect": "Allow"}]}) == policy_length({"Statement": [{"Effect": "Allow"}]})


def test_a_managed_policy_over_6144_characters_is_named_in_one_line() -> None:
    statements = [_statement(i) for i in range(100)]
    found = _violations(
        {"Big": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Statement": statements}}}}
    )
    [line] = found
    assert line.startswith("DataScience-weatherproduct/Access/Big: managed policy is ")
    assert "over IAM's limit of 6,144" in line and "\n" not in line


def test_length_is_measured_with_resolved_realistic_names() -> None:
    """A statement naming an unnamed role by Fn::GetAtt counts the name CloudFormation generates
    (stack name, logical ID and a 13-character suffix), not the short intrinsic."""
    reference = {"Fn::GetAtt": ["SomeRoleWithALongLogicalId0123ABCD", "Arn"]}
    statements = [_statement(i, reference) for i in range(40)]
    resources = {
        "SomeRoleWithALongLogicalId0123ABCD": _role(),
        "Policy": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Statement": statements}}},
    }
    raw = policy_length({"Statement": statements})
    assert raw < 6_144, "the unresolved document is under the limit..."
    assert any("managed policy is" in line for line in _violations(resources)), "...the deployed one is not"


def test_inline_policies_of_a_role_count_together() -> None:
    inline = [
        {"PolicyName": f"P{n}", "PolicyDocument": {"Statement": [_statement(i) for i in range(60)]}} for n in range(3)
    ]
    [line] = _violations({"Role": _role(Policies=inline)})
    assert "inline policies together" in line and "10,240" in line


def test_a_trust_policy_over_2048_characters() -> None:
    principals = [f"arn:aws:iam::{n:012d}:root" for n in range(80)]
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": principals}, "Action": "sts:AssumeRole"}]}
    [line] = _violations({"Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": trust}}})
    assert "trust policy is" in line and "2,048" in line


def test_more_than_ten_managed_policies_on_a_role() -> None:
    policies = {
        f"P{n}": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Statement": [_statement(n)]}}}
        for n in range(11)
    }
    role = _role(ManagedPolicyArns=[{"Ref": p} for p in policies])
    [line] = _violations({"Role": role, **policies})
    assert "11 managed policies attached" in line


def test_a_queue_policy_over_20_statements() -> None:
    """SQS allows 20 statements and 8,192 bytes per policy (SQS Developer Guide, policy quotas)."""
    queue = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "dlq"}}
    statements = [{**_statement(i), "Principal": {"Service": "events.amazonaws.com"}} for i in range(21)]
    policy = {
        "Type": "AWS::SQS::QueuePolicy",
        "Properties": {"Queues": [{"Ref": "Queue"}], "PolicyDocument": {"Statement": statements}},
    }
    found = _violations({"Queue": queue, "QueuePolicy": policy})
    assert any("21 statements, over the limit of 20" in line for line in found), found


def test_a_role_name_over_64_characters() -> None:
    [line] = _violations({"Role": _role(RoleName="openaq-" + "x" * 60)})
    assert "role name openaq-xxx" in line and "over 64 characters" in line
