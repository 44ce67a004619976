"""Every AWS call the Lambda code makes, read from its source, as IAM actions (issue #17).

Each folder under ``lambda/`` is one function's asset. Its clients are the ones it creates
(``boto3.client("x")``, ``session.create_client("x")``); a call is a method of such a client,
named after an operation of the service's botocore model (``xform_name``: PutRecord ->
``put_record``). Clients cross module boundaries as parameters and factories, so a receiver
counts as a client when the code says so: it was bound to a client creation or a factory's
result, or its name contains "client" (the folders' convention: ``sts_client``, ``self.client``,
``make_client(...)``). A method name used on anything else stops the extraction with the file
and line, so a call cannot hide behind an unusual name. String constants handed to a client
(``getattr(client, "list_apps")``, ``get_paginator("list_apps")``) count too.

Libraries that call AWS on the code's behalf are listed in ``LIBRARY_CALLS`` (Powertools'
DynamoDB idempotency layer); the other Powertools utilities that call AWS stop the extraction.
Plain Python over the sources and botocore's models: no CDK import.
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import botocore  # type: ignore[import-untyped,unused-ignore]
from botocore import xform_name  # type: ignore[import-untyped,unused-ignore]

from .. import json_cache
from ..context import PROJECT_ROOT
from . import call_tables, lambda_sources
from .call_tables import IAM_OVERRIDES, S3_TRANSFER
from .lambda_sources import SHARED_PACKAGE, with_shared_modules

LAMBDA_ROOT = PROJECT_ROOT / "lambda"
IAM_ACTIONS = PROJECT_ROOT / "node_modules" / "@cloud-copilot" / "iam-data" / "data" / "actions"

CALLS_CACHE = json_cache.CACHE_ROOT / "lambda-calls"
CACHE_FORMAT = "lambda-calls-v1"  # bump when what is stored changes shape

CLIENT_FACTORIES = frozenset({"client", "create_client"})  # boto3.client, Session.client, create_client


@dataclass(frozen=True, order=True)
class Call:
    service: str  # botocore service name, e.g. sagemaker-featurestore-runtime
    operation: str  # API operation, e.g. PutRecord
    where: str = field(default="", compare=False)  # file:line, for messages


class ExtractionError(ValueError):
    """Source the extraction cannot read safely; the message names the file and line."""


# Calls a library makes with a client the code hands it (Powertools docs, "Idempotency": the
# DynamoDB persistence layer reads, writes, updates and deletes the idempotency record).
POWERTOOLS_IDEMPOTENCY = "aws_lambda_powertools/utilities/idempotency/persistence/dynamodb.py"
LIBRARY_CALLS: Mapping[str, tuple[Call, ...]] = {
    "DynamoDBPersistenceLayer": tuple(
        Call("dynamodb", op) for op in ("GetItem", "PutItem", "UpdateItem", "DeleteItem")
    ),
}
# Powertools utilities that call AWS themselves (parameters: SSM, Secrets Manager, AppConfig...).
LIBRARIES_THAT_CALL_AWS = (
    "aws_lambda_powertools.utilities.parameters",
    "aws_lambda_powertools.utilities.feature_flags",
)


@cache
def _methods(service: str) -> dict[str, str]:
    """Client method name -> operation name, from botocore's service model."""
    import botocore.session  # type: ignore[import-untyped,unused-ignore]  # only when a function's calls are extracted, not read from the cache

    model = botocore.session.get_session().get_service_model(service)
    return {xform_name(op): op for op in model.operation_names}


@cache
def _signing_name(service: str) -> str:
    # sagemaker-runtime and sagemaker-featurestore-runtime sign as "sagemaker": their actions are sagemaker:*.
    import botocore.session  # type: ignore[import-untyped,unused-ignore]

    return str(botocore.session.get_session().get_service_model(service).signing_name)


@cache
def _known_actions(prefix: str) -> frozenset[str]:
    path = IAM_ACTIONS / f"{prefix}.json"
    if not path.exists():
        raise ExtractionError(f"no IAM data for service prefix {prefix!r} ({path}); run make install")
    return frozenset(json.loads(path.read_text(encoding="utf-8")))


