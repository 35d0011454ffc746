"""Problem lists on the scanned demo farm: decisions that survive re-runs, sending to the
responsible units, the unit's answers, the re-check through the one scan path, appeals,
deadlines and evidence files."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from demo.farm import FarmServer, build_farm
from demo.farm_registry import write_farm_registry
from govwatch.cli import main
from govwatch.engine.periods import quarter_label
from govwatch.web.calendars.services import work_calendar_load
from govwatch.web.inspections.models import AuditEntry, FindingDecision, Inspection
from govwatch.web.inspections.services import finding_decide, inspection_run
from govwatch.web.registry.models import Site
from govwatch.web.registry.services import registry_import
from govwatch.web.scans.services import sites_scan
from govwatch.web.tickets import services as tickets
from govwatch.web.tickets.models import Attachment, ItemEvent, ProblemItem, ProblemList
from govwatch.web.tickets.services import TicketError
from tests.web.inspections.test_inspect_farm import week_of_probes

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def scanned(tmp_path: Path, settings: Any) -> dict[str, Any]:
    settings.GOVWATCH_CRAWL_STATE_DIR = tmp_path / "state"
    settings.DATA_DIR = tmp_path / "data"
    farm = build_farm(7)
    for path in write_farm_registry(farm.sites, tmp_path / "registry"):
        registry_import(path)
    server = FarmServer(farm).__enter__()
    sites_scan(
        Site.objects.all(), scan_date=farm.scan_date, fetch=server.fetch_config(), processes=1
    )
    week_of_probes(farm)
    yield {"farm": farm, "server": server, "quarter": quarter_label(farm.scan_date)}
    server.__exit__(None, None, None)


@pytest.fixture
def supervisor() -> Any:
    return get_user_model().objects.create_user("jianguan", password="Pass-2024-xyz!")


def newest() -> Inspection:
    return Inspection.objects.order_by("-created_at", "-pk").first()  # type: ignore[return-value]


def problems(inspection: Inspection) -> Any:
    return (
        inspection.results.model.findings.rel.related_model.objects.filter(
            result__inspection=inspection, severity__in=("veto", "deduction", "warning")
        )
        .select_related("result__site")
        .order_by("pk")
    )


def twin(inspection: Inspection, finding: Any) -> Any:
    """The same finding (by fingerprint) in another inspection."""
    return problems(inspection).get(
        fingerprint=finding.fingerprint, result__site=finding.result.site
    )


def test_a_dismissal_survives_running_inspect_again(scanned: dict, supervisor: Any) -> None:
    """Today's regression: a new inspection of the period started every finding at 待确认."""
    assert main(["inspect", "--period", scanned["quarter"]]) == 0
    first = newest()
    veto = problems(first).filter(severity="veto", result__site__isnull=False).first()
    assert veto is not None
    before = veto.result.verdict
    decided = finding_decide(veto, "dismissed", "误报：该栏目已迁移至新网址", supervisor)
    audit = AuditEntry.objects.get(finding=veto)
    assert (audit.state_before, audit.action, audit.reason) == (
        "open",
        "dismissed",
        "误报：该栏目已迁移至新网址",
    )
    assert audit.user == supervisor and audit.verdict_before == before

    assert main(["inspect", "--period", scanned["quarter"]]) == 0
    second = newest()
    assert second.pk != first.pk
    again = twin(second, veto)
    assert again.state == "dismissed"
    assert "误报：该栏目已迁移至新网址" in again.state_reason
    assert "jianguan" in again.state_reason
    # The verdict is computed without it, exactly as after the decision.
    assert again.result.verdict == decided.verdict


def test_a_dismissal_needs_a_reason(scanned: dict, supervisor: Any) -> None:
    inspection = inspection_run(scanned["quarter"])
    finding = problems(inspection).first()
    with pytest.raises(ValueError, match="理由"):
        finding_decide(finding, "dismissed", "  ", supervisor)
    assert not FindingDecision.objects.exists()


