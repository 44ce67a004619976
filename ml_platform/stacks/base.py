"""Base stack: fixed availability zones from config, stateful protection, description."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import aws_cdk as cdk
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from ..naming import Naming
from ..platform_parameters import parameter_name


@dataclass(frozen=True)
class StackContext:
    """What every stack of an account needs: names, AZs and the organisation ID."""

    naming: Naming
    availability_zones: Sequence[str]
    organization_id: str | None = None


class PlatformStack(cdk.Stack):
    """Every platform stack derives from this.

    - The stack name is ``<org>-<account slug>-<stack id>`` (naming helper).
    - ``availability_zones`` comes from config: no lookups and no dummy AZs at synth
      (toolchain trap 2), so templates are the same on every machine.
    - ``stateful`` stacks (keys, buckets, domains) get termination protection; their data
      resources are retained by their constructs.

    Whether a stack is stateful and what it describes belong to its class, not to one
    instance: subclasses declare ``STATEFUL`` and ``DESCRIPTION`` (``{slug}`` stands for the
    account's slug) next to their docstring. ``description`` and ``stateful`` passed to the
    constructor override them (a description naming more than the account). Neither has a
    default here, so a stack that declares nothing fails at synth instead of silently losing
    its termination protection.
    """

    STATEFUL: ClassVar[bool]
    DESCRIPTION: ClassVar[str]

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        description: str | None = None,
        stateful: bool | None = None,
        env: cdk.Environment | None = None,
    ) -> None:
        if stateful is None:
            stateful = self.STATEFUL
        if description is None:
            description = self.DESCRIPTION.format(slug=context.naming.slug)
        super().__init__(
            scope,
            construct_id,
            stack_name=context.naming.stack(construct_id),
            description=description,
            termination_protection=stateful,
            env=env,  # only for stacks outside an account stage (the platform pipeline)
        )
        self.context = context
        self.naming = context.naming
        self.stateful = stateful

    def publish(self, purpose: str, value: str | list[str], description: str) -> None:
        """Publish a value for Service Catalog products (``platform_parameters``)."""
        name = parameter_name(purpose)
        construct_id = "Param" + "".join(p.capitalize() for p in purpose.split("-"))
        if isinstance(value, list):
            ssm.StringListParameter(
                self, construct_id, parameter_name=name, string_list_value=value, description=description
            )
        else:
            ssm.StringParameter(self, construct_id, parameter_name=name, string_value=value, description=description)

    @property
    def availability_zones(self) -> list[str]:
        return list(self.context.availability_zones)
