"""Base stack: fixed availability zones from config, stateful protection, description."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from constructs import Construct


class PlatformStack(cdk.Stack):
    """Every platform stack derives from this.

    - ``availability_zones`` comes from config: no lookups and no dummy AZs at synth
      (toolchain trap 2), so templates are the same on every machine.
    - ``stateful`` stacks (keys, buckets, domains) get termination protection; their data
      resources are retained by their constructs.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stack_name: str,
        description: str,
        availability_zones: Sequence[str],
        stateful: bool,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            stack_name=stack_name,
            description=description,
            termination_protection=stateful,
        )
        self._azs = list(availability_zones)
        self.stateful = stateful

    @property
    def availability_zones(self) -> list[str]:
        return self._azs
