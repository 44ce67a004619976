"""Service Catalog hub and spokes (issue #5; SC-1..SC-6, AS-1, AS-2, AS-5)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from aws_cdk.assertions import Match, Template

from ml_platform.stacks import catalog_hub

from ..helpers import Synth, config_from, example_data, resources_of_type, statements, synthesize_stage

TEAMS = {"weatherproduct": "333333333333", "weatherresearch": "444444444444"}
BOOK_TYPES = ["ml.t2.large", "ml.t2.xlarge", "ml.t3.large", "ml.t3.xlarge"]


def test_portfolio_products_and_versions(synth: Synth) -> None:
    template = Template.from_json(synth.template("SharedServices", "ServiceCatalog"))
    template.has_resource_properties(
        "AWS::ServiceCatalog::Portfolio",
        {
            "DisplayName": "Data Science Environments",
            "ProviderName": "ML Platform Team",
            "Description": "Approved products for provisioning data science environments for ML builders",
        },
    )
    template.resource_count_is("AWS::ServiceCatalog::CloudFormationProduct", 3)
    template.resource_count_is("AWS::ServiceCatalog::PortfolioProductAssociation", 3)
    initial = Match.object_like({"Name": "release-1.0", "Description": "Initial product release"})
    # 2.1 only: 1.x's role policy is over IAM's limit; a 2.0 role lacks sts:SetSourceIdentity, so
    # its jobs would fail in a domain with the audit identity on (docs/audit-identity.md).
    notes = "Release notes in docs/service-catalog.md (2.1: source identity, issue #22)"
    current = [Match.object_like({"Name": "release-2.1", "Description": notes})]
    for name, versions in (
        ("Basic SageMaker Notebook Instance Environment", current),
        ("Basic SageMaker Studio Environment", current),
        ("MLOps Model Build and Deploy Project", [initial]),
    ):
        template.has_resource_properties(
            "AWS::ServiceCatalog::CloudFormationProduct",
            {
                "Name": name,
                "Owner": "ML Platform Team",
                "SupportEmail": "ml-platform@example.com",
                "ProvisioningArtifactParameters": versions,
            },
        )
    template.has_resource_properties(
        "AWS::ServiceCatalog::CloudFormationProduct",
        {
            "Name": "MLOps Model Build and Deploy Project",
            "Tags": Match.array_with([{"Key": "sagemaker:studio-visibility", "Value": "true"}]),
        },
    )


def test_every_product_launches_as_the_spoke_local_role(synth: Synth) -> None:
    constraints = resources_of_type(
        synth.template("SharedServices", "ServiceCatalog"), "AWS::ServiceCatalog::LaunchRoleConstraint"
    )
    assert len(constraints) == 3
    for constraint in constraints.values():
        assert constraint["Properties"]["LocalRoleName"] == "ServiceCatalog-DataScienceProducts"
        assert "RoleArn" not in constraint["Properties"]
        assert any("Association" in d for d in constraint["DependsOn"])


def test_notebook_types_are_limited_to_the_configured_list(synth: Synth) -> None:
    [constraint] = resources_of_type(
        synth.template("SharedServices", "ServiceCatalog"), "AWS::ServiceCatalog::LaunchTemplateConstraint"
    ).values()
    assert constraint["Properties"]["Description"] == "Limit Notebook Instance Sizes"
    rules = json.loads(constraint["Properties"]["Rules"])
    [assertion] = rules["Rule1"]["Assertions"]
    assert assertion["Assert"] == {"Fn::Contains": [BOOK_TYPES, {"Ref": "NotebookInstanceType"}]}
    assert assertion["AssertDescription"] == "Instance type should have approved types"
    # The rule names the parameter the notebook product really has.
    assert "NotebookInstanceType" in synth.product("NotebookProduct")["Parameters"]


def test_shared_with_each_configured_team_account(synth: Synth) -> None:
    shares = resources_of_type(
        synth.template("SharedServices", "ServiceCatalog"), "AWS::ServiceCatalog::PortfolioShare"
    )
    assert sorted(s["Properties"]["AccountId"] for s in shares.values()) == sorted(TEAMS.values())
    assert all(s["Properties"]["ShareTagOptions"] is True for s in shares.values())


def test_config_picks_products_and_shares(tmp_path: Path) -> None:
    data = example_data()
    data["service_catalog"].update(
        products=["notebook"], share_with=["weatherresearch"], notebook_instance_types=["ml.t3.medium"]
    )
    hub = synthesize_stage(config_from(data), tmp_path, "SharedServices")["ServiceCatalog"]
    assert len(resources_of_type(hub, "AWS::ServiceCatalog::CloudFormationProduct")) == 1
    [share] = resources_of_type(hub, "AWS::ServiceCatalog::PortfolioShare").values()
    assert share["Properties"]["AccountId"] == "444444444444"
    [constraint] = resources_of_type(hub, "AWS::ServiceCatalog::LaunchTemplateConstraint").values()
    assert json.loads(constraint["Properties"]["Rules"])["Rule1"]["Assertions"][0]["Assert"]["Fn::Contains"][0] == [
        "ml.t3.medium"
    ]


def test_portfolio_reader_trusts_only_the_spoke_lookup_roles(synth: Synth) -> None:
    """Exact spoke accounts, and the lookup roles by name pattern (one pattern, not one ARN per
    team: 20 teams' ARNs put the trust policy over IAM's 2,048 characters). The runtime flows
    prove a spoke's lookup role is allowed and another role of the spoke is not."""
    hub = synth.template("SharedServices", "ServiceCatalog")
    [reader] = [
        r
        for r in resources_of_type(hub, "AWS::IAM::Role").values()
        if r["Properties"].get("RoleName") == "openaq-shared-sc-portfolio-reader"
    ]
    [trust] = reader["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"AWS": [f"arn:aws:iam::{account}:root" for account in sorted(TEAMS.values())]}
    assert trust["Condition"] == {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/openaq-*-sc-portfolio-lookup"}}


@pytest.mark.parametrize("team", sorted(TEAMS))
def test_spoke_accepts_the_share_and_admits_end_users(synth: Synth, team: str) -> None:
    spoke = synth.template(f"DataScience-{team}", "ServiceCatalog")
    [(lookup_id, lookup)] = resources_of_type(spoke, "Custom::PortfolioLookup").items()
    assert lookup["Properties"]["PortfolioName"] == "Data Science Environments"
    assert lookup["Properties"]["HubRoleArn"] == "arn:aws:iam::111111111111:role/openaq-shared-sc-portfolio-reader"
    portfolio_id = {"Fn::GetAtt": [lookup_id, "PortfolioId"]}
    [accepted] = resources_of_type(spoke, "AWS::ServiceCatalog::AcceptedPortfolioShare").values()
    assert accepted["Properties"]["PortfolioId"] == portfolio_id
    associations = list(resources_of_type(spoke, "AWS::ServiceCatalog::PortfolioPrincipalAssociation").values())
    assert all(a["Properties"]["PortfolioId"] == portfolio_id for a in associations)
    patterns = sorted(
        a["Properties"]["PrincipalARN"] for a in associations if a["Properties"]["PrincipalType"] == "IAM_PATTERN"
    )
    assert patterns == [
        "arn:aws:iam:::role/DataScientist*",
        "arn:aws:iam:::role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_DataScientist_*",
    ]
    # SageMaker Projects: the Studio execution roles of builders are associated by ARN.
    roles = [a["Properties"]["PrincipalARN"] for a in associations if a["Properties"]["PrincipalType"] == "IAM"]
    assert len(roles) == 2
    assert all(any(name in json.dumps(r) for name in ("DataScientistRole", "MlEngineerRole")) for r in roles)


def test_hub_has_the_launch_role_name_twin_without_permissions(synth: Synth) -> None:
    hub = synth.template("SharedServices", "ServiceCatalog")
    [(role_id, role)] = [
        (k, r)
        for k, r in resources_of_type(hub, "AWS::IAM::Role").items()
        if r["Properties"].get("RoleName") == "ServiceCatalog-DataScienceProducts"
    ]
    assert "ManagedPolicyArns" not in role["Properties"] and "Policies" not in role["Properties"]
    for constraint in resources_of_type(hub, "AWS::ServiceCatalog::LaunchRoleConstraint").values():
        assert role_id in constraint["DependsOn"]


def test_launch_role_creates_only_bounded_roles_and_guarded_notebooks(synth: Synth) -> None:
    spoke = synth.template("DataScience-weatherproduct", "ServiceCatalog")
    [role] = [
        r
        for r in resources_of_type(spoke, "AWS::IAM::Role").values()
        if r["Properties"].get("RoleName") == "ServiceCatalog-DataScienceProducts"
    ]
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "servicecatalog.amazonaws.com"
    }
    by_sid = {s["Sid"]: s for s in statements(spoke) if "Sid" in s}
    create_roles = by_sid["CreateBoundedRoles"]
    boundary = create_roles["Condition"]["StringEquals"]["iam:PermissionsBoundary"]
    [boundary_id] = [
        k
        for k, v in resources_of_type(spoke, "AWS::IAM::ManagedPolicy").items()
        if v["Properties"].get("ManagedPolicyName") == "openaq-weatherproduct-sc-product-boundary"
    ]
    assert boundary == {"Ref": boundary_id}
    assert create_roles["Resource"] == "arn:aws:iam::333333333333:role/SC-*"
    assert by_sid["CreateGuardedNotebooks"]["Condition"] == {
        "StringEquals": {"sagemaker:DirectInternetAccess": "Disabled", "sagemaker:RootAccess": "Disabled"},
        "Null": {"sagemaker:VpcSubnets": "false"},
    }
    actions = {a for s in statements(spoke) for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert not {a for a in actions if a.startswith("iam:") and a.endswith("*")}, "no IAM wildcards"
    assert "iam:CreateUser" not in actions and "iam:PutRolePolicy" not in actions


def test_products_find_platform_values_at_launch(synth: Synth) -> None:
    subnets = synth.product("NotebookProduct")["Parameters"]["SubnetIds"]
    assert subnets["Type"] == "AWS::SSM::Parameter::Value<List<String>>"
    assert subnets["Default"] == "/ml-platform/private-subnet-ids"
    published = {
        p["Properties"]["Name"]
        for t in (
            synth.template("DataScience-weatherproduct", s)
            for s in ("Data", "Network", "Access", "Studio", "ServiceCatalog")
        )
        for p in resources_of_type(t, "AWS::SSM::Parameter").values()
    }
    for product in ("NotebookProduct", "StudioUserProduct"):
        wanted = {
            p["Default"]
            for p in synth.product(product)["Parameters"].values()
            if p["Type"].startswith("AWS::SSM::Parameter::Value")
        }
        assert wanted <= published, f"{product} needs parameters no account publishes: {wanted - published}"


def test_notebook_product_is_private_rootless_encrypted(synth: Synth) -> None:
    template = Template.from_json(synth.product("NotebookProduct"))
    template.has_resource_properties(
        "AWS::SageMaker::NotebookInstance",
        {
            "DirectInternetAccess": "Disabled",
            "RootAccess": "Disabled",
            "KmsKeyId": {"Ref": "VolumeKeyArn"},
            "LifecycleConfigName": {"Ref": "LifecycleConfigName"},
            "SubnetId": {"Fn::Select": [0, {"Ref": "SubnetIds"}]},
            "SecurityGroupIds": [{"Ref": "SecurityGroupId"}],
        },
    )
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "PermissionsBoundary": {"Ref": "PermissionsBoundaryArn"},
            "AssumeRolePolicyDocument": {
                # AssumeRole, and SetSourceIdentity for the audit identity (docs/audit-identity.md).
                "Statement": [
                    Match.object_like(
                        {
                            "Action": action,
                            "Principal": {"Service": "sagemaker.amazonaws.com"},
                            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
                        }
                    )
                    for action in ("sts:AssumeRole", "sts:SetSourceIdentity")
                ]
            },
        },
    )
    assert "AmazonSageMakerFullAccess" not in json.dumps(synth.product("NotebookProduct"))


