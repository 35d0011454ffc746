"""HTML templates shared by the demo farm and the big static farm (TRS-like gov markup)."""

from __future__ import annotations

from datetime import date
from html import escape

_DATE_SHAPES = {
    "iso": "{d:%Y-%m-%d}",
    "cn": "{d.year}年{d.month}月{d.day}日",
    "slash": "{d.year}/{d.month}/{d.day}",
    "dot": "{d:%Y.%m.%d}",
    "bracket": "[{d:%m-%d}]",
    "short": "{d:%m-%d}",
    "published": "发布时间：{d:%Y-%m-%d}",
}


def show_date(day: date, shape: str) -> str:
    """A date as government list pages print it."""
    return _DATE_SHAPES[shape].format(d=day)


def page(
    *,
    title: str,
    charset: str,
    meta: dict[str, str],
    nav: list[tuple[str, str]],
    body: str,
    footer: str,
    extra_head: str = "",
) -> str:
    metas = "".join(f'<meta name="{escape(k)}" content="{escape(v)}">\n' for k, v in meta.items())
    nav_html = "".join(f'<li><a href="{escape(u)}">{escape(t)}</a></li>' for u, t in nav)
    return (
        "<!DOCTYPE html>\n<html><head>\n"
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
        f"<title>{escape(title)}</title>\n{metas}{extra_head}</head>\n<body>\n"
        '<div class="header"><div class="logo">'
        f"{escape(meta.get('SiteName', ''))}</div>"
        '<div class="top-links"><a href="/">首页</a></div></div>\n'
        f'<div class="nav"><ul>{nav_html}</ul></div>\n'
        f'<div class="main">{body}</div>\n'
        f'<div class="footer">{footer}</div>\n</body></html>\n'
    )


def item_list(items: list[tuple[str, str, str]]) -> str:
    """items: (href, title, shown date or "")."""
    rows = "".join(
        f'<li><a href="{escape(h)}" title="{escape(t)}" target="_blank">{escape(t)}</a>'
        + (f'<span class="date">{escape(d)}</span>' if d else "")
        + "</li>\n"
        for h, t, d in items
    )
    return f'<div class="list"><ul>\n{rows}</ul></div>'


def item_blocks(items: list[tuple[str, str, str]], size: int = 5) -> str:
    """A TRS list: blocks of SIZE li, one ul per block, each in its own div (a person
    counts every item; a parser that keeps one ul sees five)."""
    blocks = "".join(
        f'<div class="list-block">{item_list(items[start : start + size])}</div>\n'
        for start in range(0, len(items), size)
    )
    return f'<div class="news-list">{blocks}</div>'


def sidebar(links: list[tuple[str, str]]) -> str:
    rows = "".join(f'<li><a href="{escape(u)}">{escape(t)}</a></li>' for u, t in links)
    return f'<div class="side"><h3>栏目导航</h3><ul>{rows}</ul></div>'


def crumb(column_url: str, column_name: str) -> str:
    return (
        '<div class="position">当前位置：<a href="/">首页</a> &gt; '
        f'<a href="{escape(column_url)}">{escape(column_name)}</a></div>'
    )
