"""Ground Truth private workforce and custom workflow (issue #10; AS-7)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from aws_cdk.assertions import Match, Template
from botocore.session import get_session  # type: ignore[import-untyped,unused-ignore]
from botocore.validate import validate_parameters  # type: ignore[import-untyped,unused-ignore]

from ml_platform.constructs.workforce_portal_client import (
    CLIENT_SETTINGS,
    MIRRORED_STRUCT_SETTINGS,
    UNMIRRORED_CLIENT_SETTINGS,
)
from ml_platform.context import PROJECT_ROOT

from ..helpers import Synth, config_from, example_data, resources_of_type, statements, synthesize_stage

STAGE = "DataScience-weatherproduct"
BUCKET = "arn:aws:s3:::openaq-weatherproduct-labeling-333333333333-us-east-1"
PORTAL_HANDLER = PROJECT_ROOT / "lambda" / "workforce_portal_client" / "handler.py"
SUBDOMAIN = "ab12cd34ef.labeling.us-east-1.sagemaker.aws"  # DescribeWorkforce's Workforce.SubDomain, same shape


def test_user_pool_is_invitation_only_with_mfa_and_strong_passwords(synth: Synth) -> None:
    Template.from_json(synth.template(STAGE, "Labeling")).has_resource(
        "AWS::Cognito::UserPool",
        {
            "DeletionPolicy": "Retain",
            "Properties": Match.object_like(
                {
                    "MfaConfiguration": "ON",
                    "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
                    "Policies": {
                        "PasswordPolicy": Match.object_like(
                            {
                                "MinimumLength": 12,
                                "RequireLowercase": True,
                                "RequireUppercase": True,
                                "RequireNumbers": True,
                                "RequireSymbols": True,
                            }
                        )
                    },
                    "UserPoolTier": "PLUS",
                    "DeletionProtection": "ACTIVE",
                }
            ),
        },
    )


def test_workteam_is_bound_to_the_pool_client_and_group(synth: Synth) -> None:
    template = synth.template(STAGE, "Labeling")
    [(pool_id, _)] = resources_of_type(template, "AWS::Cognito::UserPool").items()
    [(client_id, _)] = resources_of_type(template, "AWS::Cognito::UserPoolClient").items()
    [(group_id, _)] = resources_of_type(template, "AWS::Cognito::UserPoolGroup").items()
    [(topic_id, topic)] = resources_of_type(template, "AWS::SNS::Topic").items()
    assert "KmsMasterKeyId" in topic["Properties"]
    [workforce] = resources_of_type(template, "AWS::SageMaker::Workforce").values()
    assert workforce["Properties"]["CognitoConfig"] == {"ClientId": {"Ref": client_id}, "UserPool": {"Ref": pool_id}}
    assert workforce["Properties"]["SourceIpConfig"] == {"Cidrs": ["203.0.113.0/24"]}
    [workteam] = resources_of_type(template, "AWS::SageMaker::Workteam").values()
    assert workteam["Properties"]["MemberDefinitions"] == [
        {
            "CognitoMemberDefinition": {
                "CognitoUserPool": {"Ref": pool_id},
                "CognitoClientId": {"Ref": client_id},
                "CognitoUserGroup": {"Ref": group_id},
            }
        }
    ]
    assert workteam["Properties"]["NotificationConfiguration"] == {"NotificationTopicArn": {"Ref": topic_id}}
    assert workteam["Properties"]["WorkteamName"] == "weather-labelers"


def test_labeling_bucket_allows_the_worker_portal(synth: Synth) -> None:
    Template.from_json(synth.template(STAGE, "Data")).has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketName": "openaq-weatherproduct-labeling-333333333333-us-east-1",
            "CorsConfiguration": {
                "CorsRules": [Match.object_like({"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]})]
            },
            "BucketEncryption": Match.object_like(
                {
                    "ServerSideEncryptionConfiguration": [
                        Match.object_like(
                            {"ServerSideEncryptionByDefault": Match.object_like({"SSEAlgorithm": "aws:kms"})}
                        )
                    ]
                }
            ),
        },
    )


def test_job_role_invokes_only_the_two_workflow_functions(synth: Synth) -> None:
    template = synth.template(STAGE, "Labeling")
    by_sid = {s["Sid"]: s for s in statements(template) if "Sid" in s}
    assert sorted(by_sid["WorkflowFunctions"]["Resource"]) == [
        "arn:aws:lambda:us-east-1:333333333333:function:openaq-weatherproduct-gt-post-annotation",
        "arn:aws:lambda:us-east-1:333333333333:function:openaq-weatherproduct-gt-pre-annotation",
    ]
    invokes = [s for s in statements(template) if "lambda:InvokeFunction" in json.dumps(s.get("Action"))]
    # Besides the job role, only CDK's Provider framework invokes a function: the portal custom resource's.
    [portal] = [k for k, f in resources_of_type(template, "AWS::Lambda::Function").items() if "PortalUrlsFunction" in k]
    framework = [s for s in invokes if json.dumps({"Fn::GetAtt": [portal, "Arn"]}) in json.dumps(s["Resource"])]
    assert len(framework) == 1 and "Sid" not in framework[0]
    assert [s for s in invokes if s not in framework] == [by_sid["WorkflowFunctions"]]
    assert by_sid["ReadAnnotations"]["Resource"] == f"{BUCKET}/*"
    s3_resources = {
        r
        for s in statements(template)
        if "s3:" in json.dumps(s.get("Action"))
        for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])
    }
    assert s3_resources <= {BUCKET, f"{BUCKET}/*"}, "labeling roles read only the labeling bucket"


def test_functions_get_the_label_categories(synth: Synth) -> None:
    template = synth.template(STAGE, "Labeling")
    functions = {
        f["Properties"]["FunctionName"]: f["Properties"]
        for f in resources_of_type(template, "AWS::Lambda::Function").values()
        if "FunctionName" in f["Properties"]
    }
    pre = functions["openaq-weatherproduct-gt-pre-annotation"]
    assert json.loads(pre["Environment"]["Variables"]["LABEL_CATEGORIES"]) == ["clear", "haze", "smoke", "dust"]
    post = functions["openaq-weatherproduct-gt-post-annotation"]["Environment"]["Variables"]
    assert post["TASK_TYPE"] == "classification" and post["TIE_BREAK"] == "first"


def test_teams_without_labeling_get_no_workforce(synth: Synth) -> None:
    assert "DataScience-weatherresearch/Labeling" not in synth.templates


# -- the portal's app client (issue #18, defect 5) -------------------------------------------------------
PORTAL_OWN = ("UserPoolId", "ClientId", "CallbackURLs", "LogoutURLs")  # set by the custom resource itself


def test_custom_resource_points_the_client_at_the_portal_after_the_workforce(synth: Synth) -> None:
    template = synth.template(STAGE, "Labeling")
    [(pool_id, _)] = resources_of_type(template, "AWS::Cognito::UserPool").items()
    [(client_id, client)] = resources_of_type(template, "AWS::Cognito::UserPoolClient").items()
    [(workforce_id, _)] = resources_of_type(template, "AWS::SageMaker::Workforce").items()
    [portal] = resources_of_type(template, "Custom::WorkforcePortalClient").values()
    props = portal["Properties"]
    assert props["UserPoolId"] == {"Ref": pool_id} and props["ClientId"] == {"Ref": client_id}
    assert props["PortalDomain"] == {"Fn::GetAtt": [workforce_id, "SubDomain"]}  # so it runs after the workforce
    # UpdateUserPoolClient resets what it is not sent: the custom resource sends every setting of the client
    # (GenerateSecret cannot change and is not a parameter of the call).
    sent = json.loads(props["ClientSettings"])
    expected = {k: v for k, v in client["Properties"].items() if k not in {*PORTAL_OWN, "GenerateSecret"}}
    assert sent == expected
    assert sent["AllowedOAuthFlows"] == ["code"] and sent["SupportedIdentityProviders"] == ["COGNITO"]
    assert client["Properties"]["GenerateSecret"] is True
    # Nothing is left to a Cognito default that UpdateUserPoolClient might set differently from creation.
    assert set(sent) >= {
        "AllowedOAuthFlowsUserPoolClient",
        "AllowedOAuthScopes",
        "ExplicitAuthFlows",
        "PreventUserExistenceErrors",
        "EnableTokenRevocation",
        "AccessTokenValidity",
        "IdTokenValidity",
        "RefreshTokenValidity",
        "TokenValidityUnits",
        "AuthSessionValidity",
        "ClientName",
    }
    assert sent["TokenValidityUnits"] == {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "minutes"}


def _portal_handler() -> ModuleType:
    """lambda/workforce_portal_client/handler.py (a flat asset folder, so loaded by path)."""
    spec = importlib.util.spec_from_file_location("portal_client_handler_infra", PORTAL_HANDLER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_update_sets_the_portal_urls_from_the_subdomain_and_every_client_setting(
    synth: Synth, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The synthesized custom resource, resolved as CloudFormation would (the workforce's SubDomain, the
    pool and client IDs), gives the handler exactly one valid UpdateUserPoolClient request: the portal's
    callback and sign-out URLs plus every setting of the client as the template creates it."""
    template = synth.template(STAGE, "Labeling")
    [(pool_id, _)] = resources_of_type(template, "AWS::Cognito::UserPool").items()
    [(client_id, client)] = resources_of_type(template, "AWS::Cognito::UserPoolClient").items()
    [(workforce_id, _)] = resources_of_type(template, "AWS::SageMaker::Workforce").items()
    [portal] = resources_of_type(template, "Custom::WorkforcePortalClient").values()
    deployed = {
        json.dumps({"Ref": pool_id}): "us-east-1_jraWBzV6c",
        json.dumps({"Ref": client_id}): "4kq9d2v5l0c7r1m3s8t6u2w9xa",
        json.dumps({"Fn::GetAtt": [workforce_id, "SubDomain"]}): SUBDOMAIN,
    }
    properties = {k: deployed.get(json.dumps(v), v) for k, v in portal["Properties"].items() if k != "ServiceToken"}
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # the handler builds its client at import
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # no __pycache__ in the asset folder
    request = _portal_handler().update_request(properties)
    settings = {k: v for k, v in client["Properties"].items() if k not in {*PORTAL_OWN, "GenerateSecret"}}
    assert request == {
        **settings,
        "UserPoolId": "us-east-1_jraWBzV6c",
        "ClientId": "4kq9d2v5l0c7r1m3s8t6u2w9xa",
        "CallbackURLs": [f"https://{SUBDOMAIN}/oauth2/idpresponse"],
        "LogoutURLs": [f"https://{SUBDOMAIN}/logout"],
    }
    model = get_session().get_service_model("cognito-idp").operation_model("UpdateUserPoolClient")
    validate_parameters(request, model.input_shape)  # names and types the API accepts (raises otherwise)


