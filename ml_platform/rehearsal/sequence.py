"""The documented deploy as a sequence of stacks: bootstrap, then the waves of ``deploy_order``.

Within a stage the CLI and CDK Pipelines order stacks by their dependencies only; stacks that
do not depend on each other may deploy in any order, or at once. So a stack may rely on the
bootstrap, on every stage of an earlier wave and on its own transitive dependencies, and on
nothing else: not on a sibling it does not depend on, nor on another stage of its wave.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..assembly.cloud_assembly import CloudAssembly, StackInstance
from ..config import PlatformConfig
from ..deploy_order import PIPELINE_STACK_ID, Wave, waves
from ..topology import account_roles
from .bootstrap import bootstrap_stacks


@dataclass(frozen=True)
class Deployment:
    """One stack deployed at its point of the sequence, and what exists before it."""

    step: str  # the README step that deploys it ("bootstrap", "SharedServices/*", ...)
    stack: StackInstance
    before: tuple[StackInstance, ...]  # deployed before it, in order

    @property
    def label(self) -> str:
        return f"{self.stack.stage}/{self.stack.stack_id}"


def _in_dependency_order(stacks: Sequence[StackInstance]) -> list[StackInstance]:
    by_name = {s.stack_name: s for s in stacks}
    ordered: list[StackInstance] = []

    def visit(stack: StackInstance) -> None:
        if stack in ordered:
            return
        for name in stack.dependencies:
            if name in by_name:
                visit(by_name[name])
        ordered.append(stack)

    for stack in stacks:
        visit(stack)
    return ordered


def _dependencies(stack: StackInstance, by_name: Mapping[str, StackInstance]) -> list[StackInstance]:
    """The stacks ``stack`` transitively depends on, in its stage."""
    found: list[StackInstance] = []
    pending = list(stack.dependencies)
    while pending:
        name = pending.pop()
        dependency = by_name.get(name)
        if dependency is not None and dependency not in found:
            found.append(dependency)
            pending.extend(dependency.dependencies)
    return found


def deployments(
    config: PlatformConfig,
    assembly: CloudAssembly,
    *,
    via_pipeline: bool = False,
    bootstrap: Sequence[StackInstance] | None = None,
) -> Iterator[Deployment]:
    """Every stack in deploy order. ``via_pipeline``: the platform pipeline's stack deploys
    right after bootstrap and then runs the same waves (the README's other path)."""
    region = config.organisation.region
    bootstrapped = list(bootstrap if bootstrap is not None else bootstrap_stacks(account_roles(config), region))
    deployed: list[StackInstance] = []
    for stack in bootstrapped:
        yield Deployment("bootstrap", stack, tuple(deployed))
        deployed.append(stack)
    if via_pipeline:
        for stack in assembly.stacks:
            if stack.stage == "App" and stack.stack_id == PIPELINE_STACK_ID:
                yield Deployment(f"npx cdk deploy --app cdk.out {PIPELINE_STACK_ID}", stack, tuple(deployed))
                deployed.append(stack)
    for wave in waves(config):
        yield from _wave(wave, assembly, deployed)


def _wave(wave: Wave, assembly: CloudAssembly, deployed: list[StackInstance]) -> Iterator[Deployment]:
    earlier = tuple(deployed)
    for stage in wave.stages:
        stacks = _in_dependency_order([s for s in assembly.stacks if s.stage == stage])
        by_name = {s.stack_name: s for s in stacks}
        for stack in stacks:
            yield Deployment(wave.pattern, stack, (*earlier, *_dependencies(stack, by_name)))
        deployed.extend(stacks)
