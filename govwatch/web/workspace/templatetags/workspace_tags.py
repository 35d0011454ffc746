"""Template helpers of the workspace: who is logged in (for the top bar), Chinese labels
for the codes the models keep without choices, working days in words, and evidence as
readable rows with its addresses as links."""

from __future__ import annotations

import json
from typing import Any

from django import template

from govwatch.engine.labels import SEVERITY_ZH
from govwatch.web.registry.models import Unit
from govwatch.web.tickets.services import ACTION_ZH
from govwatch.web.users.models import ROLE_ZH
from govwatch.web.users.selectors import scope_of

register = template.Library()

# Evidence keys as a reader knows them; any other key is shown as the engine wrote it.
EVIDENCE_ZH = {
    "url": "网址",
    "urls": "网址",
    "page_url": "页面",
    "link": "链接",
    "column": "栏目",
    "text": "原文",
    "suggestion": "应为",
    "rule": "规则",
    "problem_type": "问题类型",
    "newest_date": "最近更新",
    "window": "统计周期",
    "window_days": "统计周期（天）",
    "threshold": "阈值",
    "platform": "平台",
    "account_name": "账号",
    "message_id": "留言编号",
    "box": "信箱",
    "received": "收到时间",
    "answered": "答复时间",
    "limit": "答复期限",
    "working_days": "工作日数",
    "published_on": "发布日期",
    "state": "状态",
    "status": "状态码",
    "outcome": "结果",
}
MAX_EVIDENCE_KEYS = 12
MAX_LIST_VALUES = 10
MAX_TEXT = 300


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
    for key, value in list(evidence.items())[:MAX_EVIDENCE_KEYS]:
        values = value if isinstance(value, list) else [value]
        parts = [_part(v) for v in values[:MAX_LIST_VALUES]]
        if isinstance(value, list) and len(value) > MAX_LIST_VALUES:
            parts.append({"text": f"等共{len(value)}项", "href": None})
        rows.append({"label": EVIDENCE_ZH.get(key, key), "parts": parts})
    return rows