def test_studio_product_user_is_tagged_and_uses_its_role(synth: Synth) -> None:
    product = synth.product("StudioUserProduct")
    assert product["Parameters"]["UserProfileName"]["AllowedPattern"] == "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
    [profile] = resources_of_type(product, "AWS::SageMaker::UserProfile").values()
    assert profile["Properties"]["DomainId"] == {"Ref": "StudioDomainId"}
    tags = {t["Key"]: t["Value"] for t in profile["Properties"]["Tags"]}
    assert tags == {"Environment": "Development", "Team": {"Ref": "Team"}}
    [role_id] = resources_of_type(product, "AWS::IAM::Role")
    assert profile["Properties"]["UserSettings"]["ExecutionRole"] == {"Fn::GetAtt": [role_id, "Arn"]}


def test_product_templates_do_not_depend_on_the_config(synth: Synth) -> None:
    """Locked product versions must not change when the config does (see PlatformProduct)."""
    for stem, template in synth.products.items():
        text = json.dumps(template)
        for value in ("111111111111", "333333333333", "openaq", "weather-prediction", "ml-research-1234"):
            assert value not in text, f"{stem} contains config value {value}"


def test_a_changed_product_needs_a_new_version(synth: Synth, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    versions = tmp_path / "versions"
    shutil.copytree(catalog_hub.VERSIONS_DIR, versions)
    [snapshot] = versions.glob("*NotebookProduct*release-2.1*")  # the current version
    template = json.loads(snapshot.read_text())
    template["Description"] = "an older release"
    snapshot.write_text(json.dumps(template))
    monkeypatch.setattr(catalog_hub, "VERSIONS_DIR", versions)
    with pytest.raises(RuntimeError, match="TemplateChangedForLockedVersion"):
        synthesize_stage(config_from(example_data()), tmp_path / "out", "SharedServices")
