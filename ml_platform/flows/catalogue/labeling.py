"""Ground Truth's private workforce (book ch3, issue #18): the custom resource that points the Cognito app
client at the labeling portal once the workforce exists, and what its role may not do besides.

The function's role may update the clients of its own team's user pool (``UpdateUserPoolClient`` on the
pool's ARN), nothing else of Cognito: not the pool itself, not another pool of the account.

No flow covers invitation emails through Amazon SES (``labeling.invitation_email``): Cognito then sends as
its service-linked role ``AWSServiceRoleForAmazonCognitoIdpEmailService`` (AWS-managed, no platform policy)
from an SES identity the platform does not create (verified by DNS or mailbox confirmation, docs/labeling.md),
and needs no sending authorization policy
(https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-ses-authorization-to-send-email.html).
There is no platform policy on either side for the engine to evaluate.
"""

from __future__ import annotations

from ..model import Flow, allow, deny, in_area
from ..platform import Platform

AREA = "labeling"
PORTAL = (
    "docs/labeling.md: the portal's sign-in callback is https://<workforce SubDomain>/oauth2/idpresponse, "
    "https://docs.aws.amazon.com/sagemaker/latest/dg/sms-workforce-create-private-oidc.html"
)
UPDATE_CLIENT = (
    "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserPoolClient.html"
)
INVOKE = (
    "CDK Provider framework: its onEvent function invokes the handler, "
    "https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources-readme.html"
)
LOGS = "Lambda execution role, https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html"
LEAST = "issue #18: the portal function changes the clients of its own pool only"


def _portal_client(platform: Platform, slug: str, stage: str) -> list[Flow]:
    workforce = f"{stage}/Labeling/Workforce"
    handler = f"{workforce}/PortalUrls/Function/Function/Resource"
    role = platform.function_role(handler)
    account = role.account
    pool = platform.attr(f"{workforce}/UserPool/Resource")
    other_pool = platform.arn("cognito-idp", account, f"userpool/{platform.region}_AnotherPool1")
    function = platform.attr(handler)
    log_stream = platform.arn("logs", account, f"log-group:/aws/lambda/{function.split(':')[-1]}:log-stream:x")
    framework = platform.function_role(f"{workforce}/PortalUrls/Framework/Provider/framework-onEvent/Resource")
    name = f"{AREA} {stage}: portal client function"
    return [
        allow(f"{name} sets the app client's portal URLs", role, "cognito-idp:UpdateUserPoolClient", pool, PORTAL),
        allow(f"{name} writes its log (logs:CreateLogStream)", role, "logs:CreateLogStream", log_stream, LOGS),
        allow(f"{name} writes its log (logs:PutLogEvents)", role, "logs:PutLogEvents", log_stream, LOGS),
        allow(f"{name} is invoked by the Provider framework", framework, "lambda:InvokeFunction", function, INVOKE),
        deny(
            f"{name} updates a client of another user pool",
            role,
            "cognito-idp:UpdateUserPoolClient",
            other_pool,
            f"{LEAST}; {UPDATE_CLIENT}",
        ),
        deny(f"{name} changes the user pool's settings", role, "cognito-idp:UpdateUserPool", pool, LEAST),
        deny(f"{name} deletes the portal app client", role, "cognito-idp:DeleteUserPoolClient", pool, LEAST),
        deny(f"{name} creates a user", role, "cognito-idp:AdminCreateUser", pool, LEAST),
        deny(
            f"{name} is invoked by another role",
            platform.role(slug, "sm-data-scientist"),
            "lambda:InvokeFunction",
            function,
            "only the Provider framework runs the custom resource (no data scientist invokes it)",
        ),
    ]


def flows(platform: Platform) -> list[Flow]:
    labeled = {t.name for t in platform.config.accounts.data_science if t.labeling is not None}
    found: list[Flow] = []
    for team in (t for t in platform.teams() if t.slug in labeled):
        found += _portal_client(platform, team.slug, team.stage_id)
    return in_area(AREA, found)
