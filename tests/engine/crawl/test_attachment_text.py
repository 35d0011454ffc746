"""With check_text on, the site's own pdf/docx/xlsx attachments are read and their text is
checked: hits carry the attachment URL (and a page linking it), an unreadable file is a
failure with a reason, off-site files are never read, and re-scans are conditional."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import docx
import pytest
from aiohttp import web
from openpyxl import Workbook

from demo.farm.build import minimal_pdf
from demo.loopback import LoopbackServer
from govwatch.engine.crawl import MemoryStateStore, ScanConfig, SiteSpec, scan_site
from govwatch.engine.fetch import FetchConfig

SITE = "www.att.gov.cn"
OUTSIDE = "www.outside.com"
WRONG = "新疆自治区"
SENTENCE = f"推介会在{WRONG}举行。"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML = "text/html; charset=utf-8"


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph("关于举办推介会的通知")
    document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _xlsx(text: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "地点"])
    sheet.append([1, text])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@dataclass
class Served:
    method: str
    host: str
    path: str
    status: int
    conditional: bool


class AttachmentServer(LoopbackServer):
    """Virtual hosts by Host header, ETag + 304, and a request log."""

    def __init__(self, files: dict[tuple[str, str], tuple[bytes, str, int]]) -> None:
        super().__init__()
        self.files = files
        self.log: list[Served] = []

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host = request.host.split(":", 1)[0]
        path = request.path_qs
        body, ctype, status = self.files.get((host, path), (b"not found", "text/plain", 404))
        etag = '"' + hashlib.md5(body).hexdigest() + '"'
        conditional = request.headers.get("If-None-Match") == etag and status == 200
        self.log.append(
            Served(
                request.method,
                host,
                path,
                304 if conditional else status,
                bool(request.headers.get("If-None-Match")),
            )
        )
        if conditional:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, status=status, headers={"Content-Type": ctype, "ETag": etag})

    def fetch_config(self) -> FetchConfig:
        return FetchConfig(
            host_map=((SITE, f"127.0.0.1:{self.port}"), (OUTSIDE, f"127.0.0.1:{self.port}")),
            allow_hosts=("127.0.0.0/8",),
            retries=0,
            total_timeout=10.0,
        )

    def served(self, path: str, host: str = SITE) -> list[Served]:
        return [s for s in self.log if s.host == host and s.path == path]


def _page(title: str, links: str) -> tuple[bytes, str, int]:
    html = f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{links}</body></html>"
    return html.encode(), HTML, 200


def _files() -> dict[tuple[str, str], tuple[bytes, str, int]]:
    home_links = (
        '<a href="/zwgk/notice.html">关于推介会的通知</a> <a href="/zwgk/list.html">名单公示</a>'
        ' <a href="/files/gone.pdf">旧附件</a>'
    )
    notice_links = (
        '<p>正文内容。</p><a href="/files/plan.docx">实施方案.docx</a>'
        ' <a href="/files/plan.pdf">实施方案.pdf</a> <a href="/files/broken.pdf">附件.pdf</a>'
        f' <a href="http://{OUTSIDE}/files/outside.pdf">外站附件</a>'
    )
    list_links = '<a href="/files/list.xlsx">名单.xlsx</a> <a href="/down.jsp?id=7">下载</a>'
    return {
        (SITE, "/"): _page("某市人民政府", home_links),
        (SITE, "/zwgk/notice.html"): _page("关于推介会的通知", notice_links),
        (SITE, "/zwgk/list.html"): _page("名单公示", list_links),
        (SITE, "/files/plan.docx"): (_docx(SENTENCE), DOCX, 200),
        (SITE, "/files/list.xlsx"): (_xlsx(SENTENCE), XLSX, 200),
        (SITE, "/files/plan.pdf"): (minimal_pdf(SENTENCE), PDF, 200),
        (SITE, "/files/broken.pdf"): (b"%PDF-1.4 this is not a pdf at all\n" * 50, PDF, 200),
        # A download script: a pdf known only by its Content-Type.
        (SITE, "/down.jsp?id=7"): (minimal_pdf("会议在" + WRONG + "召开。"), PDF, 200),
        (OUTSIDE, "/files/outside.pdf"): (minimal_pdf(SENTENCE), PDF, 200),
    }


def _config(server: AttachmentServer, scan_id: str, **overrides: object) -> ScanConfig:
    fields: dict[str, object] = {
        "fetch": server.fetch_config(),
        "scan_date": date(2024, 7, 1),
        "scan_id": scan_id,
        "probe_count": 0,
        "check_text": True,
    }
    fields.update(overrides)
    return ScanConfig(**fields)  # type: ignore[arg-type]


SPEC = SiteSpec("att", "某市人民政府", f"http://{SITE}/")
NOTICE = f"http://{SITE}/zwgk/notice.html"
LIST = f"http://{SITE}/zwgk/list.html"
EXPECTED = {
    (f"http://{SITE}/files/plan.docx", NOTICE),
    (f"http://{SITE}/files/plan.pdf", NOTICE),
    (f"http://{SITE}/files/list.xlsx", LIST),
    (f"http://{SITE}/down.jsp?id=7", LIST),
}


@pytest.fixture()
def server() -> Iterator[AttachmentServer]:
    with AttachmentServer(_files()) as running:
        yield running


def _wrong(result) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(h.url, h.page_url) for h in result.text_hits if h.text == WRONG}


def test_attachment_text_is_checked(server: AttachmentServer) -> None:
    result = scan_site(SPEC, _config(server, "one"))
    assert _wrong(result) == EXPECTED
    hit = next(h for h in result.text_hits if h.url.endswith("plan.pdf"))
    assert hit.severity == "serious" and hit.suggestion == "新疆维吾尔自治区"
    assert result.stats.attachments_text_checked == 4
    failures = {f.url: f.reason for f in result.failures}
    assert failures[f"http://{SITE}/files/broken.pdf"].startswith(
        "attachment text: 无法读取附件 broken.pdf"
    )
    assert len(failures) == 1  # the scan went on past the corrupt pdf
    # The 404 attachment is a broken link as before, not a text failure.
    assert {b.url for b in result.broken_links} == {f"http://{SITE}/files/gone.pdf"}
    # Each attachment was requested once (the link check and the text share one GET).
    for path in ("/files/plan.docx", "/files/plan.pdf", "/files/list.xlsx", "/down.jsp?id=7"):
        assert len(server.served(path)) == 1, path
    # Off-site: checked as a link, never read for text.
    assert len(server.served("/files/outside.pdf", OUTSIDE)) == 1
    assert not [h for h in result.text_hits if OUTSIDE in h.url]


def test_without_check_text_attachments_are_not_read(server: AttachmentServer) -> None:
    result = scan_site(SPEC, _config(server, "one", check_text=False))
    assert result.text_hits == () and result.stats.attachments_text_checked == 0
    assert not [f for f in result.failures if "attachment" in f.reason]


def test_rescan_is_conditional_and_resume_requests_nothing(server: AttachmentServer) -> None:
    store = MemoryStateStore()
    first = scan_site(SPEC, _config(server, "one"), store)
    assert _wrong(first) == EXPECTED
    server.log.clear()
    again = scan_site(SPEC, _config(server, "two"), store)  # a new scan: conditional
    assert _wrong(again) == EXPECTED
    assert {f.url for f in again.failures} == {f"http://{SITE}/files/broken.pdf"}
    assert again.stats.attachments_text_checked == 4
    for path in ("/files/plan.docx", "/files/plan.pdf", "/files/list.xlsx", "/down.jsp?id=7"):
        assert [s.status for s in server.served(path)] == [304], path
    server.log.clear()
    resumed = scan_site(SPEC, _config(server, "two"), store)  # the same scan: resume
    assert _wrong(resumed) == EXPECTED
    assert {f.url for f in resumed.failures} == {f"http://{SITE}/files/broken.pdf"}
    assert not [s for s in server.log if s.host == SITE]


def test_attachment_over_the_cap_is_a_failure_and_the_link_works(server: AttachmentServer) -> None:
    result = scan_site(SPEC, _config(server, "one", attachment_max_bytes=2000))
    failures = {f.url: f.reason for f in result.failures}
    assert failures[f"http://{SITE}/files/plan.docx"] == "attachment text: text not read: too_large"
    assert f"http://{SITE}/files/plan.docx" not in {b.url for b in result.broken_links}
    # The small pdfs still fit under the cap and are checked.
    assert (f"http://{SITE}/files/plan.pdf", NOTICE) in _wrong(result)