def test_decisions_carry_to_the_next_period_while_the_evidence_persists(
    scanned: dict, supervisor: Any
) -> None:
    farm, server = scanned["farm"], scanned["server"]
    inspection = inspection_run(scanned["quarter"])
    missing = (
        problems(inspection).filter(code="SIT003").first()
        or problems(inspection).filter(severity="veto").first()
    )
    finding_decide(missing, "dismissed", "已书面说明：备案信息在“关于本站”页面", supervisor)
    later = farm.scan_date + timedelta(days=92)
    sites_scan(Site.objects.all(), scan_date=later, fetch=server.fetch_config(), processes=1)
    next_quarter = inspection_run(quarter_label(later))
    assert next_quarter.period != inspection.period
    carried = twin(next_quarter, missing)
    assert carried.state == "dismissed"
    assert inspection.period in carried.state_reason
    # Findings without a decision start open.
    others = problems(next_quarter).exclude(pk=carried.pk)
    assert set(others.values_list("state", flat=True)) <= {"open", "waived"}


def confirm_all(inspection: Inspection, user: Any) -> list[Any]:
    found = list(problems(inspection))
    for finding in found:
        finding_decide(finding, "confirmed", "监管人员确认", user)
    return found


def test_sending_groups_confirmed_findings_by_responsible_unit(
    scanned: dict, supervisor: Any
) -> None:
    inspection = inspection_run(scanned["quarter"])
    confirmed = confirm_all(inspection, supervisor)
    left_open = problems(inspection).first()
    finding_decide(left_open, "open", "再核实", supervisor)
    sent_on = dt.date(2024, 9, 27)  # the Friday before 国庆
    lists = tickets.problem_lists_send(inspection, user=supervisor, today=sent_on)
    items = ProblemItem.objects.all()
    assert items.count() == len(confirmed) - 1
    assert not items.filter(finding=left_open).exists()
    for problem_list in lists:
        # Ten working days after Friday 27 September: Sun 29 Sep and Mon 30 Sep (29 Sep
        # is a make-up working day), 国庆 1–7 Oct off, 8–11 Oct, Sat 12 Oct (make-up), 14,
        # 15, 16 Oct.
        assert problem_list.deadline == work_calendar_load().add_working_days(sent_on, 10)
        assert problem_list.deadline == dt.date(2024, 10, 16)
        for item in problem_list.items.select_related("site", "account"):
            owner = item.account.opening_unit if item.account else item.site.operating_unit
            assert owner == problem_list.unit
            assert item.events.get().action == "send"
    # Sending again adds nothing; a newly confirmed finding is added to the unit's list.
    assert tickets.problem_lists_send(inspection, user=supervisor) == []
    finding_decide(left_open, "confirmed", "核实后确认", supervisor)
    [again] = tickets.problem_lists_send(inspection, user=supervisor)
    assert again.items.filter(finding=left_open).exists()
    assert ProblemList.objects.count() == len(lists)


def test_a_problem_sent_again_counts_as_a_recurrence(scanned: dict, supervisor: Any) -> None:
    first = inspection_run(scanned["quarter"])
    confirm_all(first, supervisor)
    tickets.problem_lists_send(first, user=supervisor)
    sent = ProblemItem.objects.count()
    assert set(ProblemItem.objects.values_list("recurrence", flat=True)) == {0}
    # The same period inspected again: the problems are on its lists already.
    rerun = inspection_run(scanned["quarter"])  # confirmations carried over
    assert problems(rerun).filter(state="confirmed").count() == problems(first).count()
    assert tickets.problem_lists_send(rerun, user=supervisor) == []
    assert ProblemItem.objects.count() == sent
    # The next quarter, the same evidence: sent again, as a recurrence.
    later = scanned["farm"].scan_date + timedelta(days=92)
    fetch = scanned["server"].fetch_config()
    sites_scan(Site.objects.all(), scan_date=later, fetch=fetch, processes=1)
    next_quarter = inspection_run(quarter_label(later))
    tickets.problem_lists_send(next_quarter, user=supervisor)
    again = ProblemItem.objects.filter(problem_list__inspection=next_quarter)
    assert again.exists()
    assert set(again.values_list("recurrence", flat=True)) == {1}


