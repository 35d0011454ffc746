"""The problem-list flow end to end in a real browser, against the demo farm:

a supervisor confirms findings (and dismisses one, with a reason) and sends the lists; the
unit's operator logs in, sees only its own unit's items, writes its answer, uploads the
signed report as a PDF and submits; the automatic re-check crawls the farm site the unit
has fixed meanwhile and passes; the supervisor closes the item and the 办结率 updates.
Screenshots of every step are kept (tests/web/browser/conftest.py prints their folder)."""

from __future__ import annotations

import http.client
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from demo.farm import Farm, FarmServer
from demo.farm_registry import site_code
from govwatch.engine.periods import quarter_label
from govwatch.web.inspections.models import InspectionFinding
from govwatch.web.inspections.services import inspection_run
from govwatch.web.registry.models import Site, Unit
from govwatch.web.scans.services import sites_scan
from govwatch.web.tickets.models import ProblemItem
from govwatch.web.users.models import Membership

PASSWORD = "Pass-2024-xyz!"
# A small but real PDF (one empty page): what a unit scans its signed 整改报告 into.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def user(name: str, role: str, unit: Unit) -> None:
    account = get_user_model().objects.create_user(name, password=PASSWORD, first_name=name)
    Membership.objects.create(user=account, role=role, unit=unit)


def login(browser: Any, base: str, name: str) -> None:
    browser.delete_all_cookies()
    browser.get(f"{base}/login/")
    browser.find_element(By.NAME, "username").send_keys(name)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login-submit").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "logout")))


def shot(browser: Any, folder: Path, name: str) -> None:
    path = folder / f"flow-{name}.png"
    assert browser.save_screenshot(str(path)), path


def text(browser: Any) -> str:
    return str(browser.find_element(By.TAG_NAME, "body").text)


def wait(browser: Any, condition: Any, seconds: float = 10) -> None:
    """Wait for CONDITION; a page replaced while it is read is read again."""
    WebDriverWait(browser, seconds, ignored_exceptions=[StaleElementReferenceException]).until(
        condition
    )


def decide(browser: Any, base: str, inspection: int, finding: int, action: str, why: str) -> None:
    """Find the finding's form on the inspection's pages and decide it."""
    for page in range(1, 50):
        browser.get(f"{base}/supervise/inspections/{inspection}/?state=open&page={page}")
        forms = browser.find_elements(By.CSS_SELECTOR, f'form.decide[data-finding="{finding}"]')
        if forms:
            form = forms[0]
            form.find_element(By.NAME, "reason").send_keys(why)
            form.find_element(By.CSS_SELECTOR, f'button[name="action"][value="{action}"]').click()
            WebDriverWait(browser, 10).until(EC.staleness_of(form))
            return
        if f"page={page + 1}" not in browser.page_source:
            break
    pytest.fail(f"检查页上找不到问题 {finding} 的确认表单")


def farm_fix(server: FarmServer, code: str) -> None:
    """What the unit does on its own site: POST the farm's control path."""
    host, _, path = server.fix_url(code).removeprefix("http://").partition("/")
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request("POST", "/" + path, body=b"")
    assert connection.getresponse().status == 200
    connection.close()


@pytest.fixture
def world(farm: Farm, settings: Any, tmp_path: Path) -> Any:
    """The farm scanned and inspected; a supervisor of the province, the fixable site's
    unit operator; re-checks reach the farm by the settings, as in the served demo."""
    settings.DATA_DIR = tmp_path / "data"
    settings.GOVWATCH_RECHECK_INLINE = True  # the submit answers once the re-check is done
    server = FarmServer(farm).__enter__()
    settings.GOVWATCH_ALLOW_HOSTS = ["127.0.0.0/8"]
    settings.GOVWATCH_RESOLVE = [f"{host}={target}" for host, target in server.host_map()]
    sites_scan(Site.objects.all(), scan_date=farm.scan_date, fetch=server.fetch_config())
    inspection = inspection_run(quarter_label(farm.scan_date))
    fixable = Site.objects.get(site_code=site_code("dm6"))
    province = Unit.objects.get(name="示范省人民政府")
    user("shengjianguan", "supervisor", province)
    user("kaifaqu", "unit_operator", fixable.operating_unit)
    yield {"server": server, "inspection": inspection, "site": fixable}
    server.__exit__(None, None, None)


