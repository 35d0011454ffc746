"""The Chinese words users read for the engine's codes, defined once.

Models (choices), the command line, reports and pages all take their labels from here,
so a severity is never 单项否决 on one screen and 否决 on another.
"""

from __future__ import annotations

SEVERITY_ZH: dict[str, str] = {
    "veto": "单项否决",
    "deduction": "扣分",
    "warning": "预警",
    "info": "提示",
}

VERDICT_ZH: dict[str, str] = {"qualified": "合格", "unqualified": "不合格", "unknown": "无法判定"}

LINK_OUTCOME_ZH: dict[str, str] = {
    "ok": "正常",
    "broken": "链接失效",
    "server_error": "服务器错误",
    "timeout": "访问超时",
    "blocked": "疑似拦截",
    "redirect_loop": "循环跳转",
    "unsupported": "不支持的链接",
}

PROBE_OUTCOME_ZH: dict[str, str] = {
    "ok": "正常",
    "timeout": "超时（15秒未打开）",
    "dns": "域名解析失败",
    "refused": "拒绝连接",
    "tls": "证书或加密错误",
    "server_error": "服务器错误（5xx）",
    "blocked": "疑似拦截",
    "error": "其他错误",
}

# The marks SIT003 looks for at the foot of a home page.
FILING_MARK_ZH: dict[str, str] = {
    "site_code": "网站标识码",
    "icp": "ICP备案编号",
    "police_filing": "公安机关备案号",
    "party_gov_mark": "党政机关网站标识",
}

# The platforms of the account checks' observations.
ACCOUNT_PLATFORM_ZH: dict[str, str] = {
    "wechat": "微信公众号",
    "weibo": "新浪微博",
    "douyin": "抖音",
    "toutiao": "头条",
    "app": "移动客户端",
    "other": "其他平台",
}

FINDING_STATE_ZH: dict[str, str] = {
    "open": "待确认",
    "confirmed": "已确认",
    "dismissed": "已排除",
    "waived": "已豁免",
}


def choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    """Django-style choices from one of the tables above, in table order."""
    return list(labels.items())
