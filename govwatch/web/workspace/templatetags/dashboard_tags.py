"""Filters of the overview pages: a node's figures asked with an argument (a template
cannot call a method with one)."""

from __future__ import annotations

from django import template

from govwatch.web.dashboard.selectors import Figures

register = template.Library()


@register.filter
def pass_rate_of(figures: Figures, kind: str) -> str:
    return figures.pass_rate(kind)


@register.filter
def pass_rate_before_of(figures: Figures, kind: str) -> str:
    return figures.pass_rate_before(kind)


@register.filter
def updates_of(figures: Figures, days: int) -> int:
    return figures.updates(int(days))


@register.filter
def points(delta: float) -> str:
    """A change of a rate in percentage points, as the arrow's text: ↑1.50 / ↓50.00."""
    return f"{'↑' if delta >= 0 else '↓'}{abs(delta):.2f}"
