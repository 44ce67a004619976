"""The deployed platform as flows see it: accounts and names from the config, resources and
roles from the synthesized templates, found by construct path.

A path that matches nothing is an error naming the path, so a renamed construct breaks the
flows that use it instead of silently dropping them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..assembly.cloud_assembly import CloudAssembly, StackInstance, load_assembly, product_launches
from ..assembly.iam_documents import IamDocuments
from ..assembly.resolver import Resolver, UnresolvableError
from ..config import PlatformConfig
from ..naming import Naming, partition_for
from ..topology import AccountKind, AccountRole, account_roles
from .model import Role

OUTSIDE_ACCOUNT = "999999999999"  # an account outside the organisation
OUTSIDE_ORGANIZATION = "o-outsider0001"


def load_platform(config: PlatformConfig, outdir: Path) -> Platform:
    """The synthesized app at ``outdir`` plus every offered product version launched in every
    account the portfolio is shared with (``SC-<account>-pp-...`` stacks)."""
    assembly = load_assembly(outdir)
    return Platform(config, assembly.with_stacks(product_launches(assembly)))


@dataclass
class Platform:
    config: PlatformConfig
    assembly: CloudAssembly

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver(self.assembly)

    @cached_property
    def documents(self) -> IamDocuments:
        return IamDocuments(self.assembly, self.resolver)

    # -- accounts and names ---------------------------------------------------------------
    @cached_property
    def roles(self) -> list[AccountRole]:
        return account_roles(self.config)

    @property
    def region(self) -> str:
        return self.config.organisation.region

    @property
    def partition(self) -> str:
        return partition_for(self.region)

    @property
    def organization_id(self) -> str | None:
        return self.config.organisation.organization_id

    def account_role(self, slug: str) -> AccountRole:
        for role in self.roles:
            if role.slug == slug:
                return role
        raise UnresolvableError(f"no account {slug!r} in the config")

    def account(self, slug: str) -> str:
        return self.account_role(slug).account_id

    def naming(self, slug: str) -> Naming:
        return Naming(self.config.organisation.name, slug, self.account(slug), self.region)

    def teams(self) -> list[AccountRole]:
        return [r for r in self.roles if r.kind == AccountKind.DATA_SCIENCE]

    def arn(self, service: str, account: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{self.region}:{account}:{resource}"

    def role(self, slug: str, name: str) -> Role:
        """A role the platform names deterministically (``<org>-<slug>-<name>``)."""
        return Role(f"arn:{self.partition}:iam::{self.account(slug)}:role/{self.naming(slug).resource(name)}")

    # -- resources by construct path --------------------------------------------------------
    @cached_property
    def _paths(self) -> dict[str, tuple[StackInstance, str]]:
        """Construct path -> (stack, logical ID), for the stacks of the app (not product launches)."""
        index: dict[str, tuple[StackInstance, str]] = {}
        for stack in self.assembly.stacks:
            if stack.stage == "Products":
                continue
            for logical_id, resource in stack.resources.items():
                path = resource.get("Metadata", {}).get("aws:cdk:path")
                if path:
                    index[path] = (stack, logical_id)
        return index

    def find(self, path: str) -> tuple[StackInstance, str]:
        """The stack and logical ID of the resource whose ``aws:cdk:path`` is ``path``."""
        try:
            return self._paths[path]
        except KeyError:
            raise UnresolvableError(f"no resource at construct path {path}") from None

    def ref(self, path: str) -> str:
        stack, logical_id = self.find(path)
        return str(self.resolver.ref(stack, logical_id))

    def attr(self, path: str, attribute: str = "Arn") -> str:
        stack, logical_id = self.find(path)
        return str(self.resolver.get_att(stack, logical_id, attribute))

    def function_role(self, path: str) -> Role:
        """The execution role of the Lambda function at ``path``."""
        stack, logical_id = self.find(path)
        role = stack.resources[logical_id]["Properties"]["Role"]
        return Role(str(self.resolver.resolve(stack, role)))

    def alerts_topic(self, stage: str) -> str:
        return self.ref(f"{stage}/Operations/Alerts/Topic/Resource")

    def key(self, stage: str, key: str) -> str:
        """ARN of a platform key of the account's data stack (``DataKey``, ``AlertsKey``...)."""
        return self.attr(f"{stage}/Data/{key}/Key/Resource")

    def bucket(self, stage: str, bucket: str) -> str:
        return self.ref(f"{stage}/Data/{bucket}/Bucket/Resource")
