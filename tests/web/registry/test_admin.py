"""The registry in the Chinese admin: lists, search and filters; outsiders see nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from govwatch.web.registry.services import registry_import
from tests.web.registry import helpers as H

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _registry(tmp_path: Path) -> None:
    registry_import(H.base_workbook(tmp_path / "r.xlsx"))


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        ("unit", "市公安局", "开封市公安局"),  # search reaches aliases
        ("site", "6328010001", "格尔木市人民政府网"),
        ("column", "本地要闻", "本地要闻"),
        ("account", "平安格尔木", "平安格尔木"),
        ("unitalias", "市人社局", "格尔木市人力资源和社会保障局"),
    ],
)
def test_changelist_search_in_chinese(
    admin_client: Client, model: str, query: str, expected: str
) -> None:
    response = admin_client.get(f"/admin/registry/{model}/", {"q": query})
    body = response.content.decode()
    assert response.status_code == 200
    assert expected in body
    assert "搜索" in body  # the admin speaks zh-hans


def test_filters_and_change_form(admin_client: Client) -> None:
    response = admin_client.get("/admin/registry/account/", {"platform__exact": "douyin"})
    body = response.content.decode()
    assert "开封市反诈骗中心" in body and "平安格尔木" not in body
    site_id = admin_client.get("/admin/registry/site/").context["cl"].result_list[0].pk
    form = admin_client.get(f"/admin/registry/site/{site_id}/change/")
    assert form.status_code == 200 and "主办单位" in form.content.decode()


def test_outsider_sees_nothing() -> None:
    anonymous = Client().get("/admin/registry/site/")
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    outsider = get_user_model().objects.create_user("outsider", "", "pw-for-tests")
    client = Client()
    client.force_login(outsider)
    response = client.get("/admin/registry/site/")
    assert response.status_code == 302
    assert "格尔木市人民政府网" not in response.content.decode()
