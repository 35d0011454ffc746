"""运行操作 from the workspace: registry import (dry run, apply, refusals, region), a scan of
a real loopback site with its progress, an inspection and a bulletin whose files download
only in scope, the roles at the door, and operations a dead process left behind."""

from __future__ import annotations

import http.server
import io
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as docx_document

from govwatch.web.inspections.models import Inspection
from govwatch.web.operations.models import Operation
from govwatch.web.operations.services import BOOT, QUEUED_STALE_ZH, STALE_ZH
from govwatch.web.registry.models import Site, Unit
from govwatch.web.scans.models import ScanRun
from tests.helpers import write_workbook
from tests.web.registry.helpers import SITE_HEADERS, UNIT_HEADERS
from tests.web.workspace.conftest import World, messages_of


@pytest.fixture
def inline(settings: Any) -> None:
    settings.GOVWATCH_OPERATIONS_INLINE = True


def _workbook(path: Path, units: list[list[str]], sites: list[list[str]]) -> Path:
    return write_workbook(path, {"单位": (UNIT_HEADERS, units), "网站": (SITE_HEADERS, sites)})


def _upload(client: Any, path: Path, name: str | None = None) -> Any:
    with path.open("rb") as handle:
        data = io.BytesIO(handle.read())
    data.name = name or path.name
    return client.post(reverse("work-ops-import-start"), {"file": data}, follow=True)


def _last() -> Operation:
    return Operation.objects.order_by("-pk").first()  # type: ignore[return-value]


GOOD_UNITS = [["甲市交通运输局", "市交通局", "甲市人民政府", "地市级", "部门", "", "", ""]]
GOOD_SITES = [
    ["1101000009", "甲市交通运输局网站", "http://127.0.0.1:9/jt/", "", "", "部门网站",
     "市交通局", "", "正常运行"],
]  # fmt: skip


# --- 导入名录 -------------------------------------------------------------------------


def test_import_dry_run_then_apply(world: World, inline: None, tmp_path: Path) -> None:
    client = world.client("sup")
    path = _workbook(tmp_path / "名录.xlsx", GOOD_UNITS, GOOD_SITES)
    page = _upload(client, path)
    dry = _last()
    assert dry.params["dry_run"] and dry.state == "done", dry.error
    assert dry.unit_id == world.city_a.pk
    # A dry run writes nothing, and shows what applying would do.
    assert not Unit.objects.filter(name="甲市交通运输局").exists()
    assert not Site.objects.filter(site_code="1101000009").exists()
    body = page.content.decode()
    assert "试运行结果（未写入）" in body and "新增单位：甲市交通运输局" in body
    assert "新增网站：1101000009" in body and 'id="apply-form"' in body

    applied = client.post(reverse("work-ops-import-apply", args=[dry.pk]), follow=True)
    done = _last()
    assert done.pk != dry.pk and not done.params["dry_run"] and done.state == "done", done.error
    unit = Unit.objects.get(name="甲市交通运输局")
    assert unit.parent_id == world.city_a.pk
    # The short name 市交通局 resolved within the supervisor's region, as --scope does.
    assert Site.objects.get(site_code="1101000009").operating_unit_id == unit.pk
    assert "导入结果" in applied.content.decode()
    # Applying twice imports once.
    again = client.post(reverse("work-ops-import-apply", args=[dry.pk]), follow=True)
    assert Operation.objects.filter(kind="registry_import").count() == 2
    assert "该文件已导入" in " ".join(messages_of(again))


def test_import_bad_file_imports_nothing_and_shows_rows(
    world: World, inline: None, tmp_path: Path
) -> None:
    client = world.client("sup")
    sites = [
        *GOOD_SITES,
        ["12345", "坏网站", "不是网址", "", "", "部门网站", "甲市教育局", "", "正常运行"],
    ]
    path = _workbook(tmp_path / "bad.xlsx", GOOD_UNITS, sites)
    before = (Unit.objects.count(), Site.objects.count())
    page = _upload(client, path)
    op = _last()
    assert op.state == "failed" and op.result["ok"] is False
    assert (Unit.objects.count(), Site.objects.count()) == before
    body = page.content.decode()
    assert "文件有误，未导入任何数据" in body
    assert "「网站」第3行「网站标识码」列" in body and "「首页网址」列" in body
    assert 'id="apply-form"' not in body
    # A failed dry run cannot be applied.
    client.post(reverse("work-ops-import-apply", args=[op.pk]))
    assert Operation.objects.count() == 1 and not Site.objects.filter(name="坏网站").exists()


