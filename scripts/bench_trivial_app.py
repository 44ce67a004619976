#!/usr/bin/env python3
"""Baseline for `make bench`: the smallest CDK app (one bucket) on the same toolchain."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3

app = cdk.App(analytics_reporting=False)
stack = cdk.Stack(app, "Trivial", env=cdk.Environment(account="111111111111", region="us-east-1"))
s3.Bucket(stack, "Bucket")
app.synth()
