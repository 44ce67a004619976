"""Ground Truth private workforce and custom workflow (issue #10; AS-7)."""

from __future__ import annotations

import json

from aws_cdk.assertions import Match, Template

from ..helpers import Synth, resources_of_type, statements

STAGE = "DataScience-weatherproduct"
BUCKET = "arn:aws:s3:::openaq-weatherproduct-labeling-333333333333-us-east-1"


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
    assert invokes == [by_sid["WorkflowFunctions"]]
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
