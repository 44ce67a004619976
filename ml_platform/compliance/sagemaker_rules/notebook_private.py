"""Notebook instances: in a private subnet, no direct internet, no root (Security Hub SageMaker.1-3)."""

from __future__ import annotations

from .base import Resource, Rule, props


def _check(resource: Resource) -> str | None:
    p = props(resource)
    problems = []
    if p.get("DirectInternetAccess") != "Disabled":
        problems.append("direct internet access")
    if p.get("RootAccess") != "Disabled":
        problems.append("root access")
    if not p.get("SubnetId"):
        problems.append("no subnet (not in a VPC)")
    return ", ".join(problems) or None


RULE = Rule(
    "SM-NotebookPrivate",
    ("AWS::SageMaker::NotebookInstance",),
    "Security Hub SageMaker.1, .2, .3; book ch2",
    "Notebook instances run in a VPC without direct internet access or root",
    _check,
)