def test_portal_function_may_update_only_the_clients_of_its_pool(synth: Synth) -> None:
    template = synth.template(STAGE, "Labeling")
    [(pool_id, _)] = resources_of_type(template, "AWS::Cognito::UserPool").items()
    cognito = [s for s in statements(template) if "cognito-idp:" in json.dumps(s.get("Action"))]
    assert cognito == [
        {
            "Sid": "PortalClientUrls",
            "Effect": "Allow",
            "Action": "cognito-idp:UpdateUserPoolClient",
            "Resource": {"Fn::GetAtt": [pool_id, "Arn"]},
        }
    ]
    [function] = [
        f["Properties"]
        for f in resources_of_type(template, "AWS::Lambda::Function").values()
        if f["Properties"].get("FunctionName") == "openaq-weatherproduct-labeling-portal-client"
    ]
    assert function["Handler"] == "handler.on_event" and function["ReservedConcurrentExecutions"] == 2


# -- invitation emails (issue #18, defect 7) --------------------------------------------------------------
def test_example_invites_through_cognitos_default_sender(synth: Synth) -> None:
    [pool] = resources_of_type(synth.template(STAGE, "Labeling"), "AWS::Cognito::UserPool").values()
    assert "EmailConfiguration" not in pool["Properties"]  # COGNITO_DEFAULT: 50 emails a day per account