def iam_actions(call: Call) -> tuple[str, ...]:
    """The IAM actions ``call`` needs, each checked against the Service Authorization data."""
    prefix = _signing_name(call.service)
    actions = IAM_OVERRIDES.get((call.service, call.operation), (f"{prefix}:{call.operation}",))
    for action in actions:
        service, name = action.split(":")
        if name.lower() not in _known_actions(service):
            raise ExtractionError(f"{call.where}: {call.service} {call.operation} maps to {action}, no such action")
    return actions


def _names(node: ast.AST) -> Iterator[str]:
    """The identifiers along an expression's chain: ``clients.get(s).get_record`` -> clients, get."""
    while True:
        if isinstance(node, ast.Name):
            yield node.id
            return
        if isinstance(node, ast.Attribute):
            yield node.attr
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return


def _created_service(node: ast.AST) -> str | None:
    """The service of a client creation call, or None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CLIENT_FACTORIES):
        return None
    args = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "service_name")]
    if not args or not isinstance(args[0], ast.Constant) or not isinstance(args[0].value, str):
        return None  # e.g. a mapping's .client attribute; a literal service is the folders' rule
    return args[0].value


@dataclass
class _Folder:
    """One asset folder's sources, and what in them is a client."""

    name: str
    modules: dict[str, ast.Module]
    services: set[str] = field(default_factory=set)
    client_names: set[str] = field(default_factory=set)  # names bound to clients or client factories
    not_clients: set[str] = field(default_factory=set)  # imported modules, compiled patterns

    def where(self, path: str, node: ast.AST) -> str:
        return f"lambda/{self.name}/{path}:{getattr(node, 'lineno', 0)}"

    def scan_bindings(self) -> None:
        for tree in self.modules.values():
            for node in ast.walk(tree):
                if (service := _created_service(node)) is not None:
                    self.services.add(service)
                if isinstance(node, ast.FunctionDef) and any(
                    isinstance(r, ast.Return) and r.value is not None and _created_service(r.value)
                    for r in ast.walk(node)
                ):
                    self.client_names.add(node.name)  # a factory: what it returns is a client
                elif isinstance(node, ast.Import | ast.ImportFrom):
                    self.not_clients.update((a.asname or a.name).split(".")[0] for a in node.names)
        for _ in range(3):  # bindings through aliases and factory results, a few levels deep
            for tree in self.modules.values():
                for node in ast.walk(tree):
                    if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                        names = {n for t in targets if (n := next(_names(t), ""))}  # self.client -> client
                        if _created_service(node.value) or self.is_client(node.value):
                            self.client_names.update(names)
                        elif isinstance(node.value, ast.Call) and "compile" in _names(node.value.func):
                            self.not_clients.update(names)

    def is_client(self, node: ast.AST) -> bool:
        if _created_service(node):  # boto3.client("s3").get_object(...)
            return True
        # ClientError says "client" too, but is imported; clients are made or handed in, never imported.
        return any(
            n in self.client_names or ("client" in n.lower() and n not in self.not_clients) for n in _names(node)
        )

    def methods(self, name: str) -> list[Call]:
        found = [Call(s, _methods(s)[name]) for s in sorted(self.services) if name in _methods(s)]
        if "s3" in self.services and name in S3_TRANSFER:
            found += [Call("s3", op) for op in S3_TRANSFER[name]]
        return found

    def calls(self) -> Iterator[Call]:
        for path, tree in self.modules.items():
            for node in ast.walk(tree):
                yield from self._attribute_calls(path, node)
                yield from self._constant_calls(path, node)
                yield from self._library_calls(path, node)

    def _attribute_calls(self, path: str, node: ast.AST) -> Iterator[Call]:
        if not isinstance(node, ast.Attribute) or not (found := self.methods(node.attr)):
            return
        where = self.where(path, node)
        if node.attr == "get_waiter":
            raise ExtractionError(f"{where}: a waiter calls operations the extraction cannot see; call them directly")
        if self.is_client(node.value):
            yield from (Call(c.service, c.operation, where) for c in found)
        elif not set(_names(node.value)) & self.not_clients:
            raise ExtractionError(f"{where}: .{node.attr} on something not known as a client; name it *client*")

    def _constant_calls(self, path: str, node: ast.AST) -> Iterator[Call]:
        if not isinstance(node, ast.Call):
            return
        arguments = [*node.args, *(k.value for k in node.keywords)]
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        if not any(self.is_client(a) for a in arguments) and not (receiver is not None and self.is_client(receiver)):
            return
        for argument in arguments:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                where = self.where(path, argument)
                yield from (Call(c.service, c.operation, where) for c in self.methods(argument.value))

    def _library_calls(self, path: str, node: ast.AST) -> Iterator[Call]:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(LIBRARIES_THAT_CALL_AWS):
            raise ExtractionError(f"{self.where(path, node)}: {node.module} calls AWS; add its calls to LIBRARY_CALLS")
        if isinstance(node, ast.Call) and (name := next(_names(node.func), "")) in LIBRARY_CALLS:
            yield from (Call(c.service, c.operation, self.where(path, node)) for c in LIBRARY_CALLS[name])


