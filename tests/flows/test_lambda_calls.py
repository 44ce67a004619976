"""The AWS calls of the Lambda code (ml_platform/flows/lambda_calls.py) against what the Lambda tests
stub, and against the runtime flows: a call the tests know about cannot be missed by the extraction,
and a call without a flow fails here, naming the function and the IAM action (issue #17)."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from ml_platform.context import PROJECT_ROOT
from ml_platform.flows.lambda_calls import (
    LAMBDA_ROOT,
    LIBRARY_CALLS,
    POWERTOOLS_IDEMPOTENCY,
    Call,
    ExtractionError,
    calls_in_source,
    folders,
    function_calls,
    lambda_actions,
)
from ml_platform.flows.model import Expect, Role
from ml_platform.flows.platform import Platform
from ml_platform.flows.simulate import Outcome

LAMBDA_TESTS = PROJECT_ROOT / "tests" / "lambda"
STUBBER_METHODS = ("add_response", "add_client_error")  # botocore Stubber: the first argument names the method


# -- which test files belong to which function ---------------------------------------------------------------
def _named_folder(stem: str) -> str | None:
    """test_realtime_prediction_hits -> realtime_prediction (the longest folder the name starts with)."""
    name = stem.removeprefix("test_").removeprefix("bench_")
    matches = [f for f in folders() if name == f or name.startswith(f"{f}_")]
    return max(matches, key=len) if matches else None


def _trees() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8"), filename=str(p)) for p in sorted(LAMBDA_TESTS.glob("*.py"))}


def _owners(trees: dict[Path, ast.Module]) -> dict[Path, set[str]]:
    """Test file -> the function folders it tests: by its name, or (stubs and fixtures) by the test
    files that import it, transitively. labeling_stubs serves both labeling functions."""
    owners = {path: {f} for path in trees if (f := _named_folder(path.stem))}
    imports = {
        path: {
            LAMBDA_TESTS / f"{n.module}.py" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 1
        }
        for path, tree in trees.items()
    }
    changed = True
    while changed:
        changed = False
        for path, imported in imports.items():
            for helper in imported & trees.keys():
                if _named_folder(helper.stem) is None and not owners.get(path, set()) <= owners.get(helper, set()):
                    owners.setdefault(helper, set()).update(owners[path])
                    changed = True
    return owners


class StubbedOperations:
    """The client methods the Lambda tests stub, with the constants handed to helper parameters and
    loop variables resolved (``expect_list(stub, "list_apps", ...)``, ``for operation in (...)``)."""

    def __init__(self, trees: dict[Path, ast.Module], owners: dict[Path, set[str]]) -> None:
        self.trees, self.owners = trees, owners
        self.parents = {c: p for t in trees.values() for p in ast.walk(t) for c in ast.iter_child_nodes(p)}
        self.file_of = {n: path for path, t in trees.items() for n in ast.walk(t) if isinstance(n, ast.FunctionDef)}

    def values(self, node: ast.AST, where: str) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.Name):
            scope: ast.AST = node
            while (parent := self.parents.get(scope)) is not None:
                scope = parent
                loop = isinstance(scope, ast.For) and ast.unparse(scope.target) == node.id
                if loop and isinstance(items := getattr(scope, "iter", None), ast.Tuple | ast.List):
                    return {v for element in items.elts for v in self.values(element, where)}
                if isinstance(scope, ast.FunctionDef) and node.id in [a.arg for a in scope.args.args]:
                    return self.arguments(scope, node.id, where)
        raise AssertionError(f"{where}: cannot tell which operation {ast.unparse(node)} stubs; pass a string constant")

    def arguments(self, function: ast.FunctionDef, name: str, where: str) -> set[str]:
        """Every constant handed to parameter ``name`` of ``function`` by its callers (in the test files
        of the same functions: portfolio_stubs and studio_stubs both have an ``expect_list``)."""
        index = [a.arg for a in function.args.args].index(name)
        found: set[str] = set()
        folders_here = self.owners.get(self.file_of[function], set())
        for path, tree in self.trees.items():
            if not self.owners.get(path, set()) & folders_here:
                continue
            for call in ast.walk(tree):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == function.name:
                    arguments = [*call.args[index : index + 1], *(k.value for k in call.keywords if k.arg == name)]
                    found.update(v for argument in arguments for v in self.values(argument, where))
        return found

    def in_file(self, path: Path) -> list[tuple[str, str]]:
        """(file:line, client method) of every Stubber call in ``path``."""
        stubbed = []
        for node in ast.walk(self.trees[path]):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in STUBBER_METHODS
            ):
                where = f"tests/lambda/{path.name}:{node.lineno}"
                method = node.args[0] if node.args else next(k.value for k in node.keywords if k.arg == "method")
                stubbed += [(where, m) for m in sorted(self.values(method, where))]
        return stubbed


def _moto_services(tree: ast.Module) -> set[str]:
    """Services whose clients a test creates inside ``with mock_aws():`` (moto answers their calls)."""
    services: set[str] = set()
    for with_node in ast.walk(tree):
        if isinstance(with_node, ast.With) and "mock_aws" in ast.unparse(with_node.items[0].context_expr):
            for call in (n for statement in with_node.body for n in ast.walk(statement)):
                if not isinstance(call, ast.Call) or not ast.unparse(call.func).endswith("client"):
                    continue
                services.update(str(a.value) for a in call.args[:1] if isinstance(a, ast.Constant))
    return services


def _methods(folder_names: set[str]) -> set[str]:
    from botocore import xform_name  # type: ignore[import-untyped,unused-ignore]

    return {xform_name(c.operation) for f in folder_names for c in function_calls(f)}


def test_every_stubbed_operation_is_an_extracted_call() -> None:
    trees = _trees()
    owners = _owners(trees)
    stubs = StubbedOperations(trees, owners)
    checked, missing = 0, []
    for path in trees:
        for where, method in stubs.in_file(path):
            assert owners.get(path), f"{where} stubs {method}, but no function folder owns tests/lambda/{path.name}"
            checked += 1
            if method not in _methods(owners[path]):
                missing.append(
                    f"{where} stubs {method}: lambda_calls finds no such call in lambda/{sorted(owners[path])}"
                )
        for service in _moto_services(trees[path]):
            if not any(c.service == service for f in owners.get(path, ()) for c in function_calls(f)):
                missing.append(f"tests/lambda/{path.name} mocks {service} with moto: no {service} call extracted")
    assert not missing, "\n".join(missing)
    assert checked >= 20, f"only {checked} stubbed calls found: has the Stubber usage changed?"


def test_the_library_calls_are_the_ones_powertools_makes() -> None:
    spec = importlib.util.find_spec("aws_lambda_powertools")
    assert spec is not None and spec.origin is not None
    source = (Path(spec.origin).parent.parent / POWERTOOLS_IDEMPOTENCY).read_text(encoding="utf-8")
    assert set(calls_in_source(source, ["dynamodb"])) == set(LIBRARY_CALLS["DynamoDBPersistenceLayer"])


def test_the_extraction_needs_no_cdk() -> None:
    check = "import sys, ml_platform.flows.lambda_calls as m; m.lambda_actions(); assert 'aws_cdk' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", check], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_client_method_names_and_iam_overrides(tmp_path: Path) -> None:
    (tmp_path / "lister").mkdir()
    (tmp_path / "lister" / "handler.py").write_text(
        "import boto3\n_client = boto3.client('s3')\n"
        "def handler(event, context):\n"
        "    _client.head_object(Bucket='b', Key='k')\n"
        "    return getattr(_client, 'list_objects_v2')(Bucket='b')\n"
    )
    assert [c.operation for c in function_calls("lister", tmp_path)] == ["HeadObject", "ListObjectsV2"]
    assert lambda_actions(tmp_path) == {"lister": ("s3:GetObject", "s3:ListBucket")}


def test_a_call_on_an_unrecognisable_client_stops_the_extraction(tmp_path: Path) -> None:
    (tmp_path / "sneaky").mkdir()
    (tmp_path / "sneaky" / "handler.py").write_text(
        "import boto3\n_s3 = boto3.client('s3')\ndef handler(event, bucket):\n    return bucket.get_object(Key='k')\n"
    )
    with pytest.raises(ExtractionError, match=r"lambda/sneaky/handler.py:4: .get_object on something not known"):
        function_calls("sneaky", tmp_path)


# -- every call has a flow -------------------------------------------------------------------------------------
def deployed_functions(platform: Platform) -> dict[str, list[tuple[str, Role]]]:
    """Function folder -> (construct path, role) of every function whose code asset is that folder."""
    sources = {f: {p.name: p.read_bytes() for p in (LAMBDA_ROOT / f).glob("*.py")} for f in folders()}
    found: dict[str, list[tuple[str, Role]]] = defaultdict(list)
    for stack in (s for s in platform.assembly.stacks if s.stage != "Products"):
        for resource in stack.resources.values():
            key = resource.get("Properties", {}).get("Code", {}).get("S3Key")
            if resource["Type"] != "AWS::Lambda::Function" or not isinstance(key, str):
                continue
            asset = platform.assembly.root / f"asset.{key.removesuffix('.zip')}"
            code = {p.name: p.read_bytes() for p in asset.glob("*.py")}
            path = resource["Metadata"]["aws:cdk:path"]
            found.update(
                {f: [*found[f], (path, platform.function_role(path))] for f, s in sources.items() if s == code}
            )
    return found


def test_every_lambda_call_has_a_flow(platform: Platform, outcomes: list[Outcome]) -> None:
    deployed = deployed_functions(platform)
    allowed = [o.flow for o in outcomes if o.flow.expect == Expect.ALLOW and isinstance(o.flow.principal, Role)]
    missing = []
    for folder, actions in lambda_actions().items():
        assert deployed.get(folder), f"lambda/{folder} runs in no function of the example: is its asset still bundled?"
        roles = {role.arn for _, role in deployed[folder]}
        assumed = {f.resource for f in allowed if f.action == "sts:AssumeRole" and f.principal.arn in roles}  # type: ignore[union-attr]
        for action in actions:
            if not any(f.action == action and f.principal.arn in roles | assumed for f in allowed):  # type: ignore[union-attr]
                functions = ", ".join(path for path, _ in deployed[folder])
                missing.append(
                    f"lambda/{folder} ({functions}) calls {action}: no allow flow of its role or one it assumes"
                )
    assert not missing, "add flows to ml_platform/flows/catalogue/lambdas.py:\n" + "\n".join(missing)


def test_the_extraction_finds_the_known_calls() -> None:
    """A spot check of the extraction against the handlers as read by a person."""
    actions = lambda_actions()
    assert actions["labeling_pre_annotation"] == ()
    assert set(actions["retraining_trigger"]) == {
        "sts:AssumeRole",  # in the shared library's platform_runtime/credentials.py, which it imports
        "sagemaker:ListMonitoringExecutions",
        "sagemaker:StartPipelineExecution",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
    }
    assert Call("sagemaker-featurestore-runtime", "GetRecord") in function_calls("realtime_prediction")
