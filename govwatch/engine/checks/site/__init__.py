"""Indicators of this family; see ``govwatch.engine.checks.registry``."""
