"""An office's bulletin template (YAML, templates/bulletin.yaml): its standing parts.

What changes with every issue (issuer, 文号, dates, deadline) is filled in by
bulletin_issue.issued; the shipped template therefore carries no date and no placeholder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from pathlib import Path

import yaml

from govwatch.engine.interaction.rates import RoundingMode

DEFAULT_TEMPLATE = Path(__file__).with_name("templates") / "bulletin.yaml"


@dataclass(frozen=True)
class BulletinTemplate:
    """An office's standing parts. ``{issuer}``, ``{period}`` and ``{area}`` (全省/全市…) in
    the texts are filled per issue (bulletin_issue.issued); an empty letterhead or signature
    means the issuer."""

    letterhead: str = ""
    doc_number: str = ""
    title: str = ""
    addressee: str = ""
    signature: str = ""
    date_zh: str = ""
    contacts: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    rectification_deadline_zh: str = ""
    rate_decimals: int = 2
    rate_mode: RoundingMode = "half_up"
    preamble: str = ""
    issuer: str = ""
    # 文号 pattern and 机关代字, e.g. "{abbr}〔{year}〕{n}号" and "示政办函".
    doc_number_pattern: str = ""
    doc_abbr: str = ""
    # The deadline is the issue date plus this many official working days ...
    rectification_working_days: int = 10
    # ... unless the office fixes the date (or the issue date) itself.
    rectification_deadline: dt.date | None = None
    issue_date: dt.date | None = None
    # Where units send their rectification reports (default: the issuer).
    rectification_to: str = ""
    area: str = ""


def _date(value: object, key: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"模板 {key} 应为日期（如 2024-07-25），实际为 {value}") from None


def _lines(value: object) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)  # type: ignore[attr-defined]


def load_template(path: Path = DEFAULT_TEMPLATE, **changes: object) -> BulletinTemplate:
    """Read an office's template; ``changes`` fill per-issue fields (doc_number, issuer…)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"模板 {path.name} 应为键值格式")
    values: dict[str, object] = {**raw, **changes}
    unknown = set(values) - {f.name for f in fields(BulletinTemplate)}
    if unknown:
        raise ValueError(f"模板 {path.name} 含未知字段：{'、'.join(sorted(unknown))}")
    mode = str(values.get("rate_mode", "half_up"))
    if mode not in ("half_up", "truncate"):
        raise ValueError(f"模板 rate_mode 应为 half_up 或 truncate，实际为 {mode}")

    def string(key: str) -> str:
        value = values.get(key)
        return "" if value is None else str(value)

    return BulletinTemplate(
        letterhead=string("letterhead"),
        doc_number=string("doc_number"),
        title=string("title"),
        addressee=string("addressee"),
        signature=string("signature"),
        date_zh=string("date_zh"),
        contacts=_lines(values.get("contacts")),
        requirements=_lines(values.get("requirements")),
        rectification_deadline_zh=string("rectification_deadline_zh"),
        rate_decimals=int(str(values.get("rate_decimals", 2))),
        rate_mode="truncate" if mode == "truncate" else "half_up",
        preamble=string("preamble"),
        issuer=string("issuer"),
        doc_number_pattern=string("doc_number_pattern"),
        doc_abbr=string("doc_abbr"),
        rectification_working_days=int(str(values.get("rectification_working_days", 10))),
        rectification_deadline=_date(
            values.get("rectification_deadline"), "rectification_deadline"
        ),
        issue_date=_date(values.get("issue_date"), "issue_date"),
        rectification_to=string("rectification_to"),
        area=string("area"),
    )
