"""Login, the home that sends each role to its side, and what every page carries."""

from __future__ import annotations

import re

from django.test import Client

from tests.web.workspace.conftest import PASSWORD, World


def test_login_page_and_login_by_form(world: World) -> None:
    client = Client()
    page = client.get("/login/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="username"' in html and 'name="password"' in html and 'id="login-submit"' in html
    assert 'name="viewport"' in html and "workspace/workspace.css" in html

    wrong = client.post("/login/", {"username": "sup", "password": "wrong-password"})
    assert wrong.status_code == 200 and "请输入一个正确的" in wrong.content.decode()

    done = client.post("/login/", {"username": "sup", "password": PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/")["Location"] == "/supervise/"


def test_anonymous_is_sent_to_login(db: None) -> None:
    client = Client()
    for url in ("/", "/supervise/", "/portal/", "/supervise/items/1/", "/files/1/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url


def test_home_by_role(world: World) -> None:
    assert world.client("sup").get("/")["Location"] == "/supervise/"
    assert world.client("reader").get("/")["Location"] == "/supervise/"
    assert world.client("op1").get("/")["Location"] == "/portal/"
    page = world.client("norole").get("/")
    assert page.status_code == 200 and "尚未分配角色" in page.content.decode()
    # Nor does a login without a role open either side.
    assert world.client("norole").get("/supervise/").status_code == 404
    assert world.client("norole").get("/portal/").status_code == 404


def test_top_bar_names_user_role_and_unit(world: World) -> None:
    html = world.client("op1").get("/portal/").content.decode()
    assert "govwatch" in html and "政务网站与新媒体监管平台" in html
    assert "op1" in html and "单位填报人员" in html and "甲市教育局" in html
    assert 'id="logout"' in html and 'href="/portal/"' in html and 'href="/supervise/"' not in html


def test_logout_is_post_only(world: World) -> None:
    client = world.client("sup")
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/")["Location"] == "/login/"
    assert client.get("/supervise/").status_code == 302


def test_stylesheet_is_served_without_external_assets(world: World) -> None:
    html = world.client("sup").get("/supervise/").content.decode()
    # No inline script (CSP script-src 'self'): scripts are local files, data is JSON.
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all(
        'src="/static/' in tag or 'type="application/json"' in tag for tag in scripts
    ), scripts
    assert "http://" not in html.split("<body>")[0] and "https://" not in html.split("<body>")[0]
    css = Client().get("/static/workspace/workspace.css")
    assert css.status_code == 200
    body = b"".join(css.streaming_content) if css.streaming else css.content
    assert b"Noto Sans CJK SC" in body and b"overflow-x: auto" in body
