"""Small builders for registry tests: files written the way offices write them."""

from __future__ import annotations

from pathlib import Path

from govwatch.web.registry.models import Account, Column, Site, Unit, UnitAlias
from tests.helpers import rows_snapshot, write_workbook

UNIT_HEADERS = [
    "单位名称",
    "别名",
    "上级单位",
    "层级",
    "单位类型",
    "联系人",
    "联系电话",
    "电子邮箱",
]
SITE_HEADERS = [
    "网站标识码", "网站名称", "首页网址", "其他域名", "业务系统", "网站类型", "主办单位", "主管单位",
    "运行状态",
]  # fmt: skip
COLUMN_HEADERS = ["网站标识码", "栏目名称", "栏目地址", "栏目类型", "保障单位", "更新周期（天）"]
ACCOUNT_HEADERS = [
    "平台", "账号名称", "账号ID", "开设主体", "主管单位", "运行状态", "已在全国系统报送", "采集方式",
    "订阅源地址", "有互动功能",
]  # fmt: skip

BASE_UNITS = [
    ["青海省人民政府", "", "", "省级", "政府", "", "", ""],
    ["格尔木市人民政府", "市政府", "青海省人民政府", "县级", "政府", "", "", ""],
    ["格尔木市公安局", "市公安局", "格尔木市人民政府", "县级", "部门", "", "", ""],
    ["格尔木市人力资源和社会保障局", "市人社局；市人力资源和社会保障局", "格尔木市人民政府", "县级", "部门", "", "", ""],
    ["河南省人民政府", "", "", "省级", "政府", "", "", ""],
    ["开封市人民政府", "市政府", "河南省人民政府", "地市级", "政府", "", "", ""],
    ["开封市公安局", "市公安局", "开封市人民政府", "地市级", "部门", "李四", "0371-22222222", "ga@kaifeng.gov.cn"],
]  # fmt: skip

BASE_SITES = [
    ["6328010001", "格尔木市人民政府网", "http://www.geermu.gov.cn/", "geermu.gov.cn",
     "http://zwfw.geermu.gov.cn/", "政府门户网站", "格尔木市人民政府", "", "正常运行"],
    ["bm41000001", "开封市公安局网站", "https://gaj.kaifeng.gov.cn/", "", "", "部门网站",
     "开封市公安局", "开封市人民政府", "正常运行"],
]  # fmt: skip

BASE_COLUMNS = [
    ["6328010001", "本地要闻", "http://www.geermu.gov.cn/bdyw/", "动态要闻类", "格尔木市人民政府", ""],
    ["6328010001", "通知公告", "http://www.geermu.gov.cn/tzgg/", "通知公告政策文件类", "", "30"],
]  # fmt: skip

BASE_ACCOUNTS = [
    ["微信订阅号", "平安格尔木", "gh_0001", "格尔木市公安局", "格尔木市人民政府", "正常运行", "是", "", "", "是"],
    ["抖音", "开封市反诈骗中心", "", "开封市公安局", "", "正常运行", "否", "订阅源",
     "http://127.0.0.1:9/feed.xml", "否"],
]  # fmt: skip


def base_workbook(path: Path) -> Path:
    return write_workbook(
        path,
        {
            "单位": (UNIT_HEADERS, BASE_UNITS),
            "网站": (SITE_HEADERS, BASE_SITES),
            "栏目": (COLUMN_HEADERS, BASE_COLUMNS),
            "账号": (ACCOUNT_HEADERS, BASE_ACCOUNTS),
        },
    )


def snapshot() -> dict[str, list[tuple[tuple[str, str], ...]]]:
    return rows_snapshot(Unit, UnitAlias, Site, Column, Account, Column.responsible_units.through)
