"""How the platform stays inside CloudFormation's limits as an organisation grows (issue #13).

Plain Python. Endpoints of a hosting account are spread over ``layout.<env>_hosting_stacks``
stacks by a hash of the endpoint name: adding or removing an endpoint never moves another one
to a different stack (a move would replace it). Everything that belongs to one endpoint (its
models, config, scaling, alarms, monitors) lives in that endpoint's stack; account-wide views
(dashboards) use metric SEARCH expressions, so they do not change when endpoints are added.
Changing the number of stacks moves endpoints: choose it before the first deploy.
"""

from __future__ import annotations

import hashlib

# CloudFormation quotas per stack, and the margins the platform's tests hold every template to.
LIMITS = {"resources": 500, "outputs": 200, "parameters": 200, "template_bytes": 1_000_000}
MARGINS = {"resources": 400, "outputs": 180, "parameters": 180, "template_bytes": 800_000}


def shard_of(name: str, shards: int) -> int:
    """Stable: depends on the name and the shard count only (not on other endpoints)."""
    if shards < 1:
        raise ValueError("shards must be at least 1")
    return int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) % shards


def shard_stack_id(base: str, shard: int) -> str:
    """Shard 0 keeps the plain ID (``Hosting``), so one shard is the original layout."""
    return base if shard == 0 else f"{base}{shard + 1}"
