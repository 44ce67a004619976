"""The scoped CloudFormation execution policies (issue #18): the committed files are what the
example's templates need, each fits IAM's limit, they cover exactly the handler permissions,
and the bootstrap's execution role created with them may deploy every stack of its account;
without one action it may not, and the finding names the stack and resources."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ml_platform.assembly.cloud_assembly import CloudAssembly
from ml_platform.assembly.policy_limits import MANAGED_POLICY_MAX, policy_length
from ml_platform.config import PlatformConfig
from ml_platform.deploy_order import EXECUTION_POLICY_NAME
from ml_platform.rehearsal.bootstrap import bootstrap_stacks
from ml_platform.rehearsal.execution_needs import execution_needs, stacks_of_kind
from ml_platform.rehearsal.execution_policy import (
    MAX_POLICIES,
    compress,
    execution_policy_documents,
    execution_policy_names,
    generate,
    policy_files,
    stale_files,
)
from ml_platform.rehearsal.execution_role_check import (
    bootstrap_execution_policies,
    check_execution_role,
    execution_policy_stack,
)
from ml_platform.rehearsal.findings import LinkKind
from ml_platform.rehearsal.iam_reference import service_actions
from ml_platform.topology import AccountKind, account_roles


@pytest.fixture(scope="module")
def generated(assembly: CloudAssembly, example_config: PlatformConfig) -> dict[AccountKind, list[dict[str, Any]]]:
    return generate(assembly, account_roles(example_config), example_config.organisation.region)


def expand(pattern: str) -> set[str]:
    """The actions of the IAM reference data a pattern matches (IAM matches case-insensitively)."""
    service = pattern.split(":", 1)[0]
    regex = re.compile(re.escape(pattern).replace(r"\*", ".*") + "$", re.IGNORECASE)
    return {a for a in service_actions(service) if regex.match(a)}


def test_the_committed_policies_are_what_the_example_needs(generated: dict[AccountKind, list[dict[str, Any]]]):
    problems = stale_files(policy_files(generated))
    assert not problems, "\n".join(problems) + "\nrun `python scripts/execution_policies.py`"


def test_a_stale_missing_or_extra_file_is_reported(generated: dict[AccountKind, list[dict[str, Any]]], tmp_path: Path):
    wanted = policy_files(generated)
    for path, content in wanted.items():
        (tmp_path / path.name).write_text(content, encoding="utf-8")
    assert stale_files(wanted, tmp_path) == []
    first = sorted(wanted)[0]
    document = json.loads(wanted[first])
    document["Statement"][0]["Action"] = document["Statement"][0]["Action"][1:]  # an action removed
    (tmp_path / first.name).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    (tmp_path / sorted(wanted)[-1].name).unlink()
    (tmp_path / "execution-policy-test-9.json").write_text("{}", encoding="utf-8")
    problems = stale_files(wanted, tmp_path)
    assert problems == [
        f"{first.name} differs from what the templates need",
        f"{sorted(wanted)[-1].name} is missing",
        "execution-policy-test-9.json is no longer generated",
    ]


@pytest.mark.parametrize("kind", list(AccountKind))
def test_each_policy_fits_iam_and_the_names_follow_the_files(kind: AccountKind):
    documents = execution_policy_documents(kind)
    assert 1 <= len(documents) <= MAX_POLICIES
    assert all(policy_length(d) <= MANAGED_POLICY_MAX for d in documents)
    names = execution_policy_names(kind)
    assert names[0] == EXECUTION_POLICY_NAME and names[1:] == [
        f"{EXECUTION_POLICY_NAME}-{i}" for i in range(2, len(documents) + 1)
    ]
    for document in documents:
        for statement in document["Statement"]:
            assert statement["Effect"] == "Allow" and statement["Resource"] == "*" and "Condition" not in statement
            assert "*" not in statement["Action"] and "iam:*" not in statement["Action"]


def test_the_wildcards_cover_exactly_the_handler_permissions(
    assembly: CloudAssembly, example_config: PlatformConfig, generated: dict[AccountKind, list[dict[str, Any]]]
):
    roles = account_roles(example_config)
    for kind, documents in generated.items():
        needed = {n.action for n in execution_needs(stacks_of_kind(assembly, roles, kind), "us-east-1")}
        patterns = [a for d in documents for s in d["Statement"] for a in s["Action"]]
        assert patterns == sorted(patterns, key=lambda p: (p.split(":")[0], p.lower())), "sorted"
        granted = set().union(*(expand(p) for p in patterns))
        assert {a.lower() for a in granted} == {a.lower() for a in needed}, kind


def test_compress_writes_a_prefix_only_when_every_action_under_it_is_needed():
    assert compress({"ec2:DescribeVpcs"}) == ["ec2:DescribeVpcs"]
    securitygroup = {a for a in service_actions("ec2") if a.lower().startswith("ec2:authorizesecurity")}
    assert len(securitygroup) > 1
    assert compress(securitygroup | {"ec2:CreateVpc"}) == ["ec2:AuthorizeSecurity*", "ec2:CreateVpc"]
    assert compress(set(service_actions("vpce"))) == ["vpce:*"]


def test_an_execution_policy_without_an_action_fails_naming_the_stack_and_resources(
    assembly: CloudAssembly, example_config: PlatformConfig
):
    roles, region = account_roles(example_config), example_config.organisation.region
    team = next(r for r in roles if r.kind == AccountKind.DATA_SCIENCE)
    documents = execution_policy_documents(AccountKind.DATA_SCIENCE)
    for document in documents:
        for statement in document["Statement"]:
            statement["Action"] = [a for a in statement["Action"] if a != "sagemaker:CreateDomain"]
    [bootstrap] = [
        s
        for s in bootstrap_stacks(roles, region, bootstrap_execution_policies(roles, region))
        if s.account == team.account_id
    ]
    stacks = [s for s in assembly.stacks if s.account == team.account_id]
    findings = check_execution_role(
        stacks, bootstrap, execution_policy_stack(team.kind, team.account_id, region, documents)
    )
    assert [f.where for f in findings] == [f"{team.stage_id}/Studio"]
    [finding] = findings
    assert finding.kind == LinkKind.EXECUTION_PERMISSION
    assert finding.message.startswith(
        f"cdk-hnb659fds-cfn-exec-role-{team.account_id}-{region} may not sagemaker:CreateDomain, needed by "
    )
    assert "(AWS::SageMaker::Domain, create)" in finding.message


def test_needs_beyond_the_schemas_are_in_the_policies(assembly: CloudAssembly, example_config: PlatformConfig):
    """Lake Formation shares a cross-account grant through AWS RAM with the caller's permissions
    (AWSLakeFormationCrossAccountManager), and Application Auto Scaling checks a SageMaker variant
    with them; neither schema lists those actions (issue #18 review)."""
    region = example_config.organisation.region
    catalog = [s for s in assembly.stacks if s.key == "DataLake/Catalog"]
    needs = {n.action for n in execution_needs(catalog, region)}
    assert {"ram:CreateResourceShare", "ram:AssociateResourceSharePermission", "glue:PutResourcePolicy"} <= needs
    own_account = [s for s in assembly.stacks if s.key == "DataScience-weatherproduct/DataAccess"]
    assert "ram:CreateResourceShare" not in {n.action for n in execution_needs(own_account, region)}
    hosting = [s for s in assembly.stacks if s.key == "Production/Hosting"]
    assert "sagemaker:UpdateEndpointWeightsAndCapacities" in {n.action for n in execution_needs(hosting, region)}
