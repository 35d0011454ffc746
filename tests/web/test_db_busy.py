"""Several processes on one SQLite file (the embedded default): readers never wait, a
write that cannot get the lock within the busy timeout (30 s) is refused with
「数据库正忙：另一个任务正在写入，请稍后再试」, exit 2 on the command line, a Chinese 503
page with Retry-After on the web, and never a traceback.

Real processes (`python -m govwatch …`) on a real SQLite file in tmp_path; the lock is
held by another real connection, or by a big import.
"""

from __future__ import annotations

import csv
import http.cookiejar
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import RequestFactory

from demo.farm import FarmServer, build_farm
from demo.farm_registry import site_code, write_farm_registry
from govwatch.web.config.middleware import DatabaseBusyMiddleware, server_error

if os.environ.get("GOVWATCH_REQUIRE_SERVICES") == "1":
    pytest.skip("SQLite's locking is the embedded default's", allow_module_level=True)

BUSY = "数据库正忙：另一个任务正在写入，请稍后再试"
PASSWORD = "busy-test-password"


# ---------------------------------------------------------------- the middleware itself


def _locked_error(tmp_path: Path) -> OperationalError:
    """SQLite's own "database is locked", met for real, as Django's wrapper re-raises it."""
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("create table t (x)")
    holder.execute("begin immediate")
    waiter = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        waiter.execute("begin immediate")
    except sqlite3.OperationalError as exc:
        return OperationalError(*exc.args)
    finally:
        waiter.close()
        holder.close()
    raise AssertionError("the second writer got the lock")


def test_middleware_answers_503_in_chinese_for_a_locked_database(tmp_path: Path) -> None:
    assert "govwatch.web.config.middleware.DatabaseBusyMiddleware" in settings.MIDDLEWARE
    locked = _locked_error(tmp_path)
    assert "database is locked" in str(locked)
    middleware = DatabaseBusyMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    factory = RequestFactory()

    page = middleware.process_exception(factory.post("/admin/registry/unit/add/"), locked)
    assert page is not None and page.status_code == 503
    assert page["Retry-After"].isdigit()
    assert page["Content-Type"].startswith("text/html")
    assert "数据库正忙" in page.content.decode()

    api = middleware.process_exception(factory.post("/api/posts/push/1/"), locked)
    assert api is not None and api.status_code == 503
    assert json.loads(api.content) == {"error": BUSY} and api["Retry-After"].isdigit()

    # Any other database error is not ours to soften.
    other = OperationalError("no such table: registry_unit")
    assert middleware.process_exception(factory.get("/admin/"), other) is None
    assert middleware.process_exception(factory.get("/admin/"), ValueError("x")) is None


def test_server_error_handler_tells_a_busy_database_from_a_bug(tmp_path: Path) -> None:
    locked = _locked_error(tmp_path)
    request = RequestFactory().get("/admin/")
    try:
        raise locked
    except OperationalError:
        busy = server_error(request)
    assert busy.status_code == 503 and "数据库正忙" in busy.content.decode()
    try:
        raise KeyError("bug")
    except KeyError:
        bug = server_error(request)
    assert bug.status_code == 500 and "服务器错误" in bug.content.decode()


# ---------------------------------------------------------------- real processes


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVWATCH_", "DATABASE_URL"))}
    env.update(
        GOVWATCH_DATA_DIR=str(tmp_path / "var"),
        DATABASE_URL="",
        CELERY_BROKER_URL="",
        GOVWATCH_ADMIN_PASSWORD=PASSWORD,
        **extra,
    )
    return env


def _db(tmp_path: Path) -> Path:
    return tmp_path / "var" / "govwatch.sqlite3"


def _count(tmp_path: Path, sql: str, *params: object) -> int:
    with sqlite3.connect(_db(tmp_path), timeout=60) as con:
        return int(con.execute(sql, params).fetchone()[0])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(tmp_path: Path, env: dict[str, str], name: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "govwatch", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=(tmp_path / f"{name}.out").open("w"),
        stderr=(tmp_path / f"{name}.err").open("w"),
        text=True,
    )


