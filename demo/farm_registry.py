"""Registry rows for the demo farm's sites and accounts, in the import format of
docs/registry_format.md."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from demo.farm.feeds import registry_rows

# The farm's column kinds are finer than the registry's update-window classes.
FARM_KIND = {
    "news": "动态要闻类",
    "notice": "通知公告政策文件类",
    "policy": "通知公告政策文件类",
    "personnel": "人事规划类",
    "topic": "其他",
}
FARM_UNIT = "示范省人民政府"
FARM_CODES = {"dm1": "9900000001", "dm2": "9900000002", "dm3": "9900000003"}
FARM_CODES |= {"dm4": "9900000004", "dm5": "9900000005", "dm6": "9900000006"}


def site_code(farm_code: str) -> str:
    """Registry site codes must be 10 digits; the farm names its sites dm1…dm6."""
    return FARM_CODES.get(farm_code, farm_code)


def write_farm_registry(sites: list[dict[str, Any]], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    units = [["单位名称", "别名", "上级单位", "层级", "单位类型"]]
    units.append([FARM_UNIT, "", "", "省级", "政府"])
    rows = [["网站标识码", "网站名称", "首页网址", "网站类型", "主办单位", "运行状态"]]
    columns = [["网站标识码", "栏目名称", "栏目地址", "栏目类型"]]
    for site in sites:
        code = site_code(site["code"])
        units.append([site["name"], "", FARM_UNIT, "县级", "政府"])
        rows.append(
            [code, site["name"], site["home_url"], "政府门户网站", site["name"], "正常运行"]
        )
        for name, url, kind in site["columns"]:
            columns.append([code, name, url, FARM_KIND.get(kind, "其他")])
    accounts = registry_rows(FARM_UNIT)
    paths = []
    tables = (("units", units), ("sites", rows), ("columns", columns), ("accounts", accounts))
    for name, table in tables:
        path = folder / f"farm_{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(table)
        paths.append(path)
    return paths
