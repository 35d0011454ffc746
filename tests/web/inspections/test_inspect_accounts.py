"""`inspection_run` judges accounts too: seed 003 annex 1 comes out as the unqualified list."""

from __future__ import annotations

import pytest

from govwatch.web.inspections.selectors import inspection_lists
from govwatch.web.inspections.services import inspection_run
from govwatch.web.registry.models import Unit
from tests.web.newmedia.test_seed003 import ANNEX1, PERIOD_START, POINT_DAY, _read, findings

pytestmark = pytest.mark.django_db
__all__ = ["findings"]  # the fixture that loads the demo registry and the post histories


def test_unqualified_accounts_are_annex_1(findings: dict) -> None:
    kaifeng = Unit.objects.get(name="开封市人民政府")
    inspection = inspection_run(
        f"{PERIOD_START}:{POINT_DAY}", profile_name="kaifeng-2024", scope="region", region=kaifeng
    )
    assert not inspection.results.filter(account__name="方志陕西").exists()  # out of scope
    lists = inspection_lists(inspection)
    unqualified = {r.account.name for r in lists.unqualified if r.account}
    assert unqualified == {row["account_name"] for row in _read(ANNEX1)}
    lost = inspection.results.get(account__name="失联账号")
    assert lost.verdict == "unknown" and "发布记录获取失败" in lost.reason
    reasons = {r.reason for r in lists.unqualified}
    assert all("单项否决" in reason for reason in reasons)
    daily = inspection.results.get(account__name="开封教育体育")
    assert daily.verdict == "qualified" and daily.observed
