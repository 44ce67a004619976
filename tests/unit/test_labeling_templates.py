"""The custom labeling UI templates name what the pre-annotation function provides (book ch3)."""

from __future__ import annotations

import pytest

from ml_platform.context import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "assets" / "labeling"


@pytest.mark.parametrize(
    ("name", "element", "field"),
    [
        ("text_classification.liquid.html", "crowd-classifier", 'name="category"'),
        ("bounding_box.liquid.html", "crowd-bounding-box", 'name="boundingBox"'),
    ],
)
def test_template_reads_the_task_input(name: str, element: str, field: str) -> None:
    text = (TEMPLATES / name).read_text()
    assert f"<{element}" in text and field in text
    assert "task.input.labels | to_json" in text and "task.input.taskObject" in text
    assert "<crowd-form>" in text and "grant_read_access" in text
