"""Studio of a data science account: domain, users, notebook auto-stop, teardown (book ch2, ch13)."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import aws_kms as kms
from constructs import Construct

from ..constructs.ml_vpc import MlVpc
from ..constructs.notebook_lifecycle import NotebookIdleStop
from ..constructs.sagemaker_role import SageMakerRole
from ..constructs.studio_domain import StudioDomain
from ..constructs.studio_teardown import StudioTeardown
from ..constructs.studio_user import StudioUser
from ..schema.accounts import DataScienceAccount
from ..schema.studio import OnDelete, Persona
from .base import PlatformStack, StackContext


class StudioStack(PlatformStack):
    """Stateful (termination-protected): the domain holds users' home directories."""

    STATEFUL = True
    DESCRIPTION = "Studio domain and users of the {slug} account (stateful)."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        team: DataScienceAccount,
        network: MlVpc,
        studio_key: kms.IKey,
        data_key: kms.IKey,
        logs_key: kms.IKey,
        bucket_name: str,
        persona_roles: Mapping[Persona, SageMakerRole],
    ) -> None:
        super().__init__(scope, construct_id, context)
        naming = self.naming
        groups = [network.sagemaker_sg.security_group_id]
        retain = team.studio.on_delete == OnDelete.RETAIN
        self.domain = StudioDomain(
            self,
            "Domain",
            domain_name=naming.resource("studio", max_length=63),
            vpc_id=network.vpc.vpc_id,
            subnet_ids=network.subnets.subnet_ids,
            security_group_ids=groups,
            kms_key_arn=studio_key.key_arn,
            default_execution_role_arn=persona_roles[Persona.DATA_SCIENTIST].role_arn,
            sharing_s3_uri=f"s3://{bucket_name}/studio-sharing/",
            sharing_kms_key_arn=data_key.key_arn,
            idle_timeout_minutes=team.studio.idle_timeout_minutes,
            retain=retain,
        )
        self.users = {
            user.name: StudioUser(
                self,
                f"User-{user.name}",
                domain_id=self.domain.domain_id,
                user_name=user.name,
                execution_role_arn=persona_roles[user.persona].role_arn,
                security_group_ids=groups,
            )
            for user in team.studio.users
        }
        self.notebook_idle_stop = NotebookIdleStop(
            self,
            "NotebookIdleStop",
            config_name=naming.resource("notebook-idle-stop", max_length=63),
            idle_minutes=team.notebook_idle_minutes,
        )
        if not retain:
            self.teardown = StudioTeardown(
                self,
                "Teardown",
                domain_id=self.domain.domain_id,
                function_name_prefix=naming.resource("studio", max_length=50),
                vpc=network.vpc,
                subnets=network.subnets.subnets,
                security_groups=[network.sagemaker_sg],
                logs_key=logs_key,
                depends_on=[u.profile for u in self.users.values()],  # the domain: via DomainId
            )
