"""The farm's TRS column (blocks of five li over three createPageHTML pages) and its
titles-only column (each article's date in its header only), scanned and stored."""

from __future__ import annotations

import pytest

from demo.farm import Farm, FarmServer
from demo.farm_registry import site_code
from govwatch.web.registry.models import Site
from govwatch.web.scans.models import ScanRun
from govwatch.web.scans.selectors import column_publication_counts
from govwatch.web.scans.services import sites_scan

pytestmark = pytest.mark.django_db(transaction=True)
TRS = "http://www.dm6.gov.cn/xwzx/bmdt/"
TITLES_ONLY = "http://www.dm6.gov.cn/zwgk/gsgg/"
UNDATED = "http://www.dm2.gov.cn/gsgg/"  # no date anywhere: stays undated (planted)


def _scan(farm: Farm, kind: str) -> None:
    sites = Site.objects.filter(site_code__in=[site_code("dm6"), site_code("dm2")])
    with FarmServer(farm) as server:
        sites_scan(sites, scan_date=farm.scan_date, fetch=server.fetch_config(), kind=kind)


def _columns(code: str, kind: str) -> dict:
    run = ScanRun.objects.get(site__site_code=site_code(code), kind=kind)
    return {c.url: c for c in run.columns.all()}


def test_full_scan_counts_trs_pages_and_dates_titles_only_lists(farm: Farm) -> None:
    _scan(farm, "full")
    truth = farm.truth["sites"]
    dm6 = _columns("dm6", "full")
    trs = dm6[TRS]
    assert trs.item_count == truth["dm6"]["columns"][TRS]["item_count"] == 38
    assert trs.list_pages == 3
    assert len({entry[1] for entry in trs.items}) == 38
    assert all(len(entry) == 3 and entry[2] for entry in trs.items)  # dates from the list

    titles = dm6[TITLES_ONLY]
    expected = truth["dm6"]["columns"][TITLES_ONLY]
    assert expected["date_source"] == "article"
    assert titles.newest_date.isoformat() == expected["newest_date"]
    assert titles.undated_count == 0
    assert [entry[3] for entry in titles.items] == ["article"] * 5
    assert max(entry[2] for entry in titles.items) == expected["newest_date"]

    undated = _columns("dm2", "full")[UNDATED]
    assert undated.newest_date is None and undated.undated_count == undated.item_count == 7
    assert all(len(entry) == 3 and entry[2] is None for entry in undated.items)

    # Readers of the stored items take the 4th element in their stride.
    site = Site.objects.get(site_code=site_code("dm6"))
    table = column_publication_counts(site, farm.scan_date.replace(year=2000), farm.scan_date)
    counted = {row.cells[1]: row.cells[3] for row in table.rows if row.kind != "total"}
    assert counted["公示公告"] == 5 and counted["部门动态"] == 38


def test_freshness_pass_fetches_undated_items_articles(farm: Farm) -> None:
    """The daily pass stops at the lists (depth 1, one page past the first), yet a titles-only
    list's newest items are fetched for their dates."""
    _scan(farm, "freshness")
    dm6 = _columns("dm6", "freshness")
    titles = dm6[TITLES_ONLY]
    assert (
        titles.newest_date.isoformat()
        == farm.truth["sites"]["dm6"]["columns"][TITLES_ONLY]["newest_date"]
    )
    # max_list_pages=1: the first page and one more (the TRS pager is still read).
    assert dm6[TRS].item_count == 30 and dm6[TRS].list_pages == 2
    assert _columns("dm2", "freshness")[UNDATED].newest_date is None