def sent_item(scanned: dict, supervisor: Any, **lookup: Any) -> ProblemItem:
    inspection = inspection_run(scanned["quarter"])
    confirm_all(inspection, supervisor)
    tickets.problem_lists_send(inspection, user=supervisor)
    return ProblemItem.objects.filter(site__isnull=False, **lookup).order_by("pk").first()


def test_the_recheck_finds_an_unfixed_problem_again(
    scanned: dict, supervisor: Any, settings: Any
) -> None:
    farm = scanned["farm"]
    settings.GOVWATCH_RECHECK_INLINE = True
    settings.GOVWATCH_ALLOW_HOSTS = ["127.0.0.0/8"]
    settings.GOVWATCH_RESOLVE = [f"{h}={t}" for h, t in scanned["server"].host_map()]
    item = sent_item(scanned, supervisor, code="SIT002")
    unit_user = get_user_model().objects.create_user("danwei", password="Pass-2024-xyz!")
    tickets.problem_list_receive(item.problem_list, unit_user)
    item.refresh_from_db()
    assert item.state == "received"
    with pytest.raises(TicketError, match="整改情况"):
        tickets.problem_item_submit(item, unit_user)
    tickets.problem_item_answer(item, unit_user, "已在首页增设咨询信箱入口")
    tickets.problem_item_submit(item, unit_user)  # the re-check runs inline here
    item.refresh_from_db()
    assert farm.scan_date  # the farm did not change: the problem is still there
    assert (item.state, item.recheck) == ("rectifying", "failed")
    assert "问题仍然存在" in item.recheck_note
    actions = list(item.events.values_list("action", "state_before", "state_after"))
    assert actions == [
        ("send", "sent", "sent"),
        ("receive", "sent", "received"),
        ("answer", "received", "rectifying"),
        ("submit", "rectifying", "submitted"),
        ("recheck_start", "submitted", "rechecking"),
        ("recheck_failed", "rechecking", "rectifying"),
    ]
    # Closing without a passed re-check needs the supervisor's reason.
    with pytest.raises(TicketError, match="审核意见"):
        tickets.problem_item_close(item, supervisor)
    tickets.problem_item_close(item, supervisor, "经电话核实已整改，页面缓存未刷新")
    item.refresh_from_db()
    assert item.state == "closed" and item.closed_at is not None


def test_a_recheck_that_cannot_reach_the_site_is_an_error_not_a_pass(
    scanned: dict, supervisor: Any, settings: Any
) -> None:
    settings.GOVWATCH_RECHECK_INLINE = True
    settings.GOVWATCH_RESOLVE = []  # the farm's names no longer resolve
    item = sent_item(scanned, supervisor)
    tickets.problem_item_answer(item, None, "已整改")
    tickets.problem_item_submit(item, None)
    item.refresh_from_db()
    assert item.recheck == "error" and item.state == "submitted"
    assert item.recheck_note


def test_an_accepted_appeal_dismisses_the_finding_for_the_next_inspection(
    scanned: dict, supervisor: Any
) -> None:
    item = sent_item(scanned, supervisor)
    with pytest.raises(TicketError, match="理由"):
        tickets.problem_item_appeal(item, None, "")
    tickets.problem_item_appeal(item, None, "该网站已于本季度关停，不应检查")
    with pytest.raises(TicketError, match="不能"):
        tickets.problem_item_answer(item, None, "整改")
    tickets.problem_item_appeal_decide(item, supervisor, True, "核实属实")
    item.refresh_from_db()
    assert item.state == "appeal_accepted" and item.done
    rerun = inspection_run(scanned["quarter"])
    assert twin(rerun, item.finding).state == "dismissed"