def test_supervisor_sends_unit_rectifies_recheck_passes_supervisor_closes(
    browser: Any, live_app: str, screenshots: Path, world: Any, tmp_path: Path
) -> None:
    inspection, site = world["inspection"], world["site"]
    problems = InspectionFinding.objects.filter(
        result__inspection=inspection, severity__in=("veto", "deduction", "warning")
    )
    icp = problems.get(result__site=site, code="SIT003")
    other = problems.exclude(result__site=site).filter(result__site__isnull=False).first()
    false_alarm = problems.exclude(result__site=site).exclude(pk=other.pk).first()
    assert other is not None and false_alarm is not None

    # 1. The supervisor confirms two findings, dismisses a third, and sends the lists.
    login(browser, live_app, "shengjianguan")
    assert "/supervise/" in browser.current_url
    shot(browser, screenshots, "01-work-home")
    decide(browser, live_app, inspection.pk, icp.pk, "confirmed", "监管人员确认：页脚缺少ICP备案号")
    decide(browser, live_app, inspection.pk, other.pk, "confirmed", "监管人员确认")
    decide(browser, live_app, inspection.pk, false_alarm.pk, "dismissed", "误报：已人工核实")
    false_alarm.refresh_from_db()
    assert (false_alarm.state, false_alarm.state_reason) == ("dismissed", "误报：已人工核实")
    browser.get(f"{live_app}/supervise/inspections/{inspection.pk}/")
    assert browser.find_element(By.ID, "to-send-count").text == "2"
    shot(browser, screenshots, "02-inspection-before-send")
    browser.find_element(By.ID, "send-lists").click()
    wait(browser, lambda b: "已下发" in text(b) or "问题清单" in text(b))
    item = ProblemItem.objects.get(finding=icp)
    other_item = ProblemItem.objects.get(finding=other)
    assert item.problem_list.unit == site.operating_unit != other_item.problem_list.unit
    browser.get(f"{live_app}/supervise/stats/")
    before = browser.find_element(By.ID, "completion-table").text
    shot(browser, screenshots, "03-stats-before")

    # 2. The unit operator sees its own list only, answers, uploads, fixes and submits.
    browser.set_window_size(390, 844)  # a phone: the portal must work there
    login(browser, live_app, "kaifaqu")
    assert "/portal/" in browser.current_url
    page = text(browser)
    assert other_item.problem_list.unit.name not in page
    shot(browser, screenshots, "04-portal-home-phone")
    browser.find_element(By.CSS_SELECTOR, "a.list-link").click()
    links = browser.find_elements(By.CSS_SELECTOR, "a.item-link")
    assert len(links) == 1  # only the unit's own item
    links[0].click()
    assert "ICP" in text(browser) or "备案" in text(browser)
    browser.find_element(By.NAME, "answer").send_keys(
        "已在网站页脚补充ICP备案号，并完成全站模板更新。"
    )
    browser.find_element(By.ID, "save-answer").click()
    report = tmp_path / "整改报告.pdf"
    report.write_bytes(PDF)
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.NAME, "file")))
    browser.find_element(By.NAME, "file").send_keys(str(report))
    browser.find_element(By.ID, "upload-file").click()
    wait(browser, lambda b: "整改报告.pdf" in text(b))
    farm_fix(world["server"], "dm6")
    shot(browser, screenshots, "05-portal-item-before-submit")
    browser.find_element(By.ID, "submit-item").click()
    wait(browser, lambda b: "复查通过" in text(b), 120)
    shot(browser, screenshots, "06-portal-item-recheck-passed")
    item.refresh_from_db()
    assert (item.state, item.recheck) == ("submitted", "passed")
    assert item.attachments.get().name == "整改报告.pdf"
    # Another unit's item is not there for this unit: 404.
    browser.get(f"{live_app}/portal/items/{other_item.pk}/")
    assert browser.title.startswith("404")
    assert other_item.problem_list.unit.name not in text(browser)

    # 3. The supervisor closes the item; the 办结率 updates.
    browser.set_window_size(1280, 900)
    login(browser, live_app, "shengjianguan")
    browser.get(f"{live_app}/supervise/items/{item.pk}/")
    assert "复查通过" in text(browser)
    browser.find_element(By.NAME, "note").send_keys("复查通过，予以办结")
    browser.find_element(By.ID, "close-item").click()
    wait(browser, lambda b: b.find_element(By.ID, "item-state").text == "已办结")
    shot(browser, screenshots, "07-work-item-closed")
    browser.get(f"{live_app}/supervise/stats/")
    after = browser.find_element(By.ID, "completion-table").text
    shot(browser, screenshots, "08-stats-after")
    assert after != before
    assert "50.00%" in after  # 2 sent, 1 closed
