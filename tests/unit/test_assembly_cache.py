"""The template cache of `make diff` (issue #20): one synthesis per git tree and config."""

from __future__ import annotations

from pathlib import Path

from ml_platform.review.assembly_cache import cache_key, cached, tree_of


def test_the_same_key_synthesizes_once_and_a_damaged_entry_is_rebuilt(tmp_path: Path) -> None:
    calls: list[int] = []

    def build() -> tuple[dict[str, dict[str, object]], dict[str, str]]:
        calls.append(1)
        return {"App/S": {"Resources": {}}}, {"App/S": "app-s"}

    key = cache_key("tree", "config")
    assert cached(key, build, tmp_path) == (({"App/S": {"Resources": {}}}, {"App/S": "app-s"}), False)
    assert cached(key, build, tmp_path)[1] is True and len(calls) == 1
    (tmp_path / f"{key}.json").write_text("{half a fi", encoding="utf-8")
    assert cached(key, build, tmp_path)[1] is False and len(calls) == 2
    assert cached(None, build, tmp_path)[1] is False and len(calls) == 3  # no key (a dirty tree): no cache
    assert list(tmp_path.glob("*.tmp")) == []


def test_keys_differ_by_tree_and_config() -> None:
    assert len({cache_key("a", "x"), cache_key("b", "x"), cache_key("a", "y")}) == 3
    assert tree_of("HEAD") is not None and len(tree_of("HEAD") or "") == 40
