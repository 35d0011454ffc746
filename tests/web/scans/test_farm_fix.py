"""The demo farm's fixable site through the one scan path: `sites_scan` finds its missing
ICP备案号 (SIT003); after POST /__farm__/fix/dm6 the next scan does not, and a problem-list
item about it passes the automatic re-check."""

from __future__ import annotations

import http.client
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from demo.farm import Farm, FarmServer
from demo.farm_registry import site_code
from govwatch.engine.periods import quarter_label
from govwatch.web.inspections.services import finding_decide, inspection_run
from govwatch.web.registry.models import Site
from govwatch.web.scans.models import ScanRun
from govwatch.web.scans.services import sites_scan
from govwatch.web.tickets import services as tickets
from govwatch.web.tickets.models import ProblemItem

pytestmark = pytest.mark.django_db(transaction=True)


def post(url: str) -> int:
    """POST to the farm's control path (http.client: no proxy from the environment)."""
    host, _, path = url.removeprefix("http://").partition("/")
    connection = http.client.HTTPConnection(host, timeout=10)
    try:
        connection.request("POST", "/" + path, body=b"")
        return connection.getresponse().status
    finally:
        connection.close()


def missing_marks(run: ScanRun) -> list[str]:
    return sorted(f.evidence["mark"] for f in run.findings.filter(code="SIT003"))


def test_scan_finds_the_defect_then_not_after_the_fix(farm: Farm) -> None:
    dm6 = Site.objects.filter(site_code=site_code("dm6"))
    with FarmServer(farm) as server:
        [before] = sites_scan(dm6, scan_date=farm.scan_date, fetch=server.fetch_config())
        assert missing_marks(before) == ["icp"]
        others = sorted(before.findings.exclude(code="SIT003").values_list("code", "target_id"))
        assert post(server.fix_url("dm6")) == 200
        # The next day's scan (a second scan the same day resumes the first one).
        later = farm.scan_date + timedelta(days=1)
        [after] = sites_scan(dm6, scan_date=later, fetch=server.fetch_config())
    assert after.home_fetched and missing_marks(after) == []
    # Nothing else about the site changed: the fix removes exactly its one finding.
    assert sorted(after.findings.values_list("code", "target_id")) == others


def _sent_item(farm: Farm, server: FarmServer, settings: Any) -> tuple[ProblemItem, Any]:
    """dm6 scanned and inspected, its SIT003 confirmed and sent; re-checks run inline and
    reach the farm through the settings (as in the served demo)."""
    # Inline, in this process, also in the service-backed run (a broker would send the
    # re-check to a Celery worker, and none runs here).
    settings.CELERY_BROKER_URL = ""
    settings.GOVWATCH_RECHECK_INLINE = True
    settings.GOVWATCH_ALLOW_HOSTS = ["127.0.0.0/8"]
    settings.GOVWATCH_RESOLVE = [f"{h}={t}" for h, t in server.host_map()]
    supervisor = get_user_model().objects.create_user("jianguan", password="Pass-2024-xyz!")
    dm6 = Site.objects.filter(site_code=site_code("dm6"))
    sites_scan(dm6, scan_date=farm.scan_date)
    inspection = inspection_run(quarter_label(farm.scan_date))
    finding = inspection.results.get(site__in=dm6).findings.get(code="SIT003")
    finding_decide(finding, "confirmed", "演示：监管人员确认", supervisor)
    [problem_list] = tickets.problem_lists_send(inspection, user=supervisor)
    assert problem_list.unit == dm6.get().operating_unit
    item = ProblemItem.objects.get(finding=finding)
    tickets.problem_item_answer(item, None, "已在网站底部补充ICP备案号")
    return item, supervisor


def test_recheck_passes_after_the_fix(farm: Farm, settings: Any) -> None:
    with FarmServer(farm) as server:
        item, supervisor = _sent_item(farm, server, settings)
        assert post(server.fix_url("dm6")) == 200
        tickets.problem_item_submit(item, None)  # the re-check runs inline
        item.refresh_from_db()
    assert (item.state, item.recheck) == ("submitted", "passed"), item.recheck_note
    tickets.problem_item_close(item, supervisor)
    item.refresh_from_db()
    assert item.state == "closed"


def test_recheck_fails_without_the_fix(farm: Farm, settings: Any) -> None:
    with FarmServer(farm) as server:
        item, _ = _sent_item(farm, server, settings)
        tickets.problem_item_submit(item, None)
        item.refresh_from_db()
    assert (item.state, item.recheck) == ("rectifying", "failed")
    assert "ICP备案编号" in item.recheck_note


def test_a_second_recheck_the_same_day_sees_the_fix(farm: Farm, settings: Any) -> None:
    """A re-check crawls under a scan id of its own: the failed one earlier the same day is
    not resumed, so the fixed pages are fetched again."""
    with FarmServer(farm) as server:
        item, _ = _sent_item(farm, server, settings)
        tickets.problem_item_submit(item, None)
        item.refresh_from_db()
        assert item.recheck == "failed"
        assert post(server.fix_url("dm6")) == 200
        tickets.problem_item_submit(item, None)
        item.refresh_from_db()
    assert (item.state, item.recheck) == ("submitted", "passed"), item.recheck_note
