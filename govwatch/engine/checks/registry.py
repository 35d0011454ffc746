"""The indicator registry: one explicit table, sorted by code, no discovery by name.

Code families (three capitals, three digits; a retired code is never reused):

- ``SIT`` — the site as a whole: availability, channels, marks, domains.
- ``UPD`` — updates: home page, columns, blank columns, disclosure time limits.
- ``LNK`` — links: broken links on the home page and other pages.
- ``TXT`` — content: serious expression errors from the content checks.
- ``NMA`` — new-media accounts: updates, rhythm, interaction, registration.
- ``INT`` — interaction: unanswered citizen messages, failed test consultations.

Adding an indicator:

1. write ``<family>/<code>_<slug>.py`` with ``Params``, ``check`` and ``INDICATOR``
   and a docstring with the sections of ``base.DOC_SECTIONS``;
2. add one line below, in code order;
3. add ``tests/engine/checks/cases/<CODE>/`` with boundary cases;
4. add the code to the profiles that use it (or set ``enabled: false``);
5. run ``python -m govwatch.engine.checks.docgen`` to regenerate ``docs/indicators/``.
"""

from __future__ import annotations

import importlib
from functools import cache

from govwatch.engine.checks.base import AnyIndicator, Indicator

_PKG = "govwatch.engine.checks"

REGISTRY: tuple[tuple[str, str], ...] = (
    ("INT001", f"{_PKG}.interaction.int001_message_unanswered"),
    ("INT002", f"{_PKG}.interaction.int002_consultation_failed"),
    ("INT003", f"{_PKG}.interaction.int003_message_late_reply"),
    ("LNK001", f"{_PKG}.links.lnk001_home_page_broken_link"),
    ("LNK002", f"{_PKG}.links.lnk002_page_broken_link"),
    ("NMA001", f"{_PKG}.accounts.nma001_account_not_updated"),
    ("NMA002", f"{_PKG}.accounts.nma002_weekly_minimum"),
    ("NMA003", f"{_PKG}.accounts.nma003_posting_rhythm"),
    ("NMA004", f"{_PKG}.accounts.nma004_update_gap"),
    ("NMA005", f"{_PKG}.accounts.nma005_interaction_function_missing"),
    ("NMA006", f"{_PKG}.accounts.nma006_unregistered_account"),
    ("NMA007", f"{_PKG}.accounts.nma007_registry_mismatch"),
    ("SIT001", f"{_PKG}.site.sit001_site_unreachable"),
    ("SIT002", f"{_PKG}.site.sit002_consultation_channel_missing"),
    ("SIT003", f"{_PKG}.site.sit003_filing_marks_missing"),
    ("SIT004", f"{_PKG}.site.sit004_non_gov_domain"),
    ("TXT001", f"{_PKG}.text.txt001_serious_expression_error"),
    ("UPD001", f"{_PKG}.updates.upd001_home_page_not_updated"),
    ("UPD002", f"{_PKG}.updates.upd002_key_columns_not_updated"),
    ("UPD003", f"{_PKG}.updates.upd003_columns_long_not_updated"),
    ("UPD004", f"{_PKG}.updates.upd004_blank_columns"),
    ("UPD005", f"{_PKG}.updates.upd005_column_not_updated"),
    ("UPD006", f"{_PKG}.updates.upd006_disclosure_late"),
)

CODES: tuple[str, ...] = tuple(code for code, _ in REGISTRY)


class UnknownIndicatorError(KeyError):
    """Raised for a code that is not in the registry."""


@cache
def get(code: str) -> AnyIndicator:
    """The indicator registered under ``code`` (its module is imported on first use)."""
    for registered, dotted in REGISTRY:
        if registered == code:
            indicator = getattr(importlib.import_module(dotted), "INDICATOR", None)
            if not isinstance(indicator, Indicator):
                raise TypeError(f"{dotted} 未定义 INDICATOR")
            return indicator
    raise UnknownIndicatorError(code)


def all_indicators() -> list[AnyIndicator]:
    """Every registered indicator, in code order."""
    return [get(code) for code in CODES]
