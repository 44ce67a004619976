"""Notebook instances: in a private subnet, no direct internet, no root (Security Hub SageMaker.1-3)."""

from __future__ import annotations

from .base import Resource, Rule, problems, props


def _check(resource: Resource) -> str | None:
    p = props(resource)
    return problems(
        (p.get("DirectInternetAccess") == "Disabled", "direct internet access"),
        (p.get("RootAccess") == "Disabled", "root access"),
        (p.get("SubnetId"), "no subnet (not in a VPC)"),
    )


RULE = Rule(
    "SM-NotebookPrivate",
    ("AWS::SageMaker::NotebookInstance",),
    "Security Hub SageMaker.1, .2, .3; book ch2",
    "Notebook instances run in a VPC without direct internet access or root",
    _check,
)