def folders(root: Path = LAMBDA_ROOT) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "handler.py").exists())


def function_calls(folder: str, root: Path = LAMBDA_ROOT) -> list[Call]:
    """Every AWS operation the function in ``lambda/<folder>`` calls (with the shared library modules it
    imports), sorted, one per operation. Extracting them is ~0.5 s of every synth (issue #23), so the result
    is kept in ``.cache/lambda-calls/`` under a digest of what decides it: the function's and the shared
    library's sources, this extractor's own source (with its tables and module reader), Python's version
    (its ``ast``) and botocore's version (its service models)."""
    files = [*sorted((root / folder).glob("*.py")), *sorted((root / "shared" / SHARED_PACKAGE).glob("*.py"))]
    python = ".".join(map(str, sys.version_info[:2]))  # its ast
    digest = hashlib.sha256(f"{CACHE_FORMAT}\n{python}\n{botocore.__version__}\n{folder}\n".encode())
    for extractor in (Path(__file__), Path(call_tables.__file__), Path(lambda_sources.__file__)):
        digest.update(extractor.read_bytes())
    for path in files:
        digest.update(f"\n{path.relative_to(root)}\n".encode())
        digest.update(path.read_bytes())
    return list(_function_calls(folder, root, digest.hexdigest()[:32]))


@cache
def _function_calls(folder: str, root: Path, digest: str) -> tuple[Call, ...]:
    entry = CALLS_CACHE / f"{digest}.json"
    stored = json_cache.load(entry)
    if isinstance(stored, list) and all(
        isinstance(row, list) and len(row) == 3 and all(isinstance(v, str) for v in row) for row in stored
    ):
        return tuple(Call(*row) for row in stored)
    calls = _extract(folder, root)
    json_cache.store(entry, [[c.service, c.operation, c.where] for c in calls])
    return calls


def _extract(folder: str, root: Path) -> tuple[Call, ...]:
    sources = sorted((root / folder).glob("*.py"))
    modules = {p.name: ast.parse(p.read_text(encoding="utf-8"), filename=str(p)) for p in sources}
    scanned = _Folder(folder, with_shared_modules(modules, root))
    scanned.scan_bindings()
    unique: dict[Call, Call] = {}
    for call in scanned.calls():
        unique.setdefault(call, call)  # keep the first place each operation is called from
    return tuple(sorted(unique.values()))


def calls_in_source(text: str, services: Iterable[str]) -> list[Call]:
    """The calls of one library source on clients of ``services`` (to check ``LIBRARY_CALLS``)."""
    scanned = _Folder("<library>", {"source.py": ast.parse(text)}, set(services))
    scanned.scan_bindings()
    return sorted(set(scanned.calls()))


def lambda_actions(root: Path = LAMBDA_ROOT) -> dict[str, tuple[str, ...]]:
    """Function folder -> the sorted IAM actions its code needs."""
    return {
        folder: tuple(sorted({a for call in function_calls(folder, root) for a in iam_actions(call)}))
        for folder in folders(root)
    }