def _output(tmp_path: Path, name: str) -> tuple[str, str]:
    return (
        (tmp_path / f"{name}.out").read_text(encoding="utf-8"),
        (tmp_path / f"{name}.err").read_text(encoding="utf-8"),
    )


def _units_csv(path: Path, prefix: str, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["单位名称", "层级", "单位类型"])
        writer.writerows([f"{prefix}{i:06d}", "县级", "部门"] for i in range(count))
    return path


@contextmanager
def _web(tmp_path: Path, env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    server = _start(tmp_path, env, "serve", "serve", "--port", str(port))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/admin/login/", timeout=5):
                    break
            except OSError:
                assert server.poll() is None, _output(tmp_path, "serve")
                assert time.monotonic() < deadline, "the web app did not start"
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


class _Poller(threading.Thread):
    """GET a page every 50 ms and keep every status (or the error met instead)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.statuses: list[int | str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with urllib.request.urlopen(self.url, timeout=30) as page:
                    page.read()
                    self.statuses.append(page.status)
            except urllib.error.HTTPError as exc:
                self.statuses.append(exc.code)
            except OSError as exc:
                self.statuses.append(repr(exc))
            self.stop.wait(0.05)


class _LockWatch(threading.Thread):
    """Tries for the write lock every 50 ms without waiting: how often another held it."""

    def __init__(self, db: Path) -> None:
        super().__init__(daemon=True)
        self.db = db
        self.held = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            con = sqlite3.connect(self.db, timeout=0, isolation_level=None)
            try:
                con.execute("begin immediate")
                con.execute("rollback")
            except sqlite3.OperationalError:
                self.held += 1
            finally:
                con.close()
            self.stop.wait(0.05)


@contextmanager
def _write_lock(tmp_path: Path) -> Iterator[None]:
    """Another process's long write transaction, as a long import or a stuck job holds it."""
    holder = sqlite3.connect(_db(tmp_path), isolation_level=None)
    try:
        holder.execute("begin immediate")
        holder.execute("update registry_unit set phone = phone")
        yield
    finally:
        holder.execute("rollback")
        holder.close()


def _login(base: str, opener: urllib.request.OpenerDirector) -> tuple[int, dict[str, str], str]:
    with opener.open(f"{base}/admin/login/", timeout=30) as page:
        form = page.read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert match, form[:500]
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": match[1], "username": "admin", "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(
        f"{base}/admin/login/?next=/admin/", data=data, headers={"Referer": f"{base}/admin/login/"}
    )
    try:
        with opener.open(request, timeout=90) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.mark.slow
def test_a_held_write_lock_refuses_writes_in_chinese_and_never_blocks_reads(
    tmp_path: Path,
) -> None:
    env = _env(tmp_path)
    init = subprocess.run(
        [sys.executable, "-m", "govwatch", "init"], env=env, capture_output=True, text=True
    )
    assert init.returncode == 0, init.stderr
    small = _units_csv(tmp_path / "small.csv", "小文件单位", 3)
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
    )
    with _web(tmp_path, env) as base:
        poller = _Poller(f"{base}/admin/login/")
        with _write_lock(tmp_path):
            poller.start()
            started = time.monotonic()
            write = _start(tmp_path, env, "write", "registry", "import", str(small))
            login: dict[str, Any] = {}
            web = threading.Thread(target=lambda: login.update(answer=_login(base, opener)))
            web.start()
            # A verb that only reads, started while the lock is held: its migrations check
            # and its reads go through at once (WAL readers do not wait for the writer).
            export = ["registry", "export", str(tmp_path / "u.csv"), "--entity", "units"]
            read = subprocess.run(
                [sys.executable, "-m", "govwatch", *export],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert read.returncode == 0, read.stderr
            assert time.monotonic() - started < 20
            assert write.wait(timeout=90) == 2
            web.join(timeout=90)
            waited = time.monotonic() - started
        poller.stop.set()
        poller.join(timeout=60)

        out, err = _output(tmp_path, "write")
        assert err.splitlines() == [f"错误：{BUSY}"] and out == ""
        assert waited >= 29  # the busy timeout was waited out, not skipped
        assert _count(tmp_path, "select count(*) from registry_unit") == 0
        status, headers, body = login["answer"]
        assert status == 503, body[:500]
        assert headers["Retry-After"].isdigit() and "数据库正忙" in body
        assert poller.statuses and set(poller.statuses) == {200}, poller.statuses

        # The lock gone, the same write and the same login go through.
        again = subprocess.run(
            [sys.executable, "-m", "govwatch", "registry", "import", str(small)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert again.returncode == 0, again.stderr
        assert _login(base, opener)[0] == 302
    serve_err = _output(tmp_path, "serve")[1]
    assert "Traceback" not in serve_err, serve_err


@pytest.mark.slow
def test_imports_a_scan_and_the_web_at_once_on_one_sqlite_file(tmp_path: Path) -> None:
    farm = build_farm(7)
    first = _units_csv(tmp_path / "big-a.csv", "并发测试甲单位", 60_000)
    second = _units_csv(tmp_path / "big-b.csv", "并发测试乙单位", 60_000)
    with FarmServer(farm) as server:
        env = _env(
            tmp_path,
            GOVWATCH_ALLOW_HOSTS="127.0.0.0/8",
            GOVWATCH_RESOLVE=",".join(f"{h}={t}" for h, t in server.host_map()),
        )
        init = subprocess.run(
            [sys.executable, "-m", "govwatch", "init"], env=env, capture_output=True, text=True
        )
        assert init.returncode == 0, init.stderr
        for path in write_farm_registry(farm.sites, tmp_path / "registry"):
            done = subprocess.run(
                [sys.executable, "-m", "govwatch", "registry", "import", str(path)],
                env=env,
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stderr
        code = site_code(farm.sites[0]["code"])
        with _web(tmp_path, env) as base:
            poller = _Poller(f"{base}/admin/login/")
            poller.start()
            watch = _LockWatch(_db(tmp_path))
            watch.start()
            a = _start(tmp_path, env, "import-a", "registry", "import", str(first))
            time.sleep(0.5)
            b = _start(tmp_path, env, "import-b", "registry", "import", str(second))
            one_site = ["--site", code, "--max-pages", "30", "--processes", "1"]
            scan = _start(tmp_path, env, "scan", "scan", *one_site)
            codes = {name: p.wait(timeout=240) for name, p in [("import-a", a), ("import-b", b), ("scan", scan)]}  # fmt: skip
            time.sleep(0.3)
            poller.stop.set()
            watch.stop.set()
            poller.join(timeout=60)
            watch.join(timeout=60)
        outputs = {name: _output(tmp_path, name) for name in [*codes, "serve"]}

    for name, (_, err) in outputs.items():
        assert "Traceback" not in err, (name, err)
    assert len(poller.statuses) > 20 and set(poller.statuses) == {200}, poller.statuses
    # The writers did meet: the lock was seen held (a second of it at least).
    assert watch.held >= 20, watch.held

    # Each write landed whole or was refused with the one busy line and exit 2.
    for name, prefix, count in [("import-a", "并发测试甲单位", 60_000), ("import-b", "并发测试乙单位", 60_000)]:  # fmt: skip
        stored = _count(
            tmp_path, "select count(*) from registry_unit where name like ?", prefix + "%"
        )
        out, err = outputs[name]
        if codes[name] == 0:
            assert stored == count and f"新增 {count}" in out, (name, out, err)
        else:
            assert (codes[name], err.splitlines(), stored) == (2, [f"错误：{BUSY}"], 0), name
    scans = _count(
        tmp_path,
        "select count(*) from scans_scanrun r join registry_site s on s.id = r.site_id"
        " where s.site_code = ?",
        code,
    )
    if codes["scan"] in (0, 1):
        assert scans >= 1, outputs["scan"]
    else:
        assert (codes["scan"], outputs["scan"][1].splitlines()) == (2, [f"错误：{BUSY}"])