def _email_configuration(invitation: dict[str, str], tmp_path: Path) -> object:
    """The team's user pool's EmailConfiguration when ``invitation`` is its labeling invitation_email."""
    data = example_data()
    data["accounts"]["data_science"][0]["labeling"]["invitation_email"] = invitation
    templates = synthesize_stage(config_from(data), tmp_path, STAGE)
    [pool] = resources_of_type(templates["Labeling"], "AWS::Cognito::UserPool").values()
    return pool["Properties"]["EmailConfiguration"]


def test_invitation_email_sends_through_the_teams_ses_identity(tmp_path: Path) -> None:
    invitation = {
        "from_address": "labeling@example.org",
        "from_name": "OpenAQ labeling",
        "reply_to": "labeling-help@example.org",
        "ses_verified_domain": "example.org",
    }
    assert _email_configuration(invitation, tmp_path) == {
        "EmailSendingAccount": "DEVELOPER",
        "From": "OpenAQ labeling <labeling@example.org>",
        "ReplyToEmailAddress": "labeling-help@example.org",
        # the verified identity in the team's own account and the platform's region
        "SourceArn": "arn:aws:ses:us-east-1:333333333333:identity/example.org",
    }


def test_invitation_email_without_a_domain_uses_the_address_identity(tmp_path: Path) -> None:
    invitation = {"from_address": "labeling@Example.org"}  # domains are case-insensitive: kept lowercase
    assert _email_configuration(invitation, tmp_path) == {
        "EmailSendingAccount": "DEVELOPER",
        "From": "labeling@example.org",
        "SourceArn": "arn:aws:ses:us-east-1:333333333333:identity/labeling@example.org",
    }


def test_portal_custom_resource_knows_every_updatable_client_property() -> None:
    """A client property CloudFormation adds later must be mirrored (or refused) before it can be set:
    UpdateUserPoolClient would reset it otherwise."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER  # type: ignore[import-untyped,unused-ignore]

    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", "AWS::Cognito::UserPoolClient").schema
    read_only = {p.removeprefix("/properties/") for p in schema["readOnlyProperties"]}  # ClientSecret, Name...
    known = {*CLIENT_SETTINGS, *MIRRORED_STRUCT_SETTINGS, *UNMIRRORED_CLIENT_SETTINGS, *PORTAL_OWN}
    assert set(schema["properties"]) - read_only - {"GenerateSecret"} == known - {"ClientId"}
    parameters = get_session().get_service_model("cognito-idp").operation_model("UpdateUserPoolClient").input_shape
    assert known <= set(parameters.members)
