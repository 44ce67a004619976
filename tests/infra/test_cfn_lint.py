"""cfn-lint over every synthesized template: zero errors and zero warnings (bar .cfnlintrc.yaml).

The session fixture starts cfn-lint in the background as soon as the templates exist (issue #23:
it runs on the second core while the other tests run); this test collects its answer."""

from __future__ import annotations

from ..helpers import Synth, cfn_lint_templates, start_cfn_lint


def test_cfn_lint_is_clean(synth: Synth) -> None:
    templates = cfn_lint_templates(synth.outdir)
    assert len(templates) == len(synth.templates) + len(synth.products)  # stacks and product templates
    process = synth.cfn_lint or start_cfn_lint(synth.outdir)
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stdout + stderr