def test_import_outside_the_region_is_refused_whole(
    world: World, inline: None, tmp_path: Path
) -> None:
    client = world.client("sup")
    sites = [
        *GOOD_SITES,
        ["1201000009", "乙市新网站", "http://127.0.0.1:9/b/", "", "", "部门网站",
         "乙市人民政府", "", "正常运行"],
    ]  # fmt: skip
    units = [*GOOD_UNITS, ["乙市新局", "", "乙市人民政府", "地市级", "部门", "", "", ""]]
    page = _upload(client, _workbook(tmp_path / "wide.xlsx", units, sites))
    op = _last()
    assert op.state == "failed"
    body = page.content.decode()
    assert "本地区以外" in body and "乙市新局" in body and "1201000009" in body
    # All or nothing: the in-region rows of the same file are not written either.
    assert not Unit.objects.filter(name__in=["甲市交通运输局", "乙市新局"]).exists()
    assert not Site.objects.filter(site_code__in=["1101000009", "1201000009"]).exists()
    # Taking over another region's site by its code is outside too.
    grab = [["1201000001", "乙市人民政府网站", "http://127.0.0.1:9/b/", "", "", "政府门户网站",
             "甲市教育局", "", "正常运行"]]  # fmt: skip
    _upload(client, _workbook(tmp_path / "grab.xlsx", [], grab))
    assert _last().state == "failed"
    assert Site.objects.get(site_code="1201000001").operating_unit_id == world.city_b.pk


def test_admin_imports_anywhere(world: World, inline: None, tmp_path: Path, admin_client) -> None:
    units = [["丙市人民政府", "", "", "地市级", "政府", "", "", ""]]
    _upload(admin_client, _workbook(tmp_path / "c.xlsx", units, []))
    dry = _last()
    assert dry.state == "done" and dry.unit_id is None, dry.error
    admin_client.post(reverse("work-ops-import-apply", args=[dry.pk]))
    assert Unit.objects.filter(name="丙市人民政府", parent=None).exists()


