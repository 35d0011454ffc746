"""How a bulletin names what it found, in the words of the seed bulletins (003, 004).

Sites: “陕西省人民政府国有资产监督管理委员会”网“重大项目和意见征集”栏目内容长期未更新 (site
in quotes with 网, the column in quotes with 栏目, then the problem). Accounts: 陕西省地方金融
管理局“陕西金融”微信订阅号内容更新不及时 (unit, account in quotes, platform, problem). A wrong
expression names the article (《title》) and where it was published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from govwatch.engine.reports.records import Record, text


@dataclass(frozen=True)
class WordingExample:
    """A wrong expression found in published content, with its correction.

    ``where`` is the place as printed when the caller has composed it already (older
    callers); otherwise ``site``/``column`` or ``account``/``platform`` name it.
    """

    unit: str
    where: str
    wrong: str
    correct: str
    article: str = ""  # the title of the page or post that carries it
    column: str = ""
    site: str = ""
    account: str = ""
    platform: str = ""
    attachment: str = ""  # the file name when it was found in an attached document


@dataclass(frozen=True)
class SiteProblem:
    """One problem of one site, where it was found: a column, 首页, or the site as a whole."""

    site: str
    problem: str
    column: str = ""  # "" for the site as a whole; "首页" for the home page


# Labels that name the site itself ("站点无法访问") read "…”网无法访问".
_SITE_PREFIXES = ("站点",)
# Labels that start with where they are ("首页不可用链接") read "…”网首页存在不可用链接".
_PLACES = ("首页", "其他页面", "栏目")
# Labels that are a noun ("严重表述错误") read "…存在严重表述错误".
_NOUN_ENDINGS = ("链接", "错误", "错别字", "敏感词", "隐私信息")


def _problem_phrase(problem: str) -> str:
    for prefix in _SITE_PREFIXES:
        if problem.startswith(prefix) and len(problem) > len(prefix):
            return problem[len(prefix) :]
    place = next((p for p in _PLACES if problem.startswith(p)), "")
    rest = problem[len(place) :]
    if rest.endswith(_NOUN_ENDINGS) and not rest.startswith(("存在", "有")):
        return f"{place}存在{rest}"
    return problem


def _column_phrase(columns: list[str], problem: str) -> str:
    """“甲”“乙”栏目更新不及时: the columns with one problem named together."""
    phrase = _problem_phrase(problem).removeprefix("栏目")
    return "".join(f"“{c.removesuffix('栏目')}”" for c in columns) + f"栏目{phrase}"


def site_phrase(site: str, column: str, problem: str) -> str:
    """“site”网“column”栏目problem (a column), “site”网首页… or “site”网problem."""
    if column and column != "首页":
        return f"“{site}”网{_column_phrase([column], problem)}"
    phrase = _problem_phrase(problem)
    if column == "首页" and not phrase.startswith("首页"):
        return f"“{site}”网首页{phrase}"
    return f"“{site}”网{phrase}"


def sites_sentence(problems: Sequence[SiteProblem]) -> str:
    """Per site, the site named once and its problems in order, the columns with the same
    problem together: “甲”网“乙”“丙”栏目更新不及时，首页存在不可用链接；“丁”网无法访问."""
    by_site: dict[str, dict[str, list[str]]] = {}
    for item in problems:
        parts = by_site.setdefault(item.site, {})
        if item.column and item.column != "首页":
            columns = parts.setdefault(f"column:{item.problem}", [])
            if item.column not in columns:
                columns.append(item.column)
        else:
            phrase = site_phrase(item.site, item.column, item.problem)
            parts.setdefault(phrase.removeprefix(f"“{item.site}”网"), [])
    sentences = []
    for site, parts in by_site.items():
        phrases = [
            _column_phrase(columns, key.removeprefix("column:"))
            if key.startswith("column:")
            else key
            for key, columns in parts.items()
        ]
        joined = "，".join(phrases)
        # "网站标识缺失" names the site mark: “甲”网站标识缺失, not “甲”网网站标识缺失.
        sentences.append(
            f"“{site}”{joined}" if joined.startswith("网站") else f"“{site}”网{joined}"
        )
    return "；".join(sentences)


def site_problems_from_rows(rows: Sequence[Record]) -> list[SiteProblem]:
    """Rows of the problem-site tables (columns and problems joined) as SiteProblems."""
    problems: list[SiteProblem] = []
    for row in rows:
        columns = [c for c in text(row, "column_name").split("、") if c]
        labels = [p for p in text(row, "problem_type").split("、") if p]
        column = columns[0] if len(columns) == 1 else ""
        problems.extend(SiteProblem(text(row, "site_name"), label, column) for label in labels)
    return problems


def account_phrase(row: Record) -> str:
    """陕西省地方金融管理局“陕西金融”微信订阅号 (the unit left out when it is the name)."""
    unit, name = text(row, "supervising_unit"), text(row, "account_name")
    owner = unit if unit and unit != name else ""
    return f"{owner}“{name}”{text(row, 'platform')}"


def accounts_sentence(rows: Sequence[Record]) -> str:
    return "；".join(f"{account_phrase(r)}{text(r, 'problem_type')}" for r in rows)


def wording_phrase(example: WordingExample) -> str:
    """兰考县“兰考发布”微信公众号《…》一文将“国务院办公厅”错写为“国务院办公室”."""
    if example.site:
        column = f"“{example.column}”栏目" if example.column not in ("", "首页") else example.column
        where = f"“{example.site}”网{column}"
    elif example.account:
        where = f"“{example.account}”{example.platform}"
    else:
        where = example.where
    owner = (
        example.unit if example.unit and example.unit not in (example.site, example.account) else ""
    )
    article = f"发布的《{example.article}》一文" if example.article else ""
    if not article and example.attachment:
        article = f"发布的附件“{example.attachment}”"
    return f"{owner}{where}{article}将“{example.correct}”错写为“{example.wrong}”"
