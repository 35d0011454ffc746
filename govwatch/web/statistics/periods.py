"""Statistics periods: the shared parser in govwatch.engine.periods."""

from govwatch.engine.periods import PeriodError, months_covered, period_dates

__all__ = ["PeriodError", "months_covered", "period_dates"]