def test_import_refuses_other_types_and_sizes(
    world: World, inline: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = world.client("sup")
    text = tmp_path / "notes.txt"
    text.write_text("单位名称\n甲市交通运输局\n", encoding="utf-8")
    page = _upload(client, text)
    assert "只能导入 .xlsx 或 .csv" in " ".join(messages_of(page))
    page = _upload(client, text, name="fake.xlsx")
    assert "不是 Excel 工作簿" in " ".join(messages_of(page))
    page = _upload(client, text, name="old.xls")
    assert "另存为 .xlsx" in " ".join(messages_of(page))
    monkeypatch.setattr("govwatch.web.workspace.views.ops_import.MAX_IMPORT_BYTES", 64)
    big = tmp_path / "big.csv"
    big.write_text("单位名称,层级\n" + "甲市某局,地市级\n" * 50, encoding="utf-8")
    page = _upload(client, big)
    assert "MB 上限" in " ".join(messages_of(page))
    assert not Operation.objects.exists()


def test_csv_upload_is_imported(world: World, inline: None, tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text(
        ",".join(UNIT_HEADERS) + "\n甲市水利局,,甲市人民政府,地市级,部门,,,\n", encoding="utf-8"
    )
    _upload(world.client("sup"), path)
    assert _last().state == "done" and _last().result["counts"]["units"]["created"] == 1


# --- Roles ---------------------------------------------------------------------------


OPS_PAGES = [
    "work-ops",
    "work-ops-import",
    "work-ops-scan",
    "work-ops-inspect",
    "work-ops-bulletin",
]
OPS_ACTIONS = [
    "work-ops-import-start", "work-ops-scan-start", "work-ops-inspect-start",
    "work-ops-bulletin-start",
]  # fmt: skip


def test_reader_sees_but_cannot_start(world: World, inline: None) -> None:
    reader = world.client("reader")
    for name in OPS_PAGES:
        page = reader.get(reverse(name))
        assert page.status_code == 200, name
        assert (
            "只读账号" in page.content.decode()
            and '<form method="post" action="/supervise/ops' not in page.content.decode()
        )
    for name in OPS_ACTIONS:
        assert reader.post(reverse(name), {"all": "1", "period": "2024Q2"}).status_code == 403
    assert not Operation.objects.exists()


@pytest.mark.parametrize("persona", ["op1", "norole"])
def test_unit_operator_never_sees_ops(world: World, persona: str) -> None:
    op = Operation.objects.create(kind="scan", unit=world.unit_a1, state="done")
    client = world.client(persona)
    for name in OPS_PAGES:
        assert client.get(reverse(name)).status_code == 404, name
    for name in ("work-ops-detail", "work-ops-status", "work-ops-file"):
        assert client.get(reverse(name, args=[op.pk])).status_code == 404
    for name in OPS_ACTIONS:
        assert client.post(reverse(name)).status_code == 404


def test_outsider_sees_no_operation_of_another_region(world: World) -> None:
    mine = Operation.objects.create(
        kind="scan", unit=world.city_a, state="done", message="甲市检测"
    )
    everything = Operation.objects.create(kind="scan", unit=None, state="done")
    outsider = world.client("outsider")
    assert "甲市检测" not in outsider.get(reverse("work-ops")).content.decode()
    for op in (mine, everything):
        assert outsider.get(reverse("work-ops-detail", args=[op.pk])).status_code == 404
        assert outsider.get(reverse("work-ops-status", args=[op.pk])).status_code == 404
    sup = world.client("sup")
    assert sup.get(reverse("work-ops-detail", args=[mine.pk])).status_code == 200
    # An operation over everything is an admin's.
    assert sup.get(reverse("work-ops-detail", args=[everything.pk])).status_code == 404


# --- 开始检测: a real site on loopback ----------------------------------------------------


HOME = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>甲市交通运输局</title></head>
<body><h1>甲市交通运输局</h1><ul class="news">
<li><a href="/news/1.html">交通新闻一</a><span>2024-07-10</span></li>
<li><a href="/news/2.html">交通新闻二</a><span>2024-07-01</span></li>
<li><a href="/missing.html">已删除的页面</a></li></ul>
<p>网站标识码 1101000003 ICP备案号 甲ICP备12345678号</p></body></html>"""


@pytest.fixture
def loopback_site(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "www"
    (root / "news").mkdir(parents=True)
    (root / "index.html").write_text(HOME, encoding="utf-8")
    for n in (1, 2):
        (root / "news" / f"{n}.html").write_text(
            f"<html><body><h1>交通新闻{n}</h1><p>发布日期：2024-07-0{n}</p></body></html>",
            encoding="utf-8",
        )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_scan_of_a_loopback_site_reports_progress(
    world: World, inline: None, loopback_site: str, settings: Any, tmp_path: Path
) -> None:
    settings.GOVWATCH_ALLOW_HOSTS = ["127.0.0.0/8"]
    settings.GOVWATCH_CRAWL_STATE_DIR = tmp_path / "state"
    site = Site.objects.create(
        site_code="1101000003",
        name="甲市交通运输局网站",
        home_url=loopback_site,
        kind="department_website",
        operating_unit=world.unit_a1,
        status="running",
    )
    client = world.client("sup")
    scan_page = client.get(reverse("work-ops-scan")).content.decode()
    assert "甲市交通运输局网站" in scan_page and "乙市人民政府网站" not in scan_page
    page = client.post(reverse("work-ops-scan-start"), {"site": [site.pk]}, follow=True)
    op = _last()
    assert op.kind == "scan" and op.state == "done", op.error
    assert (op.done, op.total, op.percent) == (1, 1, 100)
    run = ScanRun.objects.get(site=site)
    assert run.stats["pages_fetched"] >= 3  # home, two news pages (and the missing one)
    assert op.result["sites"][0]["site_code"] == "1101000003"
    assert "1101000003" in page.content.decode()
    status = client.get(reverse("work-ops-status", args=[op.pk])).json()
    assert status["state"] == "done" and status["done"] == status["total"] == 1
    # A site of another region cannot be slipped in by its code.
    refused = client.post(reverse("work-ops-scan-start"), {"codes": "1201000001"}, follow=True)
    assert "没有这些网站标识码：1201000001" in " ".join(messages_of(refused))
    assert Operation.objects.filter(kind="scan").count() == 1


# --- 开始检查 and 生成通报 -------------------------------------------------------------


def _inspect(client: Any, period: str = "2024Q2") -> Operation:
    client.post(reverse("work-ops-inspect-start"), {"period": period, "profile": ""})
    return _last()


def test_inspection_then_bulletin_downloadable_only_in_scope(world: World, inline: None) -> None:
    sup = world.client("sup")
    op = _inspect(sup)
    assert op.state == "done", op.error
    inspection = Inspection.objects.get(pk=op.result["inspection"])
    assert inspection.scope == "region" and inspection.region_id == world.city_a.pk
    judged = set(inspection.results.values_list("site__site_code", flat=True))
    assert judged == {"1101000001", "1101000002"}  # city A only, not 乙市's site
    detail = sup.get(reverse("work-ops-detail", args=[op.pk])).content.decode()
    assert reverse("work-inspection", args=[inspection.pk]) in detail

    # A supervisor may only write bulletins of inspections of its own region.
    assert (
        sup.post(
            reverse("work-ops-bulletin-start"), {"inspection": world.inspection.pk}
        ).status_code
        == 404
    )
    form = sup.get(reverse("work-ops-bulletin")).content.decode()
    assert f'<option value="{inspection.pk}"' in form
    assert f'<option value="{world.inspection.pk}"' not in form
    assert 'name="doc_number"' in form and 'name="issue_date"' in form
    sup.post(
        reverse("work-ops-bulletin-start"),
        {
            "inspection": inspection.pk,
            "doc_number": "甲政办〔2024〕1号",
            "issue_date": "2024-07-20",
            "issuer": "甲市人民政府办公室",
        },
    )
    bulletin = _last()
    assert bulletin.kind == "bulletin" and bulletin.state == "done", bulletin.error
    names = [f["name"] for f in bulletin.result["files"]]
    assert any(n.endswith(".docx") for n in names) and any(n.endswith(".xlsx") for n in names)
    url = reverse("work-ops-file", args=[bulletin.pk])
    for name in names:
        got = sup.get(url, {"name": name})
        assert got.status_code == 200 and b"".join(got.streaming_content)[:2] == b"PK"
        assert "attachment;" in got["Content-Disposition"]
    docx = b"".join(sup.get(url, {"name": names[0]}).streaming_content)
    text = "\n".join(p.text for p in docx_document(io.BytesIO(docx)).paragraphs)
    # The form's fields reached bulletin_write.
    assert "甲政办〔2024〕1号" in text and "2024年7月20日" in text and "甲市人民政府办公室" in text
    xlsx = b"".join(sup.get(url, {"name": names[1]}).streaming_content)
    assert openpyxl.load_workbook(io.BytesIO(xlsx)).sheetnames
    assert world.client("reader").get(url, {"name": names[0]}).status_code == 200
    assert world.client("outsider").get(url, {"name": names[0]}).status_code == 404
    assert world.client("op1").get(url, {"name": names[0]}).status_code == 404
    # Only the files the operation lists: no path tricks.
    for bad in ("../../secret_key", "source.xlsx", "", names[0] + "x"):
        assert sup.get(url, {"name": bad}).status_code == 404


def test_inspection_bad_period_is_refused(world: World, inline: None) -> None:
    page = world.client("sup").post(
        reverse("work-ops-inspect-start"), {"period": "2024Q9"}, follow=True
    )
    assert "检查期有误" in " ".join(messages_of(page))
    assert not Operation.objects.exists()


def test_failed_job_is_recorded_in_chinese(world: World, inline: None) -> None:
    world.client("sup").post(
        reverse("work-ops-inspect-start"), {"period": "2024Q2", "profile": "cn-national-2019"}
    )
    assert _last().state == "done"
    page = world.client("sup").post(
        reverse("work-ops-inspect-start"), {"period": "2024Q2", "profile": "no-such"}, follow=True
    )
    assert "请选择列表中的指标方案" in " ".join(messages_of(page))


# --- Off the request: a real thread, polled ------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_thread_runs_the_operation_and_the_page_polls(world: World, settings: Any) -> None:
    settings.GOVWATCH_OPERATIONS_INLINE = False
    settings.CELERY_BROKER_URL = ""
    sup = world.client("sup")
    sup.post(reverse("work-ops-inspect-start"), {"period": "2024Q2"})
    op = _last()
    status_url = reverse("work-ops-status", args=[op.pk])
    deadline = time.monotonic() + 60
    status = sup.get(status_url).json()
    while status["active"] and time.monotonic() < deadline:
        time.sleep(0.2)
        status = sup.get(status_url).json()
    assert status["state"] == "done", status
    assert status["percent"] == 100 and "检查 2024Q2 完成" in status["message"]
    op.refresh_from_db()
    host, pid, _boot = op.runner.split(":")
    assert host == socket.gethostname() and int(pid) == os.getpid()


def test_operation_page_loads_the_poller(world: World) -> None:
    op = Operation.objects.create(kind="scan", unit=world.city_a, state="running", runner="")
    op.runner = f"{socket.gethostname()}:{os.getpid()}:{BOOT}"
    op.save()
    body = world.client("sup").get(reverse("work-ops-detail", args=[op.pk])).content.decode()
    assert "operations/ops.js" in body and 'data-active="1"' in body
    assert reverse("work-ops-status", args=[op.pk]) in body
    op.refresh_from_db()
    assert op.state == "running"  # its process (this one) is alive: not stale


# --- Stale operations ----------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_operations_of_a_dead_process_are_marked_failed(world: World, settings: Any) -> None:
    # The embedded default (no broker): an operation runs on a thread at once, so one
    # queued for an hour was lost (with a broker it may wait for a worker longer).
    settings.CELERY_BROKER_URL = ""
    host = socket.gethostname()
    dead = Operation.objects.create(
        kind="scan", unit=world.city_a, state="running", runner=f"{host}:{_dead_pid()}:x",
        started_at=timezone.now(), heartbeat_at=timezone.now(),
    )  # fmt: skip
    reused = Operation.objects.create(
        kind="scan", unit=world.city_a, state="running", runner=f"{host}:{os.getpid()}:earlier",
        started_at=timezone.now(), heartbeat_at=timezone.now(),
    )  # fmt: skip
    lost = Operation.objects.create(kind="inspection", unit=world.city_a, state="queued")
    Operation.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - timezone.timedelta(hours=1)
    )
    fresh = Operation.objects.create(kind="inspection", unit=world.city_a, state="queued")
    page = world.client("sup").get(reverse("work-ops")).content.decode()
    assert "失败" in page
    for op in (dead, reused):
        op.refresh_from_db()
        assert op.state == "failed" and op.error == STALE_ZH and op.finished_at
    lost.refresh_from_db()
    assert lost.state == "failed" and lost.error == QUEUED_STALE_ZH
    fresh.refresh_from_db()
    assert fresh.state == "queued"


def test_ops_list_exports(world: World) -> None:
    Operation.objects.create(kind="scan", unit=world.city_a, state="done", message="=1+1")
    Operation.objects.create(kind="scan", unit=world.city_b, state="done", message="乙市的")
    response = world.client("sup").get(reverse("work-ops"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "操作", "范围") and len(rows) == 2
    assert rows[1][6] == "=1+1" and sheet.cell(2, 7).data_type == "s"


def test_admin_pages_and_wider_inspection(world: World, inline: None, admin_client: Any) -> None:
    for name in OPS_PAGES:
        page = admin_client.get(reverse(name))
        assert page.status_code == 200 and "只读账号" not in page.content.decode(), name
    assert 'name="region"' in admin_client.get(reverse("work-ops-inspect")).content.decode()
    admin_client.post(
        reverse("work-ops-inspect-start"), {"period": "2024Q2", "region": "乙市人民政府"}
    )
    op = _last()
    assert op.state == "done" and op.unit_id == world.city_b.pk, op.error
    judged = Inspection.objects.get(pk=op.result["inspection"]).results
    assert set(judged.values_list("site__site_code", flat=True)) == {"1201000001"}
    # 乙市's supervisor sees the admin's operation on its region; 甲市's does not.
    assert world.client("outsider").get(reverse("work-ops-detail", args=[op.pk])).status_code == 200
    assert world.client("sup").get(reverse("work-ops-detail", args=[op.pk])).status_code == 404
