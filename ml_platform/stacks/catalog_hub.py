"""Service Catalog hub in shared services: the portfolio, its products, constraints and shares
to the data science accounts (book ch2, ch14; SC-1..SC-6, AS-1, AS-2)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_servicecatalog as servicecatalog
from constructs import Construct

from ..constructs.scoped_policy import Grant, ScopedPolicy
from ..context import PROJECT_ROOT
from ..cross_account import account_principals
from ..products import mlops_project_product, notebook_product, studio_user_product
from ..products.launch_parameters import PlatformProduct
from ..schema.catalog import ProductKind, ServiceCatalogConfig
from .base import PlatformStack, StackContext

# Spokes create a role of this name; shared portfolios refer to it by name (SC-3, AS-2).
LAUNCH_ROLE_NAME = "ServiceCatalog-DataScienceProducts"
# Snapshots of every released product template (ProductStackHistory): commit them.
VERSIONS_DIR = PROJECT_ROOT / "service_catalog" / "product-versions"

ProductClass = Callable[..., PlatformProduct]
PRODUCTS: dict[ProductKind, tuple[str, ModuleType, ProductClass]] = {
    ProductKind.NOTEBOOK: ("Notebook", notebook_product, notebook_product.NotebookProduct),
    ProductKind.STUDIO_USER: ("StudioUser", studio_user_product, studio_user_product.StudioUserProduct),
    ProductKind.MLOPS_PROJECT: ("MlopsProject", mlops_project_product, mlops_project_product.MlopsProjectProduct),
}


def portfolio_reader_role_name(prefix: str) -> str:
    return f"{prefix}-shared-sc-portfolio-reader"


def lookup_role_name(prefix: str, team: str) -> str:
    return f"{prefix}-{team}-sc-portfolio-lookup"


class ServiceCatalogHubStack(PlatformStack):
    """Stateless: products and shares can be recreated; provisioned products live in spokes."""

    STATEFUL = False
    DESCRIPTION = "Service Catalog hub: Data Science Environments portfolio and its shares."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        catalog: ServiceCatalogConfig,
        spokes: Mapping[str, str],
        tags: Mapping[str, str],
    ) -> None:
        super().__init__(scope, construct_id, context)
        self.portfolio = servicecatalog.Portfolio(
            self,
            "Portfolio",
            display_name=catalog.portfolio_name,
            provider_name=catalog.provider,
            description=catalog.description,
        )
        portfolio_id = self.portfolio.portfolio_id
        # TagOptions tag every provisioned product with the config's tags (SC-5, XC-3); each takes
        # one value, so launches need no choice. Team and Environment come from the templates.
        self.portfolio.associate_tag_options(
            servicecatalog.TagOptions(
                self, "TagOptions", allowed_values_for_tags={key: [value] for key, value in tags.items()}
            )
        )
        # LocalRoleName must exist in the account that creates the constraints too; the hub's
        # copy has no permissions (products are launched in the spokes, by their roles).
        hub_launch_role = iam.Role(
            self,
            "LocalLaunchRole",
            role_name=LAUNCH_ROLE_NAME,
            assumed_by=iam.ServicePrincipal("servicecatalog.amazonaws.com"),
            description="Name twin of the spokes' launch role; no permissions here",
        )
        stage_tag_keys = [*tags, "Environment", "Team"]
        self.products: dict[ProductKind, servicecatalog.CloudFormationProduct] = {}
        for kind in catalog.products:
            construct_id_, module, product_class = PRODUCTS[kind]
            self.products[kind] = self._product(construct_id_, module, product_class, catalog, stage_tag_keys)
        for kind, product in self.products.items():
            association = servicecatalog.CfnPortfolioProductAssociation(
                self, f"{PRODUCTS[kind][0]}Association", portfolio_id=portfolio_id, product_id=product.product_id
            )
            launch = servicecatalog.CfnLaunchRoleConstraint(
                self,
                f"{PRODUCTS[kind][0]}LaunchRole",
                portfolio_id=portfolio_id,
                product_id=product.product_id,
                local_role_name=LAUNCH_ROLE_NAME,
                description=f"Launch as {LAUNCH_ROLE_NAME} (the spoke's role; users need no IAM rights)",
            )
            launch.add_resource_dependency(association)
            launch.node.add_dependency(hub_launch_role)
            if kind == ProductKind.NOTEBOOK:
                limit = servicecatalog.CfnLaunchTemplateConstraint(
                    self,
                    "NotebookInstanceSizes",
                    portfolio_id=portfolio_id,
                    product_id=product.product_id,
                    description="Limit Notebook Instance Sizes",
                    rules=json.dumps(notebook_type_rule(catalog)),
                )
                limit.add_resource_dependency(association)
        teams = catalog.share_with if catalog.share_with is not None else tuple(spokes)
        for team in teams:
            servicecatalog.CfnPortfolioShare(
                self, f"Share-{team}", portfolio_id=portfolio_id, account_id=spokes[team], share_tag_options=True
            )
        self._portfolio_reader({team: spokes[team] for team in teams})

    def _product(
        self,
        construct_id: str,
        module: ModuleType,
        product_class: ProductClass,
        catalog: ServiceCatalogConfig,
        stage_tag_keys: Sequence[str],
    ) -> servicecatalog.CloudFormationProduct:
        history = servicecatalog.ProductStackHistory(
            self,
            f"{construct_id}History",
            product_stack=product_class(self, f"{construct_id}Product", stage_tag_keys=stage_tag_keys),
            current_version_name=module.CURRENT_VERSION,
            current_version_locked=True,
            # Relative to the project root (where synth runs): CDK Pipelines names the asset
            # actions of old versions after this path, and an absolute path would rename them in
            # every checkout (a self-mutation loop in CodeBuild, whose paths change per build).
            directory=os.path.relpath(VERSIONS_DIR, PROJECT_ROOT),
            # One description for every version of a product (ProductStackHistory applies it to all).
            description=getattr(module, "VERSION_DESCRIPTION", "Initial product release"),
        )
        versions = [history.current_version()]
        versions += [history.version_from_snapshot(name) for name in module.PREVIOUS_VERSIONS]
        product = servicecatalog.CloudFormationProduct(
            self,
            construct_id,
            product_name=module.PRODUCT_NAME,
            owner=catalog.provider,
            distributor=catalog.provider,
            support_email=catalog.support_email,
            description=(module.__doc__ or module.PRODUCT_NAME).strip().splitlines()[0],
            product_versions=versions,
        )
        if module is mlops_project_product:
            key, value = mlops_project_product.STUDIO_VISIBILITY_TAG
            cdk.Tags.of(product).add(key, value)
        return product

    def _portfolio_reader(self, spokes: Mapping[str, str]) -> None:
        """Role the spokes assume to find the shared portfolio's ID (it is known only here)."""
        prefix = self.naming.prefix
        # Account principals plus the lookup roles' name pattern: IAM rejects trust in roles that
        # do not exist yet (the spokes deploy after the hub), and one pattern keeps the trust
        # policy within IAM's 2,048 characters however many teams there are (issue #17).
        spoke_roles = f"arn:{self.partition}:iam::*:role/{lookup_role_name(prefix, '*')}"
        principal: iam.IPrincipal = (
            iam.CompositePrincipal(*account_principals(list(spokes.values()))).with_conditions(
                {"ArnLike": {"aws:PrincipalArn": spoke_roles}}
            )
            if spokes
            else iam.AccountPrincipal(self.account)
        )
        role = iam.Role(
            self,
            "PortfolioReader",
            role_name=portfolio_reader_role_name(prefix),
            assumed_by=principal,
            description="Lets each spoke's lookup function read the portfolio ID, nothing else",
        )
        policy = ScopedPolicy(
            self,
            "PortfolioReaderPermissions",
            name=None,
            description="List portfolios to find the shared one by name",
            grants=[
                Grant(
                    "ListPortfolios",
                    ["servicecatalog:ListPortfolios"],
                    ["*"],
                    why="servicecatalog:ListPortfolios supports no resource-level scoping",
                ),
            ],
        )
        role.add_managed_policy(policy.policy)
        self.portfolio_reader = role


def notebook_type_rule(catalog: ServiceCatalogConfig) -> dict[str, object]:
    """Template constraint rules (SC-4): the instance type must be one of the approved list."""
    return {
        "Rule1": {
            "Assertions": [
                {
                    "Assert": {
                        "Fn::Contains": [list(catalog.notebook_instance_types), {"Ref": "NotebookInstanceType"}]
                    },
                    "AssertDescription": "Instance type should have approved types",
                }
            ]
        }
    }
