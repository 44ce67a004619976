"""Stacks compose constructs; each stack belongs to one account stage."""
