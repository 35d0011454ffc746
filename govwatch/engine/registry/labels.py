"""Chinese labels of the registry's closed vocabularies, keyed by glossary identifiers.

The first label of each entry is the one written on export; the others are accepted on
import because the national registry exports and office spreadsheets spell them so.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

Labels = MappingProxyType[str, tuple[str, ...]]


def _labels(mapping: dict[str, tuple[str, ...]]) -> Labels:
    return MappingProxyType(mapping)


UNIT_LEVEL: Final = _labels(
    {
        "national": ("国家级", "中央"),
        "province": ("省级", "省"),
        "prefecture": ("地市级", "州级", "地级", "市州级"),
        "county": ("县级", "县区级", "区县级"),
        "township": ("乡镇级", "乡镇", "街道"),
        "other": ("其他",),
    }
)

UNIT_KIND: Final = _labels(
    {
        "government": ("政府", "人民政府", "行委", "管委会"),
        "department": ("部门", "政府部门"),
        "court_or_procuratorate": ("法院检察院", "法院", "检察院"),
        "enterprise": ("企业", "国有企业"),
        "other": ("其他",),
    }
)

SITE_KIND: Final = _labels(
    {
        "gov_portal": ("政府门户网站", "门户网站", "政府门户类网站"),
        "department_website": ("部门网站",),
        "other": ("其他",),
    }
)

SITE_STATUS: Final = _labels(
    {
        "running": ("正常运行", "运行", "正常"),
        "closed": ("已关停", "关停"),
        "exempt": ("例外",),
        "temporarily_closed": ("临时关停",),
    }
)

COLUMN_KIND: Final = _labels(
    {
        "news": ("动态要闻类", "动态类", "动态要闻"),
        "notice_policy": ("通知公告政策文件类", "通知公告类", "政策文件类"),
        "personnel_planning": ("人事规划类", "人事类", "规划计划类"),
        "interaction": ("互动交流类", "互动类"),
        "service": ("办事服务类", "服务类"),
        "other": ("其他",),
    }
)

PLATFORM: Final = _labels(
    {
        "wechat_official_account": ("微信公众号", "微信"),
        "wechat_subscription_account": ("微信订阅号",),
        "wechat_service_account": ("微信服务号",),
        "sina_weibo": ("新浪微博", "微博"),
        "douyin": ("抖音",),
        "toutiao": ("今日头条", "头条", "头条号"),
        "kuaishou": ("快手",),
        "bilibili": ("哔哩哔哩", "B站", "bilibili"),
        "mobile_app": ("移动客户端", "客户端", "APP", "App"),
        "other": ("其他",),
    }
)

ACCOUNT_STATUS: Final = _labels(
    {
        "running": ("正常运行", "运行", "正常"),
        "closed": ("已关停", "关停"),
        "deregistered": ("已注销", "注销"),
    }
)

INGESTION_SOURCE: Final = _labels(
    {
        "none": ("无",),
        "feed": ("订阅源", "RSS"),
        "export_file": ("导出文件",),
        "push": ("推送接口",),
    }
)


def label_of(labels: Labels, code: str) -> str:
    """The label written on export."""
    return labels[code][0]


def code_of(labels: Labels, label: str) -> str | None:
    """The code for a label as typed by a person (case and spaces forgiven), or None."""
    wanted = label.strip().replace(" ", "").casefold()
    for code, names in labels.items():
        if any(wanted == name.casefold() for name in names) or wanted == code:
            return code
    return None


def choices(labels: Labels) -> list[tuple[str, str]]:
    """Django-style choices, for the web layer."""
    return [(code, names[0]) for code, names in labels.items()]
