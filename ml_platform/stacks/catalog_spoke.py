"""Service Catalog spoke in a data science account: accepts the hub's share, lets the team's
end-user roles launch, and owns the local launch role products run as (SC-3, SC-6, AS-5)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_servicecatalog as servicecatalog
from constructs import Construct

from .. import platform_parameters as params
from ..constructs.portfolio_lookup import PortfolioLookup
from ..constructs.scoped_policy import ScopedPolicy
from ..naming import partition_for
from ..schema.catalog import ServiceCatalogConfig
from .base import PlatformStack, StackContext
from .catalog_hub import LAUNCH_ROLE_NAME, lookup_role_name, portfolio_reader_role_name
from .catalog_launch_grants import launch_role_grants, product_boundary_grants


class ServiceCatalogSpokeStack(PlatformStack):
    """Stateless: recreating it re-accepts the share; provisioned products are their own stacks."""

    STATEFUL = False
    DESCRIPTION = "Service Catalog spoke of the {slug} account."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        catalog: ServiceCatalogConfig,
        hub_account: str,
        logs_key: kms.IKey,
        key_arns: Sequence[str],
        studio_role_arns: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id, context)
        naming = self.naming
        partition = partition_for(self.region)
        boundary = ScopedPolicy(
            self,
            "ProductBoundary",
            name=naming.resource("sc-product-boundary"),
            description="Permissions boundary of every role a Service Catalog product creates",
            grants=product_boundary_grants(partition, self.account, naming.resource("sm-")),
        )
        self.publish(
            params.PRODUCT_PERMISSIONS_BOUNDARY,
            boundary.policy.managed_policy_arn,
            "Permissions boundary that product roles must carry",
        )
        launch_policy = ScopedPolicy(
            self,
            "LaunchPermissions",
            name=naming.resource("sc-launch"),
            description="Create exactly what the data science products create",
            grants=launch_role_grants(
                partition, self.region, self.account, boundary.policy.managed_policy_arn, key_arns
            ),
        )
        self.launch_role = iam.Role(
            self,
            "LaunchRole",
            role_name=LAUNCH_ROLE_NAME,
            assumed_by=iam.ServicePrincipal("servicecatalog.amazonaws.com"),
            description="Service Catalog launch role of the data science products (no IAM admin)",
            managed_policies=[launch_policy.policy],
        )
        hub_role = f"arn:{partition}:iam::{hub_account}:role/{portfolio_reader_role_name(naming.prefix)}"
        lookup = PortfolioLookup(
            self,
            "PortfolioLookup",
            hub_role_arn=hub_role,
            portfolio_name=catalog.portfolio_name,
            role_name=lookup_role_name(naming.prefix, naming.slug),
            function_name=naming.resource("sc-portfolio-lookup"),
            logs_key=logs_key,
        )
        accepted = servicecatalog.CfnAcceptedPortfolioShare(self, "AcceptedShare", portfolio_id=lookup.portfolio_id)
        # SageMaker Projects needs the Studio execution roles associated too (by ARN).
        for i, role_arn in enumerate(studio_role_arns):
            role_association = servicecatalog.CfnPortfolioPrincipalAssociation(
                self, f"StudioRole{i}", portfolio_id=lookup.portfolio_id, principal_type="IAM", principal_arn=role_arn
            )
            role_association.add_resource_dependency(accepted)
        for i, pattern in enumerate(catalog.end_user_role_patterns):
            association = servicecatalog.CfnPortfolioPrincipalAssociation(
                self,
                f"EndUsers{i}",
                portfolio_id=lookup.portfolio_id,
                principal_type="IAM_PATTERN",
                principal_arn=f"arn:{partition}:iam:::role/{pattern}",
            )
            association.add_resource_dependency(accepted)
