"""Points the private workforce's Cognito app client at the labeling portal once the workforce exists
(issue #18; custom resource with ``custom_resources.Provider``, code in lambda/workforce_portal_client).

The portal's host name is the workforce's ``SubDomain`` (an ``AWS::SageMaker::Workforce`` return value),
and the workforce needs the client first, so CloudFormation cannot give the client its callback URL
itself. ``UpdateUserPoolClient`` resets every setting it is not sent, so the custom resource sends
the client's whole configuration as its template sets it (``client_settings``).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_kms as kms
from constructs import Construct

from ..compliance.acknowledgements import acknowledge
from ..compliance.provider_framework import acknowledged_provider
from ..context import PROJECT_ROOT
from .lambda_function import PlatformFunction
from .scoped_policy import Grant

PORTAL_CLIENT_CODE = PROJECT_ROOT / "lambda" / "workforce_portal_client"
# Every AWS::Cognito::UserPoolClient property UpdateUserPoolClient takes (the CloudFormation and API names
# agree), with its CfnUserPoolClient attribute. UpdateUserPoolClient resets each one it is not sent, so the
# portal custom resource sends all the template sets. GenerateSecret cannot change; UserPoolId, ClientId,
# CallbackURLs and LogoutURLs are the custom resource's own.
CLIENT_SETTINGS = {
    "AccessTokenValidity": "access_token_validity",
    "AllowedOAuthFlows": "allowed_o_auth_flows",
    "AllowedOAuthFlowsUserPoolClient": "allowed_o_auth_flows_user_pool_client",
    "AllowedOAuthScopes": "allowed_o_auth_scopes",
    "AuthSessionValidity": "auth_session_validity",
    "ClientName": "client_name",
    "DefaultRedirectURI": "default_redirect_uri",
    "EnablePropagateAdditionalUserContextData": "enable_propagate_additional_user_context_data",
    "EnableTokenRevocation": "enable_token_revocation",
    "ExplicitAuthFlows": "explicit_auth_flows",
    "IdTokenValidity": "id_token_validity",
    "PreventUserExistenceErrors": "prevent_user_existence_errors",
    "ReadAttributes": "read_attributes",
    "RefreshTokenValidity": "refresh_token_validity",
    "SupportedIdentityProviders": "supported_identity_providers",
    "WriteAttributes": "write_attributes",
}
# The one struct-valued property the client sets: rendered with CloudFormation's (= the API's) key names,
# since the CDK attribute resolves to camelCase keys.
TOKEN_VALIDITY_UNITS = {"AccessToken": "access_token", "IdToken": "id_token", "RefreshToken": "refresh_token"}
MIRRORED_STRUCT_SETTINGS = {"TokenValidityUnits": "token_validity_units"}
# Struct-valued properties not mirrored: refused rather than sent wrongly (extend the custom resource first).
UNMIRRORED_CLIENT_SETTINGS = {
    "AnalyticsConfiguration": "analytics_configuration",
    "RefreshTokenRotation": "refresh_token_rotation",
}


class PortalClientUrls(Construct):
    """Sets the app client's callback and sign-out URLs to the labeling portal once the workforce exists.

    Props:
        user_pool, client: the pool and its portal app client (its settings are sent again, see
            ``client_settings``).
        portal_domain: the workforce's ``SubDomain`` (host name of the labeling portal).
        function_name: physical name of the handler function.
        logs_key: customer key of the log groups.

    The function runs outside the VPC: it makes one Cognito control-plane call during deployments and
    touches no data, and the platform VPC has no Cognito endpoint. Any change of the client changes this
    resource's properties too, so CloudFormation sets the URLs again after each client update (which
    resets them to the template's placeholder); a replaced workforce has a new ``SubDomain``, which
    changes them as well.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        user_pool: cognito.UserPool,
        client: cognito.UserPoolClient,
        portal_domain: str,
        function_name: str,
        logs_key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        handler = PlatformFunction(
            self,
            "Function",
            function_name=function_name,
            code_dir=PORTAL_CLIENT_CODE,
            handler="handler.on_event",
            logs_key=logs_key,
            timeout_seconds=60,
            memory_mb=256,
            grants=[  # this one pool's clients; not the pool itself, not other pools
                Grant("PortalClientUrls", ["cognito-idp:UpdateUserPoolClient"], [user_pool.user_pool_arn])
            ],
        )
        acknowledge(
            handler,
            {
                "NIST.800.53.R5-LambdaInsideVPC": (
                    "one Cognito control-plane call (UpdateUserPoolClient) during deployments, no data; the "
                    "platform VPC has no Cognito endpoint"
                ),
                "NIST.800.53.R5-LambdaDLQ": (
                    "invoked synchronously by the Provider framework during a deployment; a failure is "
                    "reported to CloudFormation, so an asynchronous dead-letter queue would never receive anything"
                ),
            },
        )
        # The framework in its own scope: its acknowledgements (acknowledge_provider_framework) give reasons
        # about CDK's functions that do not hold for the handler above.
        framework = Construct(self, "Framework")
        provider = acknowledged_provider(framework, logs_key, handler.function)
        self.resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=provider.service_token,
            resource_type="Custom::WorkforcePortalClient",
            properties={
                "UserPoolId": user_pool.user_pool_id,
                "ClientId": client.user_pool_client_id,
                "PortalDomain": portal_domain,
                "ClientSettings": stack.to_json_string(client_settings(client)),
            },
        )


def client_settings(client: cognito.UserPoolClient) -> dict[str, object]:
    """The client's UpdateUserPoolClient settings as its CloudFormation resource sets them."""
    cfn = client.node.default_child
    assert isinstance(cfn, cognito.CfnUserPoolClient)
    unmirrored = [name for name, attr in UNMIRRORED_CLIENT_SETTINGS.items() if getattr(cfn, attr) is not None]
    if unmirrored:
        raise ValueError(
            f"{client.node.path}: {', '.join(unmirrored)} would be reset by the portal custom resource, which "
            "does not send it; extend PortalClientUrls first"
        )
    settings: dict[str, object] = {name: getattr(cfn, attr) for name, attr in CLIENT_SETTINGS.items()}
    settings["TokenValidityUnits"] = _token_validity_units(cfn.token_validity_units)
    return {name: value for name, value in settings.items() if value is not None}


def _token_validity_units(units: Any) -> dict[str, str] | None:
    if units is None:
        return None
    if not isinstance(units, cognito.CfnUserPoolClient.TokenValidityUnitsProperty):
        raise ValueError(f"TokenValidityUnits must be a TokenValidityUnitsProperty to be sent again, got {units!r}")
    rendered = {name: getattr(units, attr) for name, attr in TOKEN_VALIDITY_UNITS.items()}
    return {name: str(value) for name, value in rendered.items() if value is not None}
