"""Idle-cost estimate of the synthesized templates (issue #11, book ch10)."""
