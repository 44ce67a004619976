"""Runtime flows: every call the platform makes, proven by an IAM policy engine (issue #17)."""
