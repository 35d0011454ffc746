"""Indicator registry: one module per indicator, an explicit registry table."""
