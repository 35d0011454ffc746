"""The demo farm's new-media feeds: fetched, inspected, and judged exactly as planted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from demo.farm import FarmServer, build_farm
from demo.farm.feeds import ACCOUNTS, quarter_end
from demo.farm_registry import write_farm_registry
from govwatch.engine.clock import BEIJING
from govwatch.engine.periods import quarter_label
from govwatch.web.inspections.services import inspection_run
from govwatch.web.newmedia.services import posts_fetch
from govwatch.web.registry.models import Account
from govwatch.web.registry.services import registry_import

pytestmark = pytest.mark.django_db


def test_demo_accounts_are_judged_as_planted(tmp_path: Path) -> None:
    farm = build_farm(7)
    for path in write_farm_registry(farm.sites, tmp_path):
        registry_import(path)
    accounts = Account.objects.filter(name__in=[a.name for a in ACCOUNTS])
    assert accounts.count() == len(ACCOUNTS)
    point = quarter_end(farm.scan_date)
    with FarmServer(farm) as server:
        report = posts_fetch(
            accounts,
            now=dt.datetime.combine(point, dt.time(23), tzinfo=BEIJING),
            fetch=server.fetch_config(),
        )
    assert (report.ok, report.failed) == (len(ACCOUNTS) - 1, 1)
    day = farm.scan_date
    inspection = inspection_run(quarter_label(day))
    truth = farm.truth["accounts"]
    for result in inspection.results.filter(account__in=accounts).select_related("account"):
        expected = truth[result.account.name]
        codes = sorted({f.code for f in result.findings.all() if f.severity in ("veto", "warning")})
        assert (result.verdict, codes) == (expected["verdict"], sorted(expected["codes"])), (
            result.account.name,
            result.reason,
        )
