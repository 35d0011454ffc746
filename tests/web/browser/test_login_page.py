"""Smoke test of the browser suite: the login page in headless chromium, in Chinese, with
its screenshot kept; the Chinese text is drawn with real glyphs, not missing-glyph boxes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

# Two different ideographs drawn in the page's own font: with no CJK font both come out
# as the same missing-glyph box (tofu), so their pixels are equal.
_GLYPHS_DIFFER = """
const font = getComputedStyle(document.body).fontSize + " " +
    getComputedStyle(document.body).fontFamily;
function pixels(text) {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 64;
  const context = canvas.getContext("2d");
  context.font = font.replace(/^\\S+/, "40px");
  context.fillStyle = "#000";
  context.fillText(text, 4, 48);
  return Array.from(context.getImageData(0, 0, 64, 64).data).join(",");
}
const one = pixels("政"), two = pixels("务"), blank = pixels("");
return one !== two && one !== blank && two !== blank;
"""


def test_login_page_renders_chinese(browser: Any, live_app: str, screenshots: Path) -> None:
    browser.get(f"{live_app}/login/")
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.NAME, "password")))
    assert browser.current_url.startswith(live_app)
    assert browser.find_element(By.NAME, "username").is_displayed()
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "登录" in body, body[:500]
    shot = screenshots / "login.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 5000
    assert browser.execute_script(_GLYPHS_DIFFER), "中文显示为缺字方框：未安装 fonts-noto-cjk"
