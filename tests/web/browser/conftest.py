"""Browser tests: headless Debian chromium driven by Selenium against the app served on
127.0.0.1.

- ``browser``: one chromium for the session (/usr/bin/chromium through
  /usr/bin/chromedriver; nothing is downloaded). Without them the tests skip, unless
  GOVWATCH_REQUIRE_BROWSER=1 (CI: scripts/test sets it), where they fail.
  scripts/browser-deps installs them.
- ``live_app``: the app's base URL, served by pytest-django's ``live_server`` on
  127.0.0.1 and a free port; the test gets a transactional database, so what it writes is
  what the served pages read (SQLite in memory shares its connection with the server
  thread; PostgreSQL commits).
- ``screenshots``: the folder for this run's PNGs, $GOVWATCH_ARTEFACTS or
  var/test-artefacts/<run>; the run prints it at the end.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parents[3]
WINDOW = (1280, 900)

_artefacts: list[Path] = []


def pytest_configure(config: pytest.Config) -> None:
    # live_server binds "localhost" unless told otherwise; the browser tests use the
    # loopback address itself (the app's default ALLOWED_HOSTS has it).
    if not config.getoption("liveserver", None) and not os.getenv(
        "DJANGO_LIVE_TEST_SERVER_ADDRESS"
    ):
        config.option.liveserver = "127.0.0.1"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for folder in _artefacts:
        shots = sorted(folder.glob("*.png")) if folder.is_dir() else []
        if shots:
            terminalreporter.write_line(f"浏览器测试截图（{len(shots)} 张）：{folder}")


def _unavailable(reason: str) -> None:
    if os.environ.get("GOVWATCH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"GOVWATCH_REQUIRE_BROWSER=1，浏览器测试不能跳过：{reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Headless chromium (Selenium 4), 1280×900, Chinese UI language."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        _unavailable(
            f"未安装浏览器：缺少 {'、'.join(missing)}"
            "（以 root 运行 scripts/browser-deps 安装 chromium、chromium-driver、fonts-noto-cjk）"
        )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("未安装 selenium（pip install -e '.[dev]'）")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--lang=zh-CN",
        "--no-proxy-server",  # the app is on loopback; never a proxy from the environment
    ):
        options.add_argument(argument)
    # The live server outlives the browser: chromium closes its kept-alive connections
    # when it quits, and the server's request threads must still find the shared
    # in-memory SQLite connection then.
    request.getfixturevalue("live_server")
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """This run's folder for PNG artefacts (kept after the run, printed at its end)."""
    configured = os.environ.get("GOVWATCH_ARTEFACTS", "").strip()
    if configured:
        folder = Path(configured).resolve()
    else:
        run = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
        folder = ROOT / "var" / "test-artefacts" / run
    folder.mkdir(parents=True, exist_ok=True)
    _artefacts.append(folder)
    return folder


@pytest.fixture
def live_app(live_server: Any, transactional_db: None, browser: Any) -> str:
    """The app on http://127.0.0.1:<free port>, with a fresh browser session (no cookie
    of an earlier test) in a window of the standard size."""
    browser.delete_all_cookies()
    browser.set_window_size(*WINDOW)
    return str(live_server.url)
