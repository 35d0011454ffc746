"""The bulletin's issuer, 文号, contact and deadline from options, settings or the registry,
and a clear refusal (nothing written) when the issuer can be neither set nor derived."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import docx
import pytest

from govwatch.cli import main
from govwatch.web.inspections.models import Inspection, InspectionFinding, InspectionResult
from govwatch.web.registry.models import Account, Site, Unit
from govwatch.web.reports.services import BulletinSettingsError, bulletin_write
from govwatch.web.tickets.services import dispatch_calendar

pytestmark = pytest.mark.django_db(transaction=True)

ISSUE_DAY = dt.date(2024, 9, 27)  # a Friday before the National Day holiday


def _world(*, second_root: bool = False) -> Inspection:
    province = Unit.objects.create(
        name="示范省人民政府", level="province", kind="government", contact_person="周敏",
        phone="0000-7654321",
    )  # fmt: skip
    city = Unit.objects.create(name="示范市人民政府", parent=province, level="prefecture",
                               kind="government")  # fmt: skip
    site = Site.objects.create(
        site_code="9900000001", name="示范市人民政府", home_url="http://www.dm1.gov.cn/",
        operating_unit=city,
    )  # fmt: skip
    quiet = Site.objects.create(
        site_code="9900000002", name="示范县人民政府", home_url="http://www.dm2.gov.cn/",
        operating_unit=city,
    )  # fmt: skip
    inspection = Inspection.objects.create(
        period="2024Q3", period_start=dt.date(2024, 7, 1), period_end=dt.date(2024, 9, 30),
        profile="cn-national-2019",
    )  # fmt: skip
    result = InspectionResult.objects.create(
        inspection=inspection, site=site, verdict="unqualified"
    )
    InspectionFinding.objects.create(
        result=result, code="UPD002", slug="column-not-updated", severity="veto",
        target_kind="column", target_id="http://www.dm1.gov.cn/rsxx/", message="栏目更新不及时",
        evidence={"column": "人事信息", "problem_type": "栏目更新不及时"},
    )  # fmt: skip
    InspectionResult.objects.create(
        inspection=inspection, site=quiet, verdict="unknown", observed=False,
        reason="本检查期内没有该网站的扫描数据",
    )  # fmt: skip
    # An account of the province itself: the top of what was judged is the province.
    own = Account.objects.create(
        platform="sina_weibo", name="示范发布", opening_unit=province, supervising_unit=province
    )
    InspectionResult.objects.create(inspection=inspection, account=own, verdict="qualified")
    if second_root:
        other = Unit.objects.create(name="另一省人民政府", level="province", kind="government")
        account = Account.objects.create(
            platform="wechat_official_account",
            name="另一发布",
            opening_unit=other,
            supervising_unit=other,
        )
        InspectionResult.objects.create(inspection=inspection, account=account, verdict="qualified")
    return inspection


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def test_issuer_addressee_contact_and_deadline_from_the_registry(tmp_path: Path) -> None:
    inspection = _world()
    files = bulletin_write(inspection, tmp_path / "out", pdf=False, issue_date=ISSUE_DAY)
    texts = _paragraphs(files.docx)
    assert texts[0] == "示范省人民政府办公厅"  # letterhead: the top unit's general office
    assert "示范省人民政府办公厅关于2024年第三季度政府网站和政务新媒体检查情况的通报" in texts
    assert "各设区市人民政府，省人民政府各工作部门、各直属机构：" in texts
    assert "（联系人：周敏，联系电话：0000-7654321）" in texts  # the registry's contact
    assert "2024年9月27日" in texts
    body = "\n".join(texts)
    # Ten working days after 27 September across the National Day holiday: 16 October.
    assert dispatch_calendar().add_working_days(ISSUE_DAY, 10) == dt.date(2024, 10, 16)
    assert "于2024年10月16日前将整改情况书面报送示范省人民政府办公厅" in body
    assert "“示范市人民政府”网“人事信息”栏目更新不及时" in body
    assert "另有1个政府网站因缺少监测数据或数据获取失败，本期无法判定" in body
    cells = [c.text for t in docx.Document(str(files.docx)).tables for r in t.rows for c in r.cells]
    assert "本检查期内没有该网站的扫描数据" in cells
    with zipfile.ZipFile(files.docx) as archive:
        assert "×" not in archive.read("word/document.xml").decode("utf-8")
    assert any("发文机关按登记信息推导" in note for note in files.notes)
    assert any("未设置文号" in note for note in files.notes)


def test_settings_answer_once_and_options_win(tmp_path: Path, settings: object) -> None:
    inspection = _world(second_root=True)
    settings.GOVWATCH_BULLETIN_ISSUER = "示范省人民政府政务公开办公室"  # type: ignore[attr-defined]
    settings.GOVWATCH_BULLETIN_DOC_ABBR = "示政公开办"  # type: ignore[attr-defined]
    settings.GOVWATCH_BULLETIN_CONTACT = "（联系人：王晓明，联系电话：0000-1234567）"  # type: ignore[attr-defined]
    with pytest.raises(BulletinSettingsError, match="--doc-seq"):
        bulletin_write(inspection, tmp_path / "none", pdf=False, issue_date=ISSUE_DAY)
    assert not (tmp_path / "none").exists()
    files = bulletin_write(
        inspection, tmp_path / "out", pdf=False, issue_date=ISSUE_DAY, doc_seq=6,
        deadline=dt.date(2024, 10, 15),
    )  # fmt: skip
    texts = _paragraphs(files.docx)
    assert texts[:2] == ["示范省人民政府政务公开办公室", "示政公开办〔2024〕6号"]
    assert "各有关单位：" in texts  # two roots: no level to address by
    assert "（联系人：王晓明，联系电话：0000-1234567）" in texts
    assert any("于2024年10月15日前" in t for t in texts)
    again = bulletin_write(
        inspection, tmp_path / "again", pdf=False, issue_date=ISSUE_DAY,
        issuer="示范省人民政府办公厅", doc_number="示政办函〔2024〕9号",
    )  # fmt: skip
    assert _paragraphs(again.docx)[:2] == ["示范省人民政府办公厅", "示政办函〔2024〕9号"]


def test_no_issuer_and_none_derivable_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _world(second_root=True)
    out = tmp_path / "out"
    args = ["report", "bulletin", "--period", "2024Q3", "--out", str(out), "--no-pdf"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：未生成通报") and "GOVWATCH_BULLETIN_ISSUER" in err
    assert "--issuer" in err and not out.exists()
    assert main([*args, "--issuer", "示范省人民政府办公厅", "--issue-date", "2024-09-27"]) == 0
    captured = capsys.readouterr()
    assert "提示：未设置文号" in captured.err
    assert "2024年10月16日前" in "\n".join(_paragraphs(out / "通报-2024Q3.docx"))
