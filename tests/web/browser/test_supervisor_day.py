"""A supervisor's day in a real browser, on the demo farm scanned and inspected:

open the overview (figures, charts drawn by the vendored ECharts), drill from the region to
a failing site, from the site to a finding and its evidence; export the failing list to
Excel; start a bulletin from the web, follow its progress and download it; look at the wall
display. Screenshots of every step are kept (tests/web/browser/conftest.py prints their
folder)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.web.browser.test_problem_list_flow import login, shot, text, wait, world

__all__ = ["world"]  # the fixture: the farm scanned and inspected, two logins


def downloads_to(browser: Any, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)}
    )


def downloaded(folder: Path, suffix: str, seconds: float = 30) -> Path:
    """The file with SUFFIX the browser finished writing into FOLDER."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(f"*{suffix}") if p.stat().st_size > 0]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"{seconds} 秒内没有下载到 {suffix} 文件：{list(folder.iterdir())}")


def finished(browser: Any, done: Any) -> None:
    """Wait on an operation's page (it polls its progress) until DONE or a failure."""
    wait(browser, EC.presence_of_element_located((By.ID, "op-state")))
    WebDriverWait(browser, 120).until(
        lambda b: done(b) or "失败" in b.find_element(By.ID, "op-state").text
    )
    assert "失败" not in browser.find_element(By.ID, "op-state").text, text(browser)


def canvas_drawn(browser: Any, chart: str) -> bool:
    return bool(browser.find_elements(By.CSS_SELECTOR, f"#{chart} canvas"))


def test_supervisor_day(
    browser: Any, live_app: str, screenshots: Path, world: Any, tmp_path: Path, settings: Any
) -> None:
    inspection = world["inspection"]
    # Operations run on a thread of the served app, as on the embedded default (the
    # service suite has a broker but no worker in this process).
    settings.CELERY_BROKER_URL = ""
    login(browser, live_app, "shengjianguan")

    # 1. The overview of the province: figures, the children, both charts, the failing list.
    assert browser.current_url.endswith("/supervise/")
    assert browser.find_element(By.ID, "node-name").text == "示范省人民政府"
    assert browser.find_element(By.ID, "kpi-site-rate").text.endswith("%")
    wait(browser, lambda b: canvas_drawn(b, "chart-children") and canvas_drawn(b, "chart-trend"))
    failing_rows = browser.find_elements(By.CSS_SELECTOR, "#failing-table tbody tr")
    assert failing_rows, "不合格名单为空"
    shot(browser, screenshots, "day-01-overview")

    # 2. Drill: a region with a failing site, then the site, then one of its findings.
    region = browser.find_element(By.CSS_SELECTOR, "#children a.region-link")
    region_name = region.text
    region.click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "node-name"), region_name))
    assert "总览" in browser.find_element(By.CSS_SELECTOR, ".crumbs").text
    shot(browser, screenshots, "day-02-region")
    browser.get(f"{live_app}/supervise/")
    site_link = browser.find_element(By.CSS_SELECTOR, "#failing-table a.failing-link")
    site_name = site_link.text
    site_link.click()
    wait(browser, EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), site_name))
    shot(browser, screenshots, "day-03-site")
    finding_link = browser.find_element(By.CSS_SELECTOR, "a.finding-link")
    finding_link.click()
    wait(browser, EC.presence_of_element_located((By.ID, "evidence")))
    assert browser.find_element(By.ID, "rule").text  # the indicator and its source
    assert site_name in text(browser)
    shot(browser, screenshots, "day-04-evidence")

    # 3. Export the failing list: every row, a header, frozen panes and a filter.
    folder = tmp_path / "downloads"
    downloads_to(browser, folder)
    browser.get(f"{live_app}/supervise/")
    browser.find_element(By.ID, "export-failing").click()
    sheet = load_workbook(downloaded(folder, ".xlsx")).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "对象" and len(rows) - 1 >= len(failing_rows)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref

    # 4. From the web: an inspection of the supervisor's region, then its bulletin; each
    # with its progress page, the bulletin downloaded.
    browser.get(f"{live_app}/supervise/ops/inspect/")
    browser.find_element(By.ID, "period").send_keys(inspection.period)
    browser.find_element(By.CSS_SELECTOR, "#inspect-form button[type=submit]").click()
    finished(browser, lambda b: "已完成" in b.find_element(By.ID, "op-state").text)
    shot(browser, screenshots, "day-05-inspection-done")
    browser.get(f"{live_app}/supervise/ops/bulletin/")
    choices = Select(browser.find_element(By.ID, "inspection"))
    assert choices.options, "没有可生成通报的检查"
    choices.select_by_index(0)  # the newest: the one just run
    pdf = browser.find_element(By.CSS_SELECTOR, 'input[name="pdf"]')
    if pdf.is_selected():
        pdf.click()  # LibreOffice is the bulletin tests' business, not this walk's
    shot(browser, screenshots, "day-06-bulletin-form")
    browser.find_element(By.CSS_SELECTOR, "#bulletin-form button[type=submit]").click()
    finished(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "a.op-file"))
    shot(browser, screenshots, "day-07-bulletin-done")
    docx = [a for a in browser.find_elements(By.CSS_SELECTOR, "a.op-file") if ".docx" in a.text]
    assert docx, text(browser)
    docx[0].click()
    assert downloaded(folder, ".docx").read_bytes()[:2] == b"PK"

    # 5. The wall display, as left on a screen in the office.
    browser.get(f"{live_app}/supervise/wall/")
    wait(browser, lambda b: canvas_drawn(b, "chart-children"))
    assert browser.find_element(By.ID, "wall-title").text == "示范省人民政府"
    shot(browser, screenshots, "day-08-wall")
