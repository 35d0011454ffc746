"""`govwatch inspect` on the scanned demo farm: verdicts with evidence, audited dismissal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from demo.farm import Farm, FarmServer, build_farm
from demo.farm_registry import site_code, write_farm_registry
from govwatch.engine.clock import day_end
from govwatch.engine.periods import quarter_label
from govwatch.web.inspections import services
from govwatch.web.inspections.models import AuditEntry, Inspection, InspectionResult, Waiver
from govwatch.web.inspections.selectors import (
    inspection_lists,
    inspection_pass_rate_text,
    inspection_pass_rates,
)
from govwatch.web.inspections.services import (
    PeriodError,
    finding_decide,
    inspection_run,
    period_parse,
)
from govwatch.web.registry.models import Site
from govwatch.web.registry.services import registry_import
from govwatch.web.scans.models import Probe
from govwatch.web.scans.services import sites_scan

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def farm_scanned(tmp_path: Path, settings) -> dict:
    settings.GOVWATCH_CRAWL_STATE_DIR = tmp_path / "state"
    farm = build_farm(7)
    for path in write_farm_registry(farm.sites, tmp_path / "registry"):
        registry_import(path)
    with FarmServer(farm) as server:
        sites_scan(
            Site.objects.all(), scan_date=farm.scan_date, fetch=server.fetch_config(), processes=1
        )
    week_of_probes(farm)
    day = farm.scan_date
    return farm.truth | {
        "quarter": quarter_label(day),
        "month": f"{day:%Y-%m}",
    }


def week_of_probes(farm: Farm) -> None:
    """What the scheduled probes (a later issue) would store for the farm's reachable sites
    before its scan date: 7 days × 20 a day, all answered (the national SIT001 window)."""
    end = day_end(farm.scan_date)
    for farm_code, truth in farm.truth["sites"].items():
        if truth["facts"]:  # every site but the unreachable one
            site = Site.objects.get(site_code=site_code(farm_code))
            Probe.objects.bulk_create(
                Probe(site=site, at=end - timedelta(minutes=72 * n), ok=True, elapsed=0.2)
                for n in range(7 * 20)
            )


def result_of(inspection: Inspection, farm_code: str) -> InspectionResult:
    return inspection.results.get(site__site_code=site_code(farm_code))


def test_verdicts_follow_the_truth_file(farm_scanned: dict) -> None:
    inspection = inspection_run(farm_scanned["quarter"])
    truth = farm_scanned["sites"]
    for farm_code, site in truth.items():
        result = result_of(inspection, farm_code)
        if not site["facts"]:  # the unreachable site: nothing observed, nothing decided
            assert result.verdict == "unknown" and "无法访问" in result.reason
        elif not site["facts"]["interaction_channel"]:
            assert result.verdict == "unqualified"
            vetoes = set(result.findings.filter(severity="veto").values_list("code", flat=True))
            assert vetoes == {"SIT002"} | ({"TXT001"} if site["text_errors"] else set())
        else:
            assert not site["text_errors"], "a planted wrong expression would veto this site"
            assert result.verdict == "qualified", (farm_code, result.reason)
            broken_home = sum(
                1 for b in site["bad_links"] if b["on_home"] and b["outcome"] == "broken"
            )
            assert result.findings.filter(code="LNK001").count() == broken_home
            assert (result.score is not None and result.score < 100) or not site["bad_links"]
    lists = inspection_lists(inspection)
    assert [r.site.site_code for r in lists.unqualified] == [site_code("dm3")]
    # 4 of the 5 judged sites (dm6's missing ICP备案号 is a warning, not a veto)
    assert inspection_pass_rate_text(inspection) == "80.00%"
    rows = inspection_pass_rates(inspection)
    assert rows[-1].checked == 5 and rows[-1].qualified == 4


def test_too_few_probes_leave_the_site_open(farm_scanned: dict) -> None:
    Probe.objects.filter(site__site_code=site_code("dm1")).delete()
    result = result_of(inspection_run(farm_scanned["quarter"]), "dm1")
    assert result.verdict == "unknown" and "监测次数不足" in result.reason
    assert result.findings.get(code="SIT001").evidence["state"] == "unknown"


def test_batches_give_the_same_results(farm_scanned: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    def judged(inspection: Inspection) -> list[tuple[str, str, list[str]]]:
        results = inspection.results.order_by("site__site_code", "account__name")
        return [
            (str(r.site or r.account), r.verdict, sorted(f.code for f in r.findings.all()))
            for r in results.select_related("site", "account").prefetch_related("findings")
        ]

    whole = judged(inspection_run(farm_scanned["quarter"]))
    monkeypatch.setattr(services, "BATCH", 2)
    assert judged(inspection_run(farm_scanned["quarter"])) == whole


def test_dismissal_changes_verdict_and_is_audited(farm_scanned: dict) -> None:
    inspection = inspection_run(farm_scanned["month"])
    result = result_of(inspection, "dm3")
    veto = result.findings.get(code="SIT002")
    result.findings.filter(code="TXT001").update(state="dismissed")  # judged on SIT002 alone
    user = get_user_model().objects.create_user("inspector", "", "pw-for-tests")
    with pytest.raises(ValueError, match="理由"):
        finding_decide(veto, "dismissed", "  ", user)
    finding_decide(veto, "dismissed", "咨询渠道在二级页面，人工核实可用", user)
    result.refresh_from_db()
    assert result.verdict == "qualified"
    entry = AuditEntry.objects.get(finding=veto)
    assert (entry.verdict_before, entry.verdict_after, entry.user) == (
        "unqualified",
        "qualified",
        user,
    )


def test_waiver_shows_instead_of_hiding(farm_scanned: dict) -> None:
    site = Site.objects.get(site_code=site_code("dm3"))
    Waiver.objects.create(
        code="SIT002",
        site=site,
        reason="网站改版期间",
        approver="市政务公开办",
        expires_on="2099-12-31",
    )
    inspection = inspection_run(farm_scanned["quarter"])
    result = result_of(inspection, "dm3")
    waived = result.findings.get(code="SIT002")
    assert waived.state == "waived" and "网站改版期间" in waived.state_reason
    # The waiver lifts only its own code: the planted wrong expression still vetoes.
    assert result.verdict == "unqualified" and "严重表述错误" in result.reason


def test_sample_is_reproducible(farm_scanned: dict) -> None:
    quarter = farm_scanned["quarter"]
    first = inspection_run(quarter, scope="sample", sample_size=2, sample_seed="s1")
    again = inspection_run(quarter, scope="sample", sample_size=2, sample_seed="s1")

    # The sample draws sites and (since the farm has accounts) accounts separately.
    def drawn(inspection: Inspection) -> tuple[list[str], list[str]]:
        sites = inspection.results.filter(site__isnull=False)
        accounts = inspection.results.filter(account__isnull=False)
        return (
            sorted(sites.values_list("site__site_code", flat=True)),
            sorted(accounts.values_list("account__name", flat=True)),
        )

    codes, names = drawn(first)
    assert len(codes) == 2 and len(names) == 2
    assert (codes, names) == drawn(again)


def test_no_scan_in_period_is_unknown(farm_scanned: dict) -> None:
    inspection = inspection_run("2023Q4")
    assert set(inspection.results.values_list("verdict", flat=True)) == {"unknown"}


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024Q2", "2024-04-01", "2024-06-30"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2024", "2024-01-01", "2024-12-31"),
    ],
)
def test_period_parse(text: str, start: str, end: str) -> None:
    period = period_parse(text)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


@pytest.mark.parametrize("text", ["2024Q5", "2024-13", "Q2", "2024-06-30:2024-04-01"])
def test_period_parse_refuses(text: str) -> None:
    with pytest.raises(PeriodError):
        period_parse(text)


def test_interaction_records_feed_the_verdict(farm_scanned: dict) -> None:
    """An unanswered message over three months vetoes the site; a failed test is listed."""
    import datetime as dt

    from django.utils import timezone

    from govwatch.web.interaction.models import CitizenMessage, ConsultationTest

    site = Site.objects.get(site_code=site_code("dm1"))
    start = period_parse(farm_scanned["quarter"]).start
    received = timezone.make_aware(dt.datetime.combine(start, dt.time(9)) - dt.timedelta(days=120))
    CitizenMessage.objects.create(
        message_id="2024030001", box="mayor_mailbox", unit=site.operating_unit,
        received_at=received, status="in_progress",
    )  # fmt: skip
    ConsultationTest.objects.create(
        test_id="T-dm1", site=site, channel="咨询留言", question="办事时间？",
        sent_at=timezone.make_aware(dt.datetime.combine(start, dt.time(10))),
    )  # fmt: skip
    result = result_of(inspection_run(farm_scanned["quarter"]), "dm1")
    assert result.verdict == "unqualified"
    veto = result.findings.get(code="INT001")
    assert veto.evidence["message_id"] == "2024030001"
    assert result.findings.get(code="INT002").evidence["problem_type"] == "未回复"
