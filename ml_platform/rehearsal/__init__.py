"""Offline rehearsal of the documented deploy, from an empty organisation (issue #18)."""
