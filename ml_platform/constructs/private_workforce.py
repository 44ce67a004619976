"""Ground Truth private workforce on Cognito and a workteam bound to it (book ch3; AS-7)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct

from ..compliance.acknowledgements import acknowledge
from .topic_publishers import allow_service_publish
from .workforce_portal_client import PortalClientUrls


@dataclass(frozen=True)
class SesSender:
    """Invitations through Amazon SES: ``from_address`` of the verified SES identity ``ses_verified_domain``
    (None: the address itself is the identity), in the stack's own account and region."""

    from_address: str
    from_name: str | None = None
    reply_to: str | None = None
    ses_verified_domain: str | None = None


class PrivateWorkforce(Construct):
    """Cognito user pool (no self sign-up, strong passwords, MFA, threat protection), its app
    client, domain and worker group; the account's private workforce on that pool, limited to
    ``source_ip_cidrs``; one workteam of the group, notified on an encrypted SNS topic.

    Props:
        name: physical name part (pool, domain prefix, workforce).
        workteam_name: the workteam (and Cognito group) name.
        mfa: require MFA (TOTP) for workers.
        source_ip_cidrs: networks the worker portal accepts (empty: any).
        key: customer key of the notification topic (SageMaker must be allowed to use it).
        logs_key: customer key of the portal custom resource's log groups.
        invitation_email: send invitations through SES (None: Cognito's default sender, 50 emails a
            day per account).

    The app client's callback and sign-out URLs are the portal's (``https://<SubDomain>/oauth2/idpresponse``,
    ``https://<SubDomain>/logout``), set by a custom resource after the workforce exists.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        workteam_name: str,
        key: kms.IKey,
        logs_key: kms.IKey,
        mfa: bool = True,
        source_ip_cidrs: Sequence[str] = (),
        invitation_email: SesSender | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=name,
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True, username=True),
            mfa=cognito.Mfa.REQUIRED if mfa else cognito.Mfa.OFF,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False) if mfa else None,
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_digits=True,
                require_lowercase=True,
                require_uppercase=True,
                require_symbols=True,
                temp_password_validity=cdk.Duration.days(3),
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.PLUS,  # threat protection (advanced security)
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
            email=_email(invitation_email),
        )
        self.client = self.user_pool.add_client(
            "PortalClient",
            user_pool_client_name=f"{name}-portal",
            generate_secret=True,  # SageMaker's worker portal signs in as a confidential client
            # Every setting explicit, Cognito's defaults included: the portal custom resource sends them all
            # again (UpdateUserPoolClient resets what it is not sent), so none is left to a default.
            auth_flows=cognito.AuthFlow(user_srp=True),  # + ALLOW_REFRESH_TOKEN_AUTH; no custom auth triggers
            access_token_validity=cdk.Duration.hours(1),
            id_token_validity=cdk.Duration.hours(1),
            refresh_token_validity=cdk.Duration.days(30),
            auth_session_validity=cdk.Duration.minutes(3),
            enable_token_revocation=True,
            prevent_user_existence_errors=True,
            # The callback URL stays CDK's placeholder (https://example.com) in the template: the portal's
            # URL exists only once the workforce does. PortalClientUrls below replaces it.
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[cognito.OAuthScope.EMAIL, cognito.OAuthScope.OPENID, cognito.OAuthScope.PROFILE],
            ),
            supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
        )
        self.user_pool.add_domain("Domain", cognito_domain=cognito.CognitoDomainOptions(domain_prefix=name))
        group = cognito.CfnUserPoolGroup(
            self,
            "Workers",
            user_pool_id=self.user_pool.user_pool_id,
            group_name=workteam_name,
            description="Ground Truth workers of the team",
        )
        self.topic = sns.Topic(self, "Notifications", topic_name=f"{name}-tasks", master_key=key, enforce_ssl=True)
        wf = sagemaker.CfnWorkforce
        self.workforce = wf(
            self,
            "Workforce",
            workforce_name=name,
            cognito_config=wf.CognitoConfigProperty(
                client_id=self.client.user_pool_client_id, user_pool=self.user_pool.user_pool_id
            ),
            source_ip_config=wf.SourceIpConfigProperty(cidrs=list(source_ip_cidrs)) if source_ip_cidrs else None,
        )
        wt = sagemaker.CfnWorkteam
        self.workteam = wt(
            self,
            "Workteam",
            workteam_name=workteam_name,
            workforce_name=name,
            description=f"Private workteam {workteam_name}",
            member_definitions=[
                wt.MemberDefinitionProperty(
                    cognito_member_definition=wt.CognitoMemberDefinitionProperty(
                        cognito_user_pool=self.user_pool.user_pool_id,
                        cognito_client_id=self.client.user_pool_client_id,
                        cognito_user_group=group.ref,
                    )
                )
            ],
            notification_configuration=wt.NotificationConfigurationProperty(
                notification_topic_arn=self.topic.topic_arn
            ),
        )
        self.workteam.add_resource_dependency(self.workforce)
        self.portal_urls = PortalClientUrls(
            self,
            "PortalUrls",
            user_pool=self.user_pool,
            client=self.client,
            portal_domain=self.workforce.attr_sub_domain,
            function_name=f"{name}-portal-client",
            logs_key=logs_key,
        )
        # Ground Truth publishes new-task notifications as sagemaker.amazonaws.com, for this work
        # team only ("Create and manage Amazon SNS topics for your work teams", SageMaker
        # Developer Guide: https://docs.aws.amazon.com/sagemaker/latest/dg/sms-workforce-management-private-sns.html).
        allow_service_publish(
            self.topic, sid="GroundTruthPublish", service="sagemaker", source=f"workteam/private-crowd/{workteam_name}"
        )
        acknowledge(
            self.user_pool,
            {
                "AwsSolutions-COG2": "MFA is a config choice (labeling.mfa, on by default); the example requires it",
            }
            if not mfa
            else {},
        )

    @property
    def workteam_arn(self) -> str:
        return self.workteam.attr_workteam_arn


def _email(sender: SesSender | None) -> cognito.UserPoolEmail | None:
    if sender is None:
        return None  # Cognito's default sender (COGNITO_DEFAULT)
    return cognito.UserPoolEmail.with_ses(  # EmailSendingAccount DEVELOPER, SourceArn in this account and region
        from_email=sender.from_address,
        from_name=sender.from_name,
        reply_to=sender.reply_to,
        ses_verified_domain=sender.ses_verified_domain,
    )
