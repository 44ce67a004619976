"""Reusable constructs: one per file, typed props, secure defaults, no account knowledge."""
