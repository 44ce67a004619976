"""Resolve CloudFormation intrinsic functions the way the deployed stacks would.

``Ref``, ``Fn::GetAtt`` (through ``physical_ids``), ``Fn::Sub``, ``Fn::Join``, ``Fn::Select``,
``Fn::Split``, ``Fn::If`` with the template's conditions, ``Fn::FindInMap``, and across stacks
``Fn::GetStackOutput`` and ``Fn::ImportValue``. Parameters take the value the stack is given,
then an SSM parameter that a stack of the same account creates (for SSM-typed parameters),
then their default.

Strict mode (the runtime flows) raises ``UnresolvableError`` naming the stack and the value; lenient
mode (the size guard) puts a placeholder as long as the value it stands for would be.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

from ..naming import partition_for, url_suffix_for
from .cloud_assembly import CloudAssembly, StackInstance
from .physical_ids import KINDS, generated_id, generated_name
from .pseudo_parameters import NAMES as PSEUDO_PARAMETERS
from .pseudo_parameters import pseudo_parameter

NO_VALUE = object()  # AWS::NoValue: the property or list item is removed
_SUB_VARIABLE = re.compile(r"\$\{([^!}][^}]*)\}")
_PLACEHOLDER = re.compile(r"\{(prop:[A-Za-z0-9.]+|[a-z]+)\}")


class UnresolvableError(ValueError):
    """A value the templates alone cannot give (a missing output, parameter or resource)."""


class Resolver:
    """Resolves values of any stack of ``assembly``."""

    def __init__(self, assembly: CloudAssembly, *, strict: bool = True) -> None:
        self.assembly = assembly
        self.strict = strict
        self._cache: dict[tuple[str, str, str, str], Any] = {}

    # -- entry points -------------------------------------------------------------------
    def resolve(self, stack: StackInstance, value: Any) -> Any:
        """``value`` with every intrinsic function resolved (NoValue items removed)."""
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, argument),) = value.items()
                if key == "Ref" or key.startswith("Fn::") or key == "Condition":
                    return self._function(stack, key, argument)
            resolved = {k: self.resolve(stack, v) for k, v in value.items()}
            return {k: v for k, v in resolved.items() if v is not NO_VALUE}
        if isinstance(value, list):
            items = [self.resolve(stack, v) for v in value]
            return [v for v in items if v is not NO_VALUE]
        return value

    def resolve_text(self, stack: StackInstance, value: Any) -> str:
        resolved = self.resolve(stack, value)
        if not isinstance(resolved, str):
            raise UnresolvableError(f"{stack.stack_name}: expected a string, got {resolved!r}")
        return resolved

    def ref(self, stack: StackInstance, logical_id: str) -> Any:
        return self._attribute(stack, logical_id, "Ref")

    def get_att(self, stack: StackInstance, logical_id: str, attribute: str) -> Any:
        return self._attribute(stack, logical_id, attribute)

    # -- intrinsic functions --------------------------------------------------------------
    def _function(self, stack: StackInstance, name: str, argument: Any) -> Any:
        if name == "Ref":
            return self._ref(stack, str(argument))
        if name == "Fn::GetAtt":
            logical_id, attribute = argument if isinstance(argument, list) else str(argument).split(".", 1)
            return self._attribute(stack, logical_id, self.resolve_text(stack, attribute))
        if name == "Fn::Join":
            separator, parts = argument
            items = self.resolve(stack, parts)
            return str(separator).join(self._text(stack, item) for item in _flat(items))
        if name == "Fn::Sub":
            return self._sub(stack, argument)
        if name == "Fn::Select":
            index, items = argument
            return self.resolve(stack, items)[int(self.resolve(stack, index))]
        if name == "Fn::Split":
            separator, text = argument
            return self.resolve_text(stack, text).split(separator)
        if name == "Fn::If":
            condition, when_true, when_false = argument
            chosen = when_true if self.condition(stack, condition) else when_false
            return self.resolve(stack, chosen)
        if name in ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition"):
            return self._evaluate(stack, {name: argument})
        if name == "Fn::FindInMap":
            mapping, top, second = (self.resolve(stack, a) for a in argument[:3])
            return stack.template["Mappings"][mapping][top][second]
        if name == "Fn::GetStackOutput":
            return self._stack_output(stack, argument)
        if name == "Fn::ImportValue":
            return self._import(stack, self.resolve_text(stack, argument))
        if name == "Fn::Base64":
            return self.resolve(stack, argument)
        if name == "Fn::GetAZs":
            return [f"{stack.region}a", f"{stack.region}b"]
        if name == "Fn::ToJsonString":
            return json.dumps(self.resolve(stack, argument), separators=(",", ":"))
        if name == "Fn::Length":
            return len(self.resolve(stack, argument))
        raise UnresolvableError(f"{stack.stack_name}: intrinsic function {name} is not supported")

    def is_created(self, stack: StackInstance, logical_id: str) -> bool:
        """Whether CloudFormation creates the resource: its ``Condition`` holds (or it has none)."""
        condition = stack.resources[logical_id].get("Condition")
        return condition is None or self.condition(stack, str(condition))

    def condition(self, stack: StackInstance, name: str) -> bool:
        return self._evaluate(stack, stack.template.get("Conditions", {})[name])

    def _evaluate(self, stack: StackInstance, expression: Any) -> bool:
        ((function, argument),) = expression.items()
        if function == "Condition":
            return self.condition(stack, argument)
        if function == "Fn::Equals":
            left, right = (self.resolve(stack, a) for a in argument)
            return bool(left == right)
        if function == "Fn::And":
            return all(self._evaluate(stack, a) for a in argument)
        if function == "Fn::Or":
            return any(self._evaluate(stack, a) for a in argument)
        if function == "Fn::Not":
            return not self._evaluate(stack, argument[0])
        raise UnresolvableError(f"{stack.stack_name}: condition function {function} is not supported")

    def _sub(self, stack: StackInstance, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return self._text(stack, self.resolve(stack, variables[name]))
            if "." in name and name.split(".", 1)[0] in stack.resources:
                logical_id, attribute = name.split(".", 1)
                return self._text(stack, self._attribute(stack, logical_id, attribute))
            return self._text(stack, self._ref(stack, name))

        return _SUB_VARIABLE.sub(value, text).replace("${!", "${")

    def _text(self, stack: StackInstance, value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise UnresolvableError(f"{stack.stack_name}: cannot use {value!r} as text")

    # -- references -----------------------------------------------------------------------
    def _ref(self, stack: StackInstance, name: str) -> Any:
        if name.startswith("AWS::"):
            if name not in PSEUDO_PARAMETERS:
                raise UnresolvableError(f"{stack.stack_name}: pseudo parameter {name} is not supported")
            return pseudo_parameter(stack, name, NO_VALUE)
        if name in stack.template.get("Parameters", {}):
            return self._parameter(stack, name)
        return self._attribute(stack, name, "Ref")

    def _parameter(self, stack: StackInstance, name: str) -> Any:
        spec = stack.template["Parameters"][name]
        kind = str(spec.get("Type", "String"))
        value = stack.parameter_values.get(name, spec.get("Default"))
        if kind.startswith("AWS::SSM::Parameter::Value<"):
            found = self.ssm_parameters(stack.account, stack.region).get(str(value))
            if found is None:
                return self._missing(
                    f"{stack.stack_name}: parameter {name} reads SSM parameter {value} that no stack creates"
                )
            return found.split(",") if "List<" in kind else found
        if value is None:
            return self._missing(f"{stack.stack_name}: parameter {name} has no value and no default")
        return value.split(",") if "List" in kind and isinstance(value, str) else value

    def ssm_parameters(self, account: str, region: str) -> Mapping[str, str]:
        """Name -> value of every SSM parameter the stacks create in ``account``."""
        return self._ssm.get((account, region), {})

    @cached_property
    def _ssm(self) -> dict[tuple[str, str], dict[str, str]]:
        found: dict[tuple[str, str], dict[str, str]] = {}
        for stack in self.assembly.stacks:
            for logical_id, resource in stack.resources.items():
                if resource["Type"] == "AWS::SSM::Parameter":
                    props = resource["Properties"]
                    name = self._text(stack, self.resolve(stack, props.get("Name")) or logical_id)
                    value = self.resolve(stack, props["Value"])
                    found.setdefault((stack.account, stack.region), {})[name] = self._text(stack, value)
        return found

    def _attribute(self, stack: StackInstance, logical_id: str, attribute: str) -> Any:
        key = (stack.account, stack.stack_name, logical_id, attribute)
        if key not in self._cache:
            self._cache[key] = self._compute_attribute(stack, logical_id, attribute)
        return self._cache[key]

    def _compute_attribute(self, stack: StackInstance, logical_id: str, attribute: str) -> Any:
        resource = stack.resources.get(logical_id)
        if resource is None:
            raise UnresolvableError(f"{stack.stack_name}: no resource or parameter {logical_id}")
        kind = KINDS.get(resource["Type"])
        pattern = None if kind is None else (kind.ref if attribute == "Ref" else kind.attrs.get(attribute))
        if kind is None or pattern is None:
            raise UnresolvableError(f"{stack.stack_name}: {resource['Type']} {logical_id}: {attribute} is not modelled")
        props = resource.get("Properties", {})
        name = self.physical_name(stack, logical_id)
        # Each value only when the pattern names it: a rehearsal computes ~100,000 attributes (issue #23).
        # So, as in CloudFormation, a role's Ref does not fail on an unresolvable Path; its Arn does.
        values: dict[str, Callable[[], Any]] = {
            "name": lambda: name,
            "lname": lambda: name.lower() if isinstance(name, str) else name,
            "id": lambda: generated_id(kind.id_format or "alnum13", stack.account, stack.stack_name, logical_id),
            "p": lambda: partition_for(stack.region),
            "s": lambda: url_suffix_for(stack.region),
            "r": lambda: stack.region,
            "a": lambda: stack.account,
            "path": lambda: self.resolve(stack, props.get("Path", "/")),
            "bus": lambda: _bus_prefix(self.resolve(stack, props.get("EventBusName", "default"))),
        }

        def fill(match: re.Match[str]) -> str:
            token = match.group(1)
            if token.startswith("prop:"):
                return self._text(stack, self.resolve(stack, dig(props, token[5:])))
            return str(values[token]())

        return _PLACEHOLDER.sub(fill, pattern)

    def physical_name(self, stack: StackInstance, logical_id: str) -> str:
        """The resource's name: its name property, else the name CloudFormation generates."""
        resource = stack.resources[logical_id]
        kind = KINDS.get(resource["Type"])
        if kind is None:
            raise UnresolvableError(f"{stack.stack_name}: {resource['Type']} {logical_id} is not modelled")
        props = resource.get("Properties", {})
        for prop in kind.name_props:
            value = dig(props, prop)
            if value is not None:
                return self._text(stack, self.resolve(stack, value))
        return generated_name(stack.stack_name, logical_id, kind)

    def _stack_output(self, stack: StackInstance, argument: Mapping[str, Any]) -> Any:
        name = self.resolve_text(stack, argument["StackName"])
        region = self.resolve_text(stack, argument.get("Region", stack.region))
        output = self.resolve_text(stack, argument["OutputName"])
        try:
            source = self.assembly.by_name(name, region, stack.account)
        except KeyError:
            return self._missing(f"{stack.stack_name}: Fn::GetStackOutput names stack {name}, which no stage creates")
        if output not in source.template.get("Outputs", {}):
            return self._missing(f"{stack.stack_name}: Fn::GetStackOutput names output {output} that {name} lacks")
        return self.resolve(source, source.template["Outputs"][output]["Value"])

    def _import(self, stack: StackInstance, export_name: str) -> Any:
        for source in self.assembly.stacks:
            if (source.account, source.region) != (stack.account, stack.region):
                continue
            for output in source.template.get("Outputs", {}).values():
                export = output.get("Export", {}).get("Name")
                if export is not None and self.resolve(source, export) == export_name:
                    return self.resolve(source, output["Value"])
        return self._missing(f"{stack.stack_name}: Fn::ImportValue {export_name} is exported by no stack")

    def _missing(self, message: str) -> str:
        if self.strict:
            raise UnresolvableError(message)
        # As long as a typical value (an ARN), so size measurements stay realistic.
        return "arn:aws:unresolved:us-east-1:000000000000:" + "x" * 40


def _bus_prefix(bus: Any) -> str:
    if not isinstance(bus, str) or bus == "default":
        return ""
    return f"{bus.rsplit('/', 1)[-1]}/"


def dig(props: Mapping[str, Any], dotted: str) -> Any:
    """The value at a dotted property path (``TableInput.Name``), or None."""
    value: Any = props
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _flat(items: Any) -> list[Any]:
    if isinstance(items, list):
        return [i for item in items for i in _flat(item)]
    return [items]
