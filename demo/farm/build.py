"""The small demo farm: six gov-like sites with planted defects (one of them fixable while
the farm runs), and its truth file.

Everything is derived from the seed (titles, counts, dates, which article carries which
defect), so a farm and its truth can be rebuilt anywhere. The truth lists exactly what a
correct scan reports: every non-ok link occurrence, every column's newest date and item
count, the site facts that are planted to be missing, and which sites are unavailable.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from demo.farm import html as H

SCAN_DATE = date(2024, 7, 1)
# The farm server's control paths (on its own address only): POST …fix/<site code>.
CONTROL_PREFIX = "/__farm__/"
PAGE_SIZE = 15
_WORDS = [
    "关于",
    "开展",
    "做好",
    "全市",
    "2024年",
    "安全生产",
    "乡村振兴",
    "营商环境",
    "政务公开",
    "专项",
    "工作",
    "检查",
    "通知",
    "公告",
    "实施方案",
    "会议",
    "召开",
    "推进",
    "部署",
    "落实",
    "高质量发展",
    "民生",
    "实事",
    "项目",
    "建设",
    "情况",
    "公示",
    "征求意见",
]


@dataclass(frozen=True)
class FarmPage:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200


@dataclass
class FarmHost:
    host: str
    pages: dict[str, FarmPage] = field(default_factory=dict)
    delay: float = 0.0  # seconds before every answer (the slow site)
    unreachable: bool = False  # nothing listens (the unreachable site)
    default_status: int = 404  # answer for unknown paths (403/429 hosts answer everything so)
    # Every Nth request for the home page answers 503 (the flaky site: a probe round sees
    # 1 in N fail; a crawl retries the 503 and never notices). 0: never.
    home_fail_every: int = 0
    # The pages as they are once the site's planted defect is fixed (the fixable site):
    # served instead of ``pages`` after FarmServer.fix (POST /__farm__/fix/<site code>).
    fixed_pages: dict[str, FarmPage] = field(default_factory=dict)


@dataclass
class Farm:
    seed: int
    scan_date: date
    hosts: dict[str, FarmHost]
    sites: list[dict[str, Any]]  # SiteSpec fields as plain data
    truth: dict[str, Any]
    # Site code -> host name of the sites whose planted defect can be fixed while the farm
    # runs (see FarmServer.fix); truth["fixes"] says what the fix removes.
    fixable: dict[str, str] = field(default_factory=dict)


@dataclass
class _Column:
    path: str
    name: str
    kind: str
    registered: bool
    count: int  # 0 = blank column
    newest_age: int  # days before the scan date
    shape: str
    undated: bool = False  # no date anywhere: not in the list, not in the article
    pager: str = "script"  # "script" (createPageHTML), "links", or "trs" (see below)
    list_dates: bool = True  # False: the list shows titles only, the article its date
    cms_urls: bool = True  # item URLs carry yyyymm (TRS style)
    in_nav: bool = True


def _title(rng: random.Random) -> str:
    return "".join(rng.sample(_WORDS, 4))


class _SiteBuilder:
    def __init__(self, rng: random.Random, code: str, host: str, name: str, gbk: bool) -> None:
        self.rng = rng
        self.code = code
        self.host = host
        self.name = name
        self.gbk = gbk
        self.charset = "gb2312" if gbk else "utf-8"
        self.farm_host = FarmHost(host)
        self.columns: list[_Column] = []
        self.truth_columns: dict[str, dict[str, Any]] = {}
        self.bad_links: list[dict[str, Any]] = []
        self.text_errors: list[dict[str, str]] = []  # planted wrong expressions
        self.articles: list[str] = []
        self.home_items: list[tuple[str, str, date]] = []
        self.footer_id = True
        self.meta_id = True
        self.icp_record = True
        self.interaction = True
        self.extra_home: list[tuple[str, str]] = []

    @property
    def home(self) -> str:
        return f"http://{self.host}/"

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def add(self, path: str, text: str, status: int = 200) -> None:
        if self.gbk:
            # No charset in the header: the scanner must find gb2312 in the meta tag.
            body, ctype = text.encode("gb18030"), "text/html"
        else:
            body, ctype = text.encode("utf-8"), "text/html; charset=utf-8"
        self.farm_host.pages[path] = FarmPage(body, ctype, status)

    def add_file(
        self, path: str, content_type: str = "application/pdf", text: str = "附件名单。"
    ) -> None:
        self.farm_host.pages[path] = FarmPage(minimal_pdf(text), content_type)

    def plant(self, page_path: str, url: str, outcome: str, anchor: str) -> None:
        self.bad_links.append(
            {
                "page_url": self.url(page_path),
                "url": url,
                "outcome": outcome,
                "anchor_text": anchor,
                "on_home": page_path == "/",
            }
        )

    def plant_wording(self, page_path: str, sentence: str, wrong: str, correct: str) -> None:
        """A paragraph with a wrong official expression, for the content checks to find."""
        self.inject(page_path, f"<p>{sentence}</p>")
        self.text_errors.append(
            {"page_url": self.url(page_path), "wrong": wrong, "correct": correct}
        )

    def plant_attachment_wording(
        self, page_path: str, file_path: str, sentence: str, wrong: str, correct: str
    ) -> None:
        """A pdf attachment whose text has a wrong expression: the hit's URL is the file."""
        self.add_file(file_path, text=sentence)
        self.inject(page_path, f'<p>附件：<a href="{file_path}">实施细则.pdf</a></p>')
        self.text_errors.append(
            {
                "page_url": self.url(file_path),
                "wrong": wrong,
                "correct": correct,
                "linked_from": self.url(page_path),
            }
        )

    def nav(self) -> list[tuple[str, str]]:
        return [(c.path, c.name) for c in self.columns if c.in_nav]

    def meta(self, **extra: str) -> dict[str, str]:
        meta = {"SiteName": self.name, "SiteDomain": self.host}
        if self.meta_id:
            meta["SiteIDCode"] = self.site_id
        meta.update(extra)
        return meta

    @property
    def site_id(self) -> str:
        return str(4400000000 + int(hashlib.sha1(self.code.encode()).hexdigest()[:6], 16) % 99999)

    def footer(self) -> str:
        parts = [f"主办单位：{self.name}办公室", "联系电话：0371-12345678"]
        if self.footer_id:
            parts.append(f"网站标识码：{self.site_id}")
        if self.icp_record:
            parts.append("豫ICP备12345678号-1")
        parts.append("豫公网安备 41010502000123号")
        mark = (
            '<a href="http://bszs.conac.cn/sitename?id=1">'
            '<img src="/images/dzjg.png" alt="党政机关"></a>'
        )
        links = '<a href="/about/lxwm.html">联系我们</a> <a href="/about/wzdt.html">网站地图</a>'
        return f"<p>{' | '.join(parts)}</p><p>{links}</p>{mark}"

    def shell(self, title: str, body: str, **meta: str) -> str:
        return H.page(
            title=f"{title}_{self.name}",
            charset=self.charset,
            meta=self.meta(**meta),
            nav=self.nav(),
            body=body,
            footer=self.footer(),
        )

    def build_column(self, col: _Column) -> None:
        rng = self.rng
        items: list[tuple[str, str, date | None]] = []
        day = SCAN_DATE - timedelta(days=col.newest_age)
        for number in range(col.count):
            stamp = day.strftime("%Y%m")
            serial = 1000 + len(self.articles)
            if col.cms_urls:
                href = f"{col.path}{stamp}/t{day:%Y%m%d}_{serial}.html"
            else:
                href = f"{col.path}art_{serial}.html"
            title = f"{_title(rng)}（{number + 1}）"
            items.append((href, title, None if col.undated else day))
            self.articles.append(href)
            self.add_article(col, href, title, None if col.undated else day)
            day -= timedelta(days=rng.randint(1, 9))
        pages = max(1, -(-len(items) // PAGE_SIZE))
        side = H.sidebar([(c.path, c.name) for c in self.columns if c.path != col.path][:6])
        for index in range(pages):
            chunk = items[index * PAGE_SIZE : (index + 1) * PAGE_SIZE]
            shown = [
                (h, t, H.show_date(d, col.shape) if d and col.list_dates else "")
                for h, t, d in chunk
            ]
            body = H.crumb(col.path, col.name) + side
            if not chunk:
                body += '<div class="list"><p>暂无信息</p></div>'
            elif col.pager == "trs":
                body += H.item_blocks(shown)
            else:
                body += H.item_list(shown)
            if pages > 1 and col.pager == "trs":
                # TRS WCM: the page count in a variable, the pager written by script.
                body += (
                    f'<div class="page" id="page_div"><script>var countPage = {pages};'
                    f"var currentPage = {index};"
                    "createPageHTML('page_div', countPage, currentPage, 'index', 'html',"
                    f" {len(items)});</script></div>"
                )
            elif pages > 1 and col.pager == "script":
                body += (
                    f'<div class="page"><script>createPageHTML({pages}, {index}, '
                    '"index", "html");</script></div>'
                )
            elif pages > 1:
                nxt = f"index_{index + 1}.html" if index + 1 < pages else ""
                body += (
                    '<div class="page">'
                    + (f'<a href="{nxt}">下一页</a>' if nxt else "")
                    + (f'<a href="index_{pages - 1}.html">尾页</a></div>')
                )
            path = col.path + ("index.html" if index == 0 else f"index_{index}.html")
            # A misleading PubDate meta: the visible dates, not this tag, are the truth.
            self.add(path, self.shell(col.name, body, ColumnName=col.name, PubDate="2099-01-01"))
        dated = [d for _, _, d in items if d is not None]
        self.truth_columns[self.url(col.path)] = {
            "name": col.name,
            "registered": col.registered,
            "kind": col.kind,
            "item_count": len(items),
            "newest_date": max(dated).isoformat() if dated else None,
            "blank": not items,
            "date_shape": col.shape,
        }
        if not col.list_dates and dated:
            # Titles only in the list: the newest date is read from the articles' headers.
            self.truth_columns[self.url(col.path)]["date_source"] = "article"
        if col.kind == "news":
            self.home_items += [(h, t, d) for h, t, d in items[:5] if d is not None]

    def add_article(self, col: _Column, href: str, title: str, day: date | None) -> None:
        """An article page; DAY None: it shows no date at all (the undated column's)."""
        info = f"发布时间：{day.isoformat()} 来源：{self.name}" if day else f"来源：{self.name}"
        body = (
            H.crumb(col.path, col.name)
            + f"<h1>{title}</h1>"
            + f'<div class="info">{info}</div>'
            + f'<div class="content"><p>{title}。{"".join(self.rng.sample(_WORDS, 8))}。</p>'
            + "{extra}</div>"
        )
        meta = {"ArticleTitle": title}
        if day is not None and col.list_dates:
            meta["PubDate"] = day.isoformat()  # a titles-only column's date is the header's
        self.add(href, self.shell(title, body, **meta))

    def inject(self, path: str, snippet: str) -> None:
        page = self.farm_host.pages[path]
        codec = "gb18030" if self.gbk else "utf-8"
        text = page.body.decode(codec)
        marker = "{extra}" if "{extra}" in text else '<div class="footer">'
        replacement = snippet if marker == "{extra}" else snippet + marker
        self.farm_host.pages[path] = FarmPage(
            text.replace(marker, replacement, 1).encode(codec), page.content_type, page.status
        )

    def finish(self) -> None:
        for path in self.articles:
            self.inject(path, "")
        lists = ""
        for group in range(0, len(self.home_items), 5):
            chunk = self.home_items[group : group + 5]
            lists += H.item_list([(h, t, d.isoformat()) for h, t, d in chunk])
        extras = "".join(f'<p><a href="{u}">{t}</a></p>' for u, t in self.extra_home)
        search = (
            '<form action="/search/" method="get">'
            '<input name="searchword"><button>搜索</button></form>'
        )
        body = search + '<p><a href="/wza/">无障碍</a></p>' + lists + extras
        self.add("/", self.shell("首页", body))
        self.add("/about/lxwm.html", self.shell("联系我们", "<p>联系电话：0371-12345678</p>"))
        self.add("/about/wzdt.html", self.shell("网站地图", "<p>网站地图</p>"))
        self.add("/search/", self.shell("搜索", "<p>请输入关键词</p>"))
        self.add("/wza/", self.shell("无障碍", "<p>无障碍浏览</p>"))
        self.farm_host.pages["/images/dzjg.png"] = FarmPage(b"\x89PNG demo", "image/png")

    def fix_footer(self) -> None:
        """The fixed site: every page that carries the footer gets the footer with the
        planted-missing marks restored (one template fix, as a site's CMS would make it),
        kept beside the broken pages in ``fixed_pages``."""
        codec = "gb18030" if self.gbk else "utf-8"
        broken = self.footer().encode(codec)
        missing = (self.footer_id, self.icp_record)
        self.footer_id = self.icp_record = True
        fixed = self.footer().encode(codec)
        self.footer_id, self.icp_record = missing
        self.farm_host.fixed_pages = {
            path: FarmPage(page.body.replace(broken, fixed), page.content_type, page.status)
            for path, page in self.farm_host.pages.items()
            if broken in page.body
        }

    def site_spec(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "home_url": self.home,
            "columns": [(c.name, self.url(c.path), c.kind) for c in self.columns if c.registered],
        }


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF whose extractable text is `text` (any Unicode): a Type0 font with
    Identity-H encoding and the string as UTF-16BE code units, which pdf readers (pypdf)
    map back to text without a ToUnicode table. Nothing to install."""
    content = f"BT /F1 12 Tf 20 100 Td <{text.encode('utf-16-be').hex()}> Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 200]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H"
        b" /DescendantFonts [6 0 R] >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> >>",
    ]
    out = [b"%PDF-1.4\n"]
    offsets = []
    size = len(out[0])
    for number, body in enumerate(objects, 1):
        offsets.append(size)
        chunk = b"%d 0 obj\n" % number + body + b"\nendobj\n"
        out.append(chunk)
        size += len(chunk)
    out.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out += [b"%010d 00000 n \n" % offset for offset in offsets]
    out.append(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.append(b"startxref\n%d\n%%%%EOF\n" % size)
    return b"".join(out)
