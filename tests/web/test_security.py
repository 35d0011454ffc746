"""Login hardening (issue "Hardening", item 3): lockout, password rules, HTTPS behind a
reverse proxy, the Content-Security-Policy header and the secret-key file.

Real requests through Django's test client on the real database; `govwatch init` and the
settings module run in subprocesses with the environment an operator would set.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.test import Client
from selectolax.lexbor import LexborHTMLParser

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct-horse-battery-42"
LOCKED = "登录失败次数过多，账户已锁定，请于15分钟后再试或联系管理员"
TOO_SHORT = "密码长度太短。密码必须包含至少 10 个字符。"
PROXY_ORIGIN = "https://gov.example.cn"


@pytest.fixture
def lockouts(db: None) -> Iterator[None]:
    """Every test that logs in: the lockout counts are cleared afterwards (axes' reset)."""
    yield
    reset()


@pytest.fixture
def officer(lockouts: None) -> AbstractBaseUser:
    return get_user_model().objects.create_superuser("officer", "", PASSWORD)


def login(client: Client, password: str, username: str = "officer", **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- lockout ---------------------------------------------------------------------------


def test_fifth_wrong_password_locks_the_name_from_that_address(officer: AbstractBaseUser) -> None:
    client = Client()
    for attempt in range(1, 5):
        page = login(client, f"wrong-{attempt}")
        assert page.status_code == 200, attempt
        assert "请输入一个正确的" in page.content.decode()  # Django's own wrong-password text
    # The fifth failure is answered with the lockout; the sixth wrong password, and even the
    # right one, are refused with it until the cool-off has passed.
    for password in ("wrong-5", "wrong-6", PASSWORD):
        page = login(client, password)
        assert page.status_code == 429, password
        text = page.content.decode()
        assert LOCKED in text and "连续 5 次" in text
        assert "Content-Security-Policy" in page
        assert not logged_in(client)
    assert client.get("/admin/").status_code == 302  # still the login page

    # Locked by name and address together: the same name from another address, and another
    # name from this address, still log in.
    elsewhere = Client(REMOTE_ADDR="10.20.30.40")
    assert login(elsewhere, PASSWORD).status_code == 302 and logged_in(elsewhere)
    get_user_model().objects.create_superuser("colleague", "", PASSWORD)
    colleague = Client()
    assert login(colleague, PASSWORD, username="colleague").status_code == 302

    # Fifteen quiet minutes later (the attempts moved back in time) the right password works.
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert login(client, PASSWORD).status_code == 302 and logged_in(client)


def test_a_successful_login_clears_the_count(officer: AbstractBaseUser) -> None:
    client = Client()
    for attempt in range(4):
        login(client, f"wrong-{attempt}")
    assert login(client, PASSWORD).status_code == 302
    client.logout()
    for attempt in range(4):
        assert login(client, f"again-{attempt}").status_code == 200
    assert login(client, PASSWORD).status_code == 302


def test_lockout_admin_pages_are_chinese(admin_client: Client, officer: AbstractBaseUser) -> None:
    for attempt in range(5):
        login(Client(), f"wrong-{attempt}")
    index = admin_client.get("/admin/").content.decode()
    assert "登录安全" in index and "登录失败计数" in index
    listing = admin_client.get("/admin/axes/accessattempt/").content.decode()
    assert "officer" in listing and "失败次数" in listing
    assert re.search(r"<td class=\"field-status\">已锁定</td>", listing)


# --- password rules --------------------------------------------------------------------


def test_admin_password_change_refuses_123_in_chinese(admin_client: Client) -> None:
    page = admin_client.post(
        "/admin/password_change/",
        {"old_password": "pw-for-tests", "new_password1": "123", "new_password2": "123"},
    )
    assert page.status_code == 200
    text = page.content.decode()
    for reason in (TOO_SHORT, "这个密码太常见了。", "密码只包含数字。"):
        assert reason in text
    assert get_user_model().objects.get(username="inspector").check_password("pw-for-tests")


def test_admin_set_password_form_refuses_weak_and_takes_strong(admin_client: Client) -> None:
    user = get_user_model().objects.create_user("zhangwei", "", "old-password-123")
    url = f"/admin/auth/user/{user.pk}/password/"
    weak = admin_client.post(url, {"password1": "zhangwei1", "password2": "zhangwei1"})
    text = weak.content.decode()
    assert weak.status_code == 200 and TOO_SHORT in text and "太相似" in text
    strong = admin_client.post(url, {"password1": PASSWORD, "password2": PASSWORD})
    assert strong.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def govwatch(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("GOVWATCH_", "DATABASE_URL"))
    }
    environment.update(GOVWATCH_DATA_DIR=str(tmp_path / "var"), **env)
    return subprocess.run(
        [sys.executable, "-m", "govwatch", *args],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )


def users_in(tmp_path: Path) -> list[str]:
    with sqlite3.connect(tmp_path / "var" / "govwatch.sqlite3") as database:
        return [row[0] for row in database.execute("select username from auth_user")]


def test_init_refuses_a_weak_admin_password(tmp_path: Path) -> None:
    weak = govwatch(tmp_path, "init", GOVWATCH_ADMIN_PASSWORD="123")
    assert weak.returncode == 2, weak.stderr
    assert "GOVWATCH_ADMIN_PASSWORD不符合密码要求，未创建管理员" in weak.stderr
    for reason in (TOO_SHORT, "这个密码太常见了。", "密码只包含数字。"):
        assert reason in weak.stderr
    assert users_in(tmp_path) == []
    strong = govwatch(tmp_path, "init", GOVWATCH_ADMIN_PASSWORD=PASSWORD)
    assert strong.returncode == 0, strong.stderr
    assert users_in(tmp_path) == ["admin"]


def test_demo_admin_password_passes_the_rules(db: None, settings: Any) -> None:
    from govwatch.cli.demo import demo_admin

    settings.GOVWATCH_ADMIN_PASSWORD = ""
    shown = re.search(r"密码 (\S+)（", demo_admin())
    assert shown
    user = get_user_model().objects.get(username=settings.GOVWATCH_ADMIN_USER)
    validate_password(shown.group(1), user)
    # The demo makes its password with secrets.token_urlsafe(9): twelve characters.
    for _ in range(300):
        validate_password(secrets.token_urlsafe(9), user)


# --- HTTPS behind a reverse proxy ------------------------------------------------------


@pytest.fixture
def behind_proxy(settings: Any) -> Any:
    """The settings docs/configuration.md gives for nginx on the same machine:
    GOVWATCH_HTTPS=1, GOVWATCH_TRUSTED_PROXIES=127.0.0.1,
    GOVWATCH_CSRF_TRUSTED_ORIGINS=https://gov.example.cn (what test_settings_from_environment
    shows those variables become)."""
    settings.GOVWATCH_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.CSRF_TRUSTED_ORIGINS = [PROXY_ORIGIN]
    settings.ALLOWED_HOSTS = ["gov.example.cn", "127.0.0.1"]
    return settings


def proxied_login(host: str, peer: str = "127.0.0.1", client_ip: str = "203.0.113.7") -> Any:
    """GET the login page and POST it, as nginx forwards a browser's https requests: plain
    http at the socket, X-Forwarded-Proto https, the browser's Origin, CSRF checks on."""
    client = Client(
        enforce_csrf_checks=True,
        REMOTE_ADDR=peer,
        HTTP_HOST=host,
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_FOR=client_ip,
    )
    form = client.get(LOGIN)
    token = client.cookies["csrftoken"].value
    answer = client.post(
        LOGIN,
        {"username": "officer", "password": PASSWORD, "csrfmiddlewaretoken": token},
        HTTP_ORIGIN=PROXY_ORIGIN,
    )
    return form, answer


def test_login_through_https_proxy(behind_proxy: Any, officer: AbstractBaseUser) -> None:
    form, answer = proxied_login("gov.example.cn")
    assert form.cookies["csrftoken"]["secure"]
    assert form["Strict-Transport-Security"] == "max-age=31536000"
    assert answer.status_code == 302 and answer["Location"] == "/admin/"
    session = answer.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert "Secure" in session.output() and "HttpOnly" in session.output()


def test_proxy_header_alone_is_enough_when_nginx_passes_the_host(
    behind_proxy: Any, officer: AbstractBaseUser
) -> None:
    behind_proxy.CSRF_TRUSTED_ORIGINS = []
    _, answer = proxied_login("gov.example.cn")
    assert answer.status_code == 302


def test_login_through_proxy_that_rewrites_host(
    behind_proxy: Any, officer: AbstractBaseUser
) -> None:
    # nginx without `proxy_set_header Host $host`: Django sees 127.0.0.1 while the browser's
    # Origin is https://gov.example.cn, accepted only as a trusted origin.
    _, answer = proxied_login("127.0.0.1")
    assert answer.status_code == 302 and answer.cookies["sessionid"]["secure"]
    behind_proxy.CSRF_TRUSTED_ORIGINS = []
    _, refused = proxied_login("127.0.0.1")
    assert refused.status_code == 403


def test_forwarded_headers_are_ignored_from_other_peers(behind_proxy: Any) -> None:
    # A client reaching waitress directly cannot claim https (nor another address, below).
    direct = Client(REMOTE_ADDR="198.51.100.2", HTTP_HOST="gov.example.cn")
    page = direct.get(LOGIN, HTTP_X_FORWARDED_PROTO="https")
    assert page.status_code == 200 and "Strict-Transport-Security" not in page
    proxied = Client(REMOTE_ADDR="127.0.0.1", HTTP_HOST="gov.example.cn")
    assert "Strict-Transport-Security" in proxied.get(LOGIN, HTTP_X_FORWARDED_PROTO="https")


def test_without_proxy_settings_https_login_is_refused(settings: Any, officer: Any) -> None:
    # What the issue reported: behind an https proxy with no proxy settings, CSRF 403.
    settings.ALLOWED_HOSTS = ["gov.example.cn"]
    _, answer = proxied_login("gov.example.cn")
    assert answer.status_code == 403


def test_lockout_counts_the_forwarded_client(behind_proxy: Any, officer: AbstractBaseUser) -> None:
    def attempt(peer: str, forwarded_for: str, password: str) -> int:
        client = Client(
            REMOTE_ADDR=peer, HTTP_HOST="gov.example.cn", HTTP_X_FORWARDED_FOR=forwarded_for
        )
        return int(login(client, password).status_code)

    for n in range(5):
        attempt("127.0.0.1", f"198.51.100.{n}, 203.0.113.7", "wrong")  # left part: client's say
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]
    assert attempt("127.0.0.1", "203.0.113.7", PASSWORD) == 429
    assert attempt("127.0.0.1", "203.0.113.8", PASSWORD) == 302  # another office behind nginx
    # A direct client naming someone else in X-Forwarded-For is counted as itself.
    attempt("198.51.100.9", "203.0.113.9", "wrong")
    assert AccessAttempt.objects.filter(ip_address="198.51.100.9").exists()


