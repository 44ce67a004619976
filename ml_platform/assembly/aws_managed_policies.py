"""AWS managed policies the platform's roles carry, by name (their documents are AWS's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Document = Mapping[str, Any]

# AWS managed policies the platform's generated code attaches (CDK's custom-resource
# providers). Their documents are AWS's; copied from the IAM console (AWS managed policy
# reference, "AWSLambdaBasicExecutionRole").
AWS_MANAGED_POLICIES: dict[str, Document] = {
    # CDK's bootstrap attaches these ("AWSCloudFormationReadOnlyAccess" to the deploy role; the
    # CloudFormation execution role gets the --cloudformation-execution-policies, by default
    # "AdministratorAccess"), from the AWS managed policy reference.
    "AWSCloudFormationReadOnlyAccess": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    "cloudformation:Describe*",
                    "cloudformation:EstimateTemplateCost",
                    "cloudformation:Get*",
                    "cloudformation:List*",
                    "cloudformation:ValidateTemplate",
                    "cloudformation:Detect*",
                ],
                "Resource": "*",
            }
        ],
    },
    "AdministratorAccess": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    },
    # The bootstrap's lookup role. The real document lists read actions of every service; the
    # platform never uses this role (synth runs with --no-lookups), so reads of every service
    # stand for it here and no check relies on it.
    "ReadOnlyAccess": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["*:Describe*", "*:Get*", "*:List*"], "Resource": "*"}],
    },
    "service-role/AWSLambdaBasicExecutionRole": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": "*",
            }
        ],
    },
}
