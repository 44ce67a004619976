"""Lake Formation grants both sides of the curated-table share make: the data lake grants the
teams' accounts (with grant option), each team's account grants its own roles (without)."""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import aws_lakeformation as lakeformation
from constructs import Construct

Permissions = lakeformation.CfnPrincipalPermissions


def _grant(
    scope: Construct,
    construct_id: str,
    principal: str,
    permission: str,
    grantable: bool,
    resource: Permissions.ResourceProperty,
) -> Permissions:
    return Permissions(
        scope,
        construct_id,
        principal=Permissions.DataLakePrincipalProperty(data_lake_principal_identifier=principal),
        permissions=[permission],
        # A grantee that may pass the permission on (a team's admin) gets it with grant option.
        permissions_with_grant_option=[permission] if grantable else [],
        resource=resource,
    )


def describe_database(
    scope: Construct, construct_id: str, principal: str, *, catalog_id: str, database: str, grantable: bool
) -> Permissions:
    """DESCRIBE on a database (or a resource link): what makes its tables visible."""
    database_resource = Permissions.DatabaseResourceProperty(catalog_id=catalog_id, name=database)
    return _grant(
        scope, construct_id, principal, "DESCRIBE", grantable, Permissions.ResourceProperty(database=database_resource)
    )


def select_columns(
    scope: Construct,
    construct_id: str,
    principal: str,
    *,
    catalog_id: str,
    database: str,
    table: str,
    columns: Iterable[str],
    grantable: bool,
) -> Permissions:
    """SELECT on exactly the shared columns of a table (column-level sharing, AS-10)."""
    columns_resource = Permissions.TableWithColumnsResourceProperty(
        catalog_id=catalog_id, database_name=database, name=table, column_names=list(columns)
    )
    return _grant(
        scope,
        construct_id,
        principal,
        "SELECT",
        grantable,
        Permissions.ResourceProperty(table_with_columns=columns_resource),
    )
