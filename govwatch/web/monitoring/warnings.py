"""Early warnings (预警), computed each day from what is stored: the indicators' own
warning findings (a column or home page near its update line, an account silent for 10
of its 14 days, probe failures past 3 % of the current window) plus citizen messages
unanswered for two months (the line is three). Stored per day with days left; they are
the input of the alerts sent to units: one alert per new warning (not among the same day's
earlier rows nor the last earlier day's), to the unit that runs the site or account."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from govwatch.engine.checks.inputs import CheckContext
from govwatch.engine.findings import Finding
from govwatch.engine.profiles import Profile, run_checks
from govwatch.web.alerts.services import alert_emit
from govwatch.web.config.engine import check_context, profile_load
from govwatch.web.interaction.models import CitizenMessage
from govwatch.web.monitoring.models import EarlyWarning
from govwatch.web.newmedia.selectors import account_observations
from govwatch.web.registry.models import Account, Site, Unit
from govwatch.web.scans.models import ScanRun
from govwatch.web.scans.selectors import site_observations

log = logging.getLogger(__name__)

# How far back a site's latest scan may be and still be read for today's warnings.
LOOKBACK = dt.timedelta(days=30)
MESSAGE_WARN = dt.timedelta(days=60)
MESSAGE_LINE_DAYS = 90

_KINDS = {"SIT001": "availability", "UPD001": "home_update", "NMA001": "account_update"}


def _kind(code: str) -> str:
    return _KINDS.get(code, "column_update" if code.startswith("UPD") else "availability")


def _early(finding: Finding) -> bool:
    """An early warning: a warning that says how near its line is (days left, or a ratio
    for availability). Other warning-level findings (a missing mark) are not early."""
    return finding.severity == "warning" and "days_left" in finding.evidence


def _days_left(finding: Finding) -> int | None:
    value = finding.evidence.get("days_left")
    return int(value) if isinstance(value, int | float) else None


def _row(day: dt.date, finding: Finding, kind: str, **target: object) -> EarlyWarning:
    """The stored warning of an indicator's early finding, for its site or account."""
    return EarlyWarning(
        day=day,
        kind=kind,
        code=finding.code,
        target_id=finding.target_id[:2000],
        message=finding.message_zh,
        days_left=_days_left(finding),
        evidence=dict(finding.evidence),
        **target,
    )


def _latest_runs(day: dt.date) -> list[ScanRun]:
    """Each running site's latest scan (any kind) within LOOKBACK of DAY."""
    latest: dict[int, int] = {}
    rows = ScanRun.objects.filter(
        site__status="running", scan_date__range=(day - LOOKBACK, day)
    ).order_by("-scan_date", "-finished_at")
    for site_id, pk in rows.values_list("site_id", "pk"):
        latest.setdefault(site_id, pk)
    return list(ScanRun.objects.filter(pk__in=latest.values()).defer("failures", "stats"))


def _site_warnings(day: dt.date, profile: Profile, ctx: CheckContext) -> Iterable[EarlyWarning]:
    # site_observations reads in batches; judged at today's end, not at the scan's date,
    # so the days left shrink daily.
    for run, observation in site_observations(_latest_runs(day)):
        for finding in run_checks(profile, observation, ctx):
            if _early(finding):
                yield _row(day, finding, _kind(finding.code), site_id=run.site_id)


def _account_warnings(day: dt.date, profile: Profile, ctx: CheckContext) -> Iterable[EarlyWarning]:
    accounts = Account.objects.filter(status="running")
    for account, observation in account_observations(ctx.monitoring_point, accounts=accounts):
        for finding in run_checks(profile, observation, ctx):
            if _early(finding):
                yield _row(day, finding, "account_update", account=account)


def _message_warnings(day: dt.date) -> Iterable[EarlyWarning]:
    end = dt.datetime.combine(day, dt.time.max, tzinfo=timezone.get_current_timezone())
    late = CitizenMessage.objects.filter(
        answered_at__isnull=True, received_at__lte=end - MESSAGE_WARN
    )
    for message in late.select_related("unit"):
        age = (day - timezone.localtime(message.received_at).date()).days
        yield EarlyWarning(
            day=day,
            kind="message_reply",
            code="INT",
            target_id=f"{message.box}:{message.message_id}",
            message=f"{message.unit.name}承办的留言（{message.message_id}）已{age}天未答复",
            days_left=MESSAGE_LINE_DAYS - age,
            evidence={"unit": message.unit.name, "received_at": message.received_at.isoformat()},
        )


def warnings_evaluate(day: dt.date | None = None, profile_name: str | None = None) -> int:
    """Compute DAY's early warnings (default today) and replace that day's rows; the same
    day evaluated twice gives the same rows. Returns how many there are."""
    day = day or timezone.localdate()
    profile = profile_load(profile_name)
    ctx = check_context(day)
    rows = [*_site_warnings(day, profile, ctx), *_account_warnings(day, profile, ctx)]
    rows.extend(_message_warnings(day))
    with transaction.atomic():
        known = _known(day)
        EarlyWarning.objects.filter(day=day).delete()
        EarlyWarning.objects.bulk_create(rows, batch_size=1000)
        fresh = [row for row in rows if _identity(row) not in known]
        transaction.on_commit(lambda: _alert(fresh))
    return len(rows)


def _identity(row: EarlyWarning) -> tuple[object, ...]:
    return (row.kind, row.code, row.site_id, row.account_id, row.target_id)


def _known(day: dt.date) -> set[tuple[object, ...]]:
    """The warnings already alerted: DAY's rows (an evaluation run again) and the rows of
    the last earlier day evaluated (a warning still standing is not news)."""
    before = EarlyWarning.objects.filter(day__lt=day).order_by("-day")
    last = before.values_list("day", flat=True).first()
    days = [day] if last is None else [day, last]
    rows = EarlyWarning.objects.filter(day__in=days)
    return set(rows.values_list("kind", "code", "site_id", "account_id", "target_id"))


def _alert(rows: list[EarlyWarning]) -> None:
    """One alert per new warning, to the unit running its site or account (a message's
    warning: the unit that handles it); a failed alert never fails the evaluation."""
    sites = Site.objects.select_related("operating_unit").in_bulk({r.site_id for r in rows})
    accounts = Account.objects.select_related("opening_unit").in_bulk({r.account_id for r in rows})
    names = {str(r.evidence.get("unit", "")) for r in rows if r.kind == "message_reply"}
    units = {u.name: u for u in Unit.objects.filter(name__in=names)}
    for row in rows:
        site, account = sites.get(row.site_id), accounts.get(row.account_id)
        if site is not None:
            unit = site.operating_unit
        elif account is not None:
            unit = account.opening_unit
        else:
            unit = units.get(str(row.evidence.get("unit", "")))
        if unit is None:
            continue
        try:
            alert_emit("early_warning", unit=unit, warning=row)
        except Exception:
            log.exception("预警提醒登记失败：%s", row.target_id)


__all__ = ["warnings_evaluate"]
