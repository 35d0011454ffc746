"""Template helpers of the workspace: who is logged in (for the top bar), Chinese labels
for the codes the models keep without choices, working days in words, and evidence as
readable rows with its addresses as links."""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from django import template
from django.http import QueryDict

from govwatch.engine.evidence_labels import (
    EVIDENCE_SHOWN_APART,
    EVIDENCE_VALUES_ZH,
    EVIDENCE_ZH,
    SCAN_STATS_ZH,
    reason_zh,
)
from govwatch.engine.labels import (
    SEVERITY_ZH,
)
from govwatch.web.config.engine import profile_load
from govwatch.web.registry.models import Unit
from govwatch.web.tickets.services import ACTION_ZH
from govwatch.web.users.models import ROLE_ZH
from govwatch.web.users.selectors import scope_of

register = template.Library()

MAX_EVIDENCE_KEYS = 12
MAX_LIST_VALUES = 10
MAX_TEXT = 300
# An excerpt side longer than this is cut (the engine keeps 60; old or foreign rows may not).
MAX_EXCERPT_SIDE = 120


@register.simple_tag(takes_context=True)
def account_info(context: dict[str, Any]) -> dict[str, Any]:
    """The top bar's name, role and unit of the logged-in user (empty when logged out)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    unit = Unit.objects.filter(pk=scope.unit_id).values_list("name", flat=True).first()
    return {
        "name": user.get_full_name() or user.get_username(),
        "role": scope.role,
        "role_zh": ROLE_ZH.get(scope.role, "未分配角色"),
        "unit": unit or "",
        "work_side": scope.role in ("supervisor", "reader", "admin"),
        "portal_side": scope.role == "unit_operator",
        # The admin lets administrators in only (config/admin.py): no link for anyone else.
        "staff": user.is_staff and scope.role == "admin",
    }


@register.filter
def indicator_zh(code: str) -> str:
    """The indicator's Chinese title (what the problem list's item copies), else the code."""
    from govwatch.engine.checks import registry

    try:
        return registry.get(code).title_zh
    except KeyError:
        return ""


@register.filter
def severity_zh(code: str) -> str:
    return SEVERITY_ZH.get(code, code)


@register.filter
def action_zh(code: str) -> str:
    return ACTION_ZH.get(code, code)


@register.filter
def days_left_zh(days: int | None) -> str:
    """working_days_left in words: 剩余3个工作日, 已逾期2个工作日."""
    if days is None:
        return "工作日无法计算（缺少该年节假日安排）"
    if days < 0:
        return f"已逾期{-days}个工作日"
    return f"剩余{days}个工作日"


@register.filter(name="is_web_url")
def _is_url(value: Any) -> bool:
    # Only web addresses become links: never javascript: or data: from evidence text.
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def _part(value: Any) -> dict[str, Any]:
    if _is_url(value):
        return {"text": value[:MAX_TEXT], "href": value}
    if isinstance(value, bool):
        return {"text": "是" if value else "否", "href": None}
    if value is None:
        return {"text": "—", "href": None}
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return {"text": text[:MAX_TEXT] + ("…" if len(text) > MAX_TEXT else ""), "href": None}


@register.filter
def evidence_rows(evidence: Any) -> list[dict[str, Any]]:
    """The evidence as (label, parts) rows; a list is shown element by element, cut short."""
    if not isinstance(evidence, dict):
        return [{"label": "证据", "parts": [_part(evidence)]}] if evidence else []
    rows = []
    shown = [(k, v) for k, v in evidence.items() if k not in EVIDENCE_SHOWN_APART]
    for key, value in shown[:MAX_EVIDENCE_KEYS]:
        values = value if isinstance(value, list) else [value]
        words = EVIDENCE_VALUES_ZH.get(key, {})
        parts = [
            _part(_value_zh(key, v, words) if isinstance(v, str) else v)
            for v in values[:MAX_LIST_VALUES]
        ]
        if isinstance(value, list) and len(value) > MAX_LIST_VALUES:
            parts.append({"text": f"等共{len(value)}项", "href": None})
        rows.append({"label": EVIDENCE_ZH.get(key, key), "parts": parts})
    return rows


def _value_zh(key: str, value: str, words: dict[str, str]) -> str:
    # A reason is the engine's short code (「http 404」, 「refused」): in words, as the admin.
    return reason_zh(value) if key == "reason" else words.get(value, value)


@register.filter(name="reason_zh")
def reason_zh_filter(reason: str) -> str:
    """A fetch, link or probe reason in words (engine/evidence_labels.reason_zh)."""
    return reason_zh(reason) if reason else reason


@register.filter
def profile_name(profile: str) -> str:
    """An inspection's profile as a reader names it: its Chinese title (国办秘函〔2019〕19号
    政府网站与政务新媒体检查指标), not its identifier or the absolute path a profile file is
    kept by; the file's name when the profile can no longer be read."""
    try:
        return profile_load(profile).title_zh or _profile_stem(profile)
    except Exception:
        return _profile_stem(profile)


def _profile_stem(profile: str) -> str:
    return PurePath(profile).stem if profile.endswith((".yaml", ".yml")) else profile


@register.filter
def evidence_excerpt(evidence: Any) -> dict[str, Any] | None:
    """The text around a content hit as {before, hit, after, cut_before, cut_after}, for a
    page to draw with the hit marked; None when the evidence keeps no excerpt. The parts are
    plain strings: the template escapes them like any other text."""
    if not isinstance(evidence, dict):
        return None
    sides, hit = evidence.get("excerpt"), evidence.get("text")
    if not isinstance(sides, dict) or not isinstance(hit, str) or not hit:
        return None
    before, after = sides.get("before", ""), sides.get("after", "")
    if not isinstance(before, str) or not isinstance(after, str):
        return None
    return excerpt_parts(before, hit, after)


def excerpt_parts(before: str, hit: str, after: str) -> dict[str, Any]:
    """The parts an excerpt is drawn from, each side bounded."""
    return {
        "before": before[-MAX_EXCERPT_SIDE:],
        "hit": hit[:MAX_TEXT],
        "after": after[:MAX_EXCERPT_SIDE],
        "cut_before": bool(before),
        "cut_after": bool(after),
    }


@register.filter
def scan_stats_zh(stats: Any) -> list[str]:
    """A scan's statistics as short Chinese phrases (抓取页面 12, 耗时 3.4 秒); counts of
    zero are left out, keys this page does not know are shown as stored."""
    if not isinstance(stats, dict):
        return []
    phrases = [f"{label} {stats[key]}" for key, label in SCAN_STATS_ZH.items() if stats.get(key)]
    elapsed = stats.get("elapsed")
    if isinstance(elapsed, int | float) and elapsed > 0:
        phrases.append(f"耗时 {elapsed:.1f} 秒")
    if stats.get("state_reset"):
        phrases.append(f"续扫状态已重置：{stats['state_reset']}")
    known = {*SCAN_STATS_ZH, "elapsed", "state_reset"}
    phrases += [f"{key} {value}" for key, value in stats.items() if key not in known and value]
    return phrases


@register.simple_tag(takes_context=True)
def page_query(context: dict[str, Any], param: str, number: int) -> str:
    """The current query string with PARAM set to NUMBER (the other filters and tables'
    pages kept): a page with several paginated tables pages each on its own."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query[param] = str(number)
    return "?" + query.urlencode()
