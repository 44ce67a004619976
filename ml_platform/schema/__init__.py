"""Typed, frozen config models: one module per config section.

The root model and the loader live in ``ml_platform.config``; these modules hold only
plain data and validation (no CDK imports), so scripts and tests can use them cheaply.
"""