def settings_from(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    names = [
        "GOVWATCH_HTTPS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "CSRF_TRUSTED_ORIGINS",
        "GOVWATCH_TRUSTED_PROXIES",
        "AXES_FAILURE_LIMIT",
        "GOVWATCH_LOGIN_LOCKOUT_MINUTES",
        "AXES_COOLOFF_MESSAGE",
        "GOVWATCH_PASSWORD_MIN_LENGTH",
    ]
    code = (
        "import json; from govwatch.web.config import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}} | "
        "{'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
        "'cooloff': s.AXES_COOLOFF_TIME.total_seconds()}))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GOVWATCH_")}
    environment.update(GOVWATCH_DATA_DIR=str(tmp_path / "var"), **env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_settings_from_environment(tmp_path: Path) -> None:
    default = json.loads(settings_from({}, tmp_path).stdout)
    assert default["SESSION_COOKIE_SECURE"] is False and default["SECURE_HSTS_SECONDS"] == 0
    assert default["proxy"] is None and default["CSRF_TRUSTED_ORIGINS"] == []
    assert default["AXES_FAILURE_LIMIT"] == 5 and default["cooloff"] == 15 * 60
    assert default["GOVWATCH_PASSWORD_MIN_LENGTH"] == 10

    deployed = json.loads(
        settings_from(
            {
                "GOVWATCH_HTTPS": "1",
                "GOVWATCH_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8",
                "GOVWATCH_CSRF_TRUSTED_ORIGINS": PROXY_ORIGIN,
                "GOVWATCH_LOGIN_FAILURES": "3",
                "GOVWATCH_LOGIN_LOCKOUT_MINUTES": "30",
            },
            tmp_path,
        ).stdout
    )
    assert deployed["SESSION_COOKIE_SECURE"] and deployed["CSRF_COOKIE_SECURE"]
    assert deployed["SECURE_HSTS_SECONDS"] == 31536000
    assert deployed["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert deployed["GOVWATCH_TRUSTED_PROXIES"] == ["127.0.0.1", "10.0.0.0/8"]
    assert deployed["CSRF_TRUSTED_ORIGINS"] == [PROXY_ORIGIN]
    assert deployed["AXES_FAILURE_LIMIT"] == 3 and deployed["cooloff"] == 30 * 60
    assert "请于30分钟后再试" in deployed["AXES_COOLOFF_MESSAGE"]

    hsts = json.loads(
        settings_from({"GOVWATCH_HTTPS": "1", "GOVWATCH_HSTS_SECONDS": "600"}, tmp_path).stdout
    )
    assert hsts["SECURE_HSTS_SECONDS"] == 600 and hsts["proxy"] is None

    for bad, says in (
        ({"GOVWATCH_TRUSTED_PROXIES": "nginx"}, "不是 IP 地址或网段"),
        ({"GOVWATCH_CSRF_TRUSTED_ORIGINS": "gov.example.cn"}, "缺少协议"),
        ({"GOVWATCH_LOGIN_FAILURES": "0"}, "过小"),
        ({"GOVWATCH_PASSWORD_MIN_LENGTH": "6"}, "过小"),
    ):
        refused = settings_from(bad, tmp_path)
        assert refused.returncode != 0 and says in refused.stderr, bad


# --- Content-Security-Policy -----------------------------------------------------------


def assert_csp_clean(page: Any) -> None:
    """The header is there and the page needs nothing it forbids: every script is a file
    from this site, no inline script, no event-handler attribute, no javascript: link."""
    assert page["Content-Security-Policy"].startswith("default-src 'self'")
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"
    tree = LexborHTMLParser(page.content.decode())
    for script in tree.css("script"):
        source = script.attributes.get("src") or ""
        assert source.startswith("/") and not source.startswith("//"), script.html
        assert not (script.text() or "").strip(), script.html
    for node in tree.css("*"):
        for name, value in node.attributes.items():
            assert not name.startswith("on"), node.html
            assert not (value or "").strip().lower().startswith("javascript:"), node.html


def test_csp_on_admin_pages_that_need_no_inline_script(admin_client: Client) -> None:
    login_page = Client().get(LOGIN)
    assert_csp_clean(login_page)
    for url in ("/admin/", "/admin/registry/site/", "/admin/monitoring/schedule/add/"):
        page = admin_client.get(url)
        assert page.status_code == 200, url
        assert_csp_clean(page)
    # The change form with a date widget and autocompletes: its scripts are all files.
    form = admin_client.get("/admin/monitoring/schedule/add/").content.decode()
    assert "vDateField" in form and "DateTimeShortcuts.js" in form and "autocomplete" in form
    jsi18n = admin_client.get("/admin/jsi18n/")
    assert jsi18n.status_code == 200 and "javascript" in jsi18n["Content-Type"]


# --- secret key file -------------------------------------------------------------------


def secret_key_of(data_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GOVWATCH_")}
    environment["GOVWATCH_DATA_DIR"] = str(data_dir)
    code = "from govwatch.web.config import settings; print(settings.SECRET_KEY)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_secret_key_file_is_owner_only_and_never_empty(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    key_file = data_dir / "secret_key"
    first = secret_key_of(data_dir).stdout.strip()
    assert len(first) > 50 and key_file.read_text() == first
    assert mode_of(key_file) == 0o600
    assert secret_key_of(data_dir).stdout.strip() == first  # kept

    key_file.chmod(0o644)  # an older govwatch wrote it world-readable
    assert secret_key_of(data_dir).stdout.strip() == first
    assert mode_of(key_file) == 0o600

    key_file.write_text(" \n")
    key_file.chmod(0o644)
    renewed = secret_key_of(data_dir).stdout.strip()
    assert len(renewed) > 50 and renewed != first
    assert key_file.read_text() == renewed and mode_of(key_file) == 0o600
    assert sorted(p.name for p in data_dir.iterdir()) == ["secret_key"]  # no temporaries left