def test_a_rejected_appeal_goes_back_to_the_unit(scanned: dict, supervisor: Any) -> None:
    item = sent_item(scanned, supervisor)
    tickets.problem_item_appeal(item, None, "不认可")
    tickets.problem_item_appeal_decide(item, supervisor, False, "证据充分，问题属实")
    item.refresh_from_db()
    assert item.state == "appeal_rejected"
    tickets.problem_item_answer(item, None, "已整改")
    item.refresh_from_db()
    assert item.state == "rectifying"


def test_deadlines_mark_overdue_items(scanned: dict, supervisor: Any) -> None:
    item = sent_item(scanned, supervisor)
    deadline = item.problem_list.deadline
    early = tickets.problem_items_deadlines(work_calendar_load().add_working_days(deadline, -5))
    assert early == {"overdue": 0, "remind": 0, "escalate": 0}
    before = tickets.problem_items_deadlines(work_calendar_load().add_working_days(deadline, -2))
    assert before["remind"] >= 1 and before["overdue"] == 0
    assert tickets.problem_items_deadlines(deadline) == {"overdue": 0, "remind": 0, "escalate": 0}
    late = work_calendar_load().add_working_days(deadline, 3)
    counts = tickets.problem_items_deadlines(late)
    item.refresh_from_db()
    assert item.state == "overdue" and counts["overdue"] >= 1
    assert counts["escalate"] >= 1 and item.escalated_at is not None
    assert tickets.problem_items_deadlines(late)["overdue"] == 0  # once only
    assert tickets.working_days_left(item.problem_list, late) == -3
    # An overdue item can still be answered and submitted.
    tickets.problem_item_answer(item, None, "已整改")


def test_evidence_files_are_checked_and_kept_outside_the_database(
    scanned: dict, supervisor: Any, settings: Any
) -> None:
    item = sent_item(scanned, supervisor)
    attachment = tickets.attachment_add(item, None, "../../整改报告.pdf", [PDF[:10], PDF[10:]])
    stored = tickets.attachment_path(attachment)
    assert stored.read_bytes() == PDF
    assert stored.parent == Path(settings.DATA_DIR) / "attachments"
    assert attachment.name == "整改报告.pdf" and attachment.content_type == "application/pdf"
    for name, body, message in (
        ("report.pdf", [b"<html><script>alert(1)</script>"], "只接受"),
        ("empty.png", [b""], "为空"),
        ("huge.pdf", [PDF, b"0" * (tickets.MAX_UPLOAD_BYTES)], "上限"),
    ):
        with pytest.raises(TicketError, match=message):
            tickets.attachment_add(item, None, name, body)
    assert Attachment.objects.count() == 1
    assert sorted(p.name for p in stored.parent.iterdir()) == [stored.name]
    assert ItemEvent.objects.filter(item=item, action="upload").count() == 1


def test_a_deadline_past_the_arranged_years_is_provisional(scanned: dict, supervisor: Any) -> None:
    """Sent in late December, before the next year's holidays are published: the list still
    gets a deadline, counted Monday to Friday, and says so."""
    inspection = inspection_run(scanned["quarter"])
    confirm_all(inspection, supervisor)
    calendar = tickets.dispatch_calendar()
    last = max(calendar.covered_years)
    sent_on = dt.date(last, 12, 28)
    [problem_list, *_] = tickets.problem_lists_send(inspection, user=supervisor, today=sent_on)
    assert problem_list.deadline.year == last + 1
    assert problem_list.deadline.weekday() < 5
    assert f"{last + 1}年节假日安排尚未录入" in problem_list.deadline_note
    # The daily pass and the days left work across the gap too.
    assert tickets.working_days_left(problem_list, sent_on) == 10
    tickets.problem_items_deadlines(sent_on + timedelta(days=40))
    assert problem_list.items.filter(state="overdue").exists()
