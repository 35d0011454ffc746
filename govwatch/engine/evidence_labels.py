"""How evidence reads in Chinese: the keys the checks write into a finding's evidence, the
coded values among them, and a scan's statistics. One table for every page that shows
evidence (the workspace's viewer and item pages, the admin), so they cannot drift."""

from __future__ import annotations

import re
from typing import Final

from govwatch.engine.labels import (
    ACCOUNT_PLATFORM_ZH,
    FILING_MARK_ZH,
    LINK_OUTCOME_ZH,
    PROBE_OUTCOME_ZH,
)
from govwatch.engine.newmedia.health import FETCH_ERROR_ZH
from govwatch.engine.registry.labels import COLUMN_KIND

# Evidence keys as a reader knows them; any other key is shown as the engine wrote it.
EVIDENCE_ZH: Final[dict[str, str]] = {
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
    "anchor": "链接文字",
    "units": "扣分单位数",
    "kind": "类型",
    "mark": "缺少的标识",
    "host": "域名",
    "business_system": "业务系统",
    "site_code": "网站标识码",
    "consultation_channel": "咨询建言渠道",
    "days_since_post": "距最近发布（天）",
    "last_post": "最近发布",
    "posts_in_window": "周期内发布数",
    "min_posts": "最少发布数",
    "probes": "探测次数",
    "failed": "失败次数",
    "fail_ratio": "失败比例",
    "timeout_s": "超时（秒）",
    "field": "不一致项",
    "registered": "登记为",
    "seen": "实际为",
    "name": "名称",
    "days": "天数",
    "days_left": "剩余天数",
    "from": "起",
    "to": "止",
    "open": "未办结",
    "test_id": "测试编号",
    "bucket": "答复分档",
    "stale_columns": "未更新栏目",
    "stale_count": "未更新栏目数",
    "blank_columns": "空白栏目",
    "blank_count": "空白栏目数",
    "unknown_columns": "无法获取的栏目",
}
# Evidence keys shown in a form of their own rather than as a row (the excerpt is drawn
# around the hit, see evidence_excerpt).
EVIDENCE_SHOWN_APART = frozenset({"excerpt"})
# A scan's statistics (engine.crawl.models.ScanStats) as a reader says them, in this order.
SCAN_STATS_ZH: Final[dict[str, str]] = {
    "pages_fetched": "抓取页面",
    "pages_parsed": "解析页面",
    "pages_not_modified": "未修改（304）",
    "pages_unchanged": "内容未变化",
    "pages_resumed": "续扫沿用",
    "requests": "请求",
    "links_checked": "检查链接",
    "external_checked": "其中外部链接",
    "attachments_text_checked": "检查附件文本",
    "trap_skipped": "跳过重复陷阱链接",
}
# Evidence values that are codes, by key: shown in the words of the engine's label tables.
EVIDENCE_VALUES_ZH: dict[str, dict[str, str]] = {
    "outcome": LINK_OUTCOME_ZH,
    "mark": FILING_MARK_ZH,
    "platform": ACCOUNT_PLATFORM_ZH,
    "kind": {code: labels[0] for code, labels in COLUMN_KIND.items()},
    "state": {"unknown": "未知"},
    "field": {"name": "账号名称", "owner": "开设主体"},
}


def reason_zh(reason: str) -> str:
    """The engine's short reasons of a fetch, link check or probe (「http 404」, 「waf
    challenge (http 521)」, 「refused」, a feed error code) in words; anything else as is."""
    if match := re.fullmatch(r"http (\d+)", reason):
        return f"HTTP 状态码 {match[1]}"
    if match := re.fullmatch(r"waf challenge \(http (\d+)\)", reason):
        return f"防火墙人机验证页（HTTP 状态码 {match[1]}）"
    return PROBE_OUTCOME_ZH.get(reason) or FETCH_ERROR_ZH.get(reason) or reason
