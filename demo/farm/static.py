"""The big farm for benchmarks: >= 20,000 gov-like pages as static files for nginx.

    python -m demo.farm.static OUT --pages 20000 --sites 8 --seed 7

Each site is a directory served at its own loopback port (links are root-relative, so the
site works under any host). About 55 links per page, a few percent of internal targets
missing (articles and attachments), one GBK site, and a couple of external links per page
to a .invalid host (a DNS failure, answered locally). OUT/truth.json lists each site's
page count and planted broken targets.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

from demo.farm import html as H

COLUMNS = 12
PER_LIST_PAGE = 20
SCAN_DATE = date(2024, 7, 1)
EXTERNAL = ("http://www.partner-demo.invalid/", "http://www.old-portal.invalid/index.html")


def _article_path(column: int, number: int, day: date) -> str:
    return f"/col{column}/{day:%Y%m}/t{day:%Y%m%d}_{number}.html"


def _write(root: Path, path: str, text: str, gbk: bool) -> None:
    target = root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text.encode("gb18030" if gbk else "utf-8"))


def write_site(root: Path, index: int, pages: int, rng: random.Random) -> dict[str, object]:
    gbk = index == 2
    charset = "gb2312" if gbk else "utf-8"
    name = f"基准市{index}人民政府"
    columns = [(f"/col{c}/", f"栏目{c}") for c in range(COLUMNS)]
    list_pages = -(-pages // (PER_LIST_PAGE + 1))
    per_column = max(1, (pages - 1 - list_pages) // COLUMNS)
    articles: list[list[tuple[str, str, date]]] = []
    serial = 0
    for column in range(COLUMNS):
        day = SCAN_DATE - timedelta(days=rng.randint(0, 20))
        rows = []
        for _ in range(per_column):
            serial += 1
            rows.append(
                (_article_path(column, serial, day), f"基准文章{serial}关于做好相关工作", day)
            )
            if rng.random() < 0.3:
                day -= timedelta(days=1)
        articles.append(rows)
    flat = [a for rows in articles for a in rows]
    meta = {
        "SiteName": name,
        "SiteDomain": f"bench{index}.gov.cn",
        "SiteIDCode": f"44000000{index:02d}",
    }
    footer = (
        f"<p>主办单位：{name}办公室 网站标识码：44000000{index:02d} 豫ICP备0000{index}号</p>"
        + "".join(f'<a href="/about/p{k}.html">关于{k}</a> ' for k in range(6))
    )
    broken: list[str] = []
    written = 0

    def shell(title: str, body: str, **extra: str) -> str:
        return H.page(
            title=title,
            charset=charset,
            meta={**meta, **extra},
            nav=[("/", "首页"), *columns],
            body=body,
            footer=footer,
        )

    for k in range(6):
        _write(root, f"/about/p{k}.html", shell(f"关于{k}", "<p>关于本站</p>"), gbk)
        written += 1
    (root / "files").mkdir(exist_ok=True)
    (root / "images").mkdir(exist_ok=True)
    (root / "images" / "logo.png").write_bytes(b"\x89PNG bench")
    for column, rows in enumerate(articles):
        cpath, cname = columns[column]
        for number, (path, title, day) in enumerate(rows):
            related = [rows[(number + k) % len(rows)] for k in range(1, 11)]
            links = [(p, t) for p, t, _ in related]
            if rng.random() < 0.05:
                missing = f"/col{column}/{day:%Y%m}/t{day:%Y%m%d}_9{serial + number}.html"
                links.append((missing, "已删除的文章"))
                broken.append(missing)
            picks = rng.sample(flat, 20)
            links += [(p, t) for p, t, _ in picks]
            attach = ""
            if number % 3 == 0:
                fname = f"/files/a{column}_{number}.pdf"
                if rng.random() < 0.1:
                    broken.append(fname)
                else:
                    (root / fname.lstrip("/")).write_bytes(b"%PDF-1.4 bench")
                attach = f'<p>附件：<a href="{fname}">附件{number}.pdf</a></p>'
            ext = "".join(f'<a href="{u}">外部链接</a> ' for u in EXTERNAL)
            body = (
                H.crumb(cpath, cname)
                + f'<h1>{title}</h1><div class="info">发布时间：{day.isoformat()}</div>'
                + f'<div class="content"><p>{title}。{"正文内容。" * 60}</p>{attach}'
                + '<p><img src="/images/logo.png" alt="图片"></p></div>'
                + H.sidebar(links)
                + f"<p>{ext}</p>"
            )
            _write(root, path, shell(title, body, ArticleTitle=title, PubDate=day.isoformat()), gbk)
            written += 1
        chunks = [rows[i : i + PER_LIST_PAGE] for i in range(0, len(rows), PER_LIST_PAGE)] or [[]]
        for page_no, chunk in enumerate(chunks):
            pager = f'<script>createPageHTML({len(chunks)}, {page_no}, "index", "html");</script>'
            body = (
                H.crumb(cpath, cname)
                + H.sidebar(columns)
                + H.item_list([(p, t, d.isoformat()) for p, t, d in chunk])
                + f'<div class="page">{pager}</div>'
            )
            path = cpath + ("" if page_no == 0 else f"index_{page_no}.html")
            _write(root, path, shell(cname, body, ColumnName=cname), gbk)
            written += 1
    home_items = [(p, t, d.isoformat()) for rows in articles for p, t, d in rows[:5]]
    home = '<form action="/search/"><input name="searchword"></form>' + H.item_list(home_items)
    _write(root, "/", shell(name, home), gbk)
    written += 1
    return {
        "dir": root.name,
        "html_pages": written,
        "broken_targets": sorted(set(broken)),
        "gbk": gbk,
    }


def write_static_farm(
    out: Path, pages: int = 20000, sites: int = 8, seed: int = 7
) -> dict[str, object]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    per_site = -(-pages // sites)
    truth = {
        "seed": seed,
        "sites": [write_site(out / f"site{i}", i, per_site, rng) for i in range(sites)],
    }
    truth["html_pages"] = sum(s["html_pages"] for s in truth["sites"])  # type: ignore[index]
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1))
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the big static demo farm.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--sites", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    truth = write_static_farm(args.out, args.pages, args.sites, args.seed)
    print(f"{truth['html_pages']} HTML pages in {args.sites} sites under {args.out}")


if __name__ == "__main__":
    main()
