"""Benchmark: the workspace's page budget on a national-scale registry.

Run:  .venv/bin/python bench/workspace_bench.py [--sites 20000] [--accounts 100000]
      [--repeat 15] (DATABASE_URL=postgres://... to measure PostgreSQL instead of SQLite)

Builds the registry of bench/registry_import.py (one province, 200 cities, 9 departments
each), one stored full scan per site (8 column snapshots), 20 probes per site, 3 posts per
account, one inspection of all of them (bench/inspect_bench.py's shapes), and problem lists
for the confirmed site findings; then times every supervisor page (the overview, a region,
the wall's JSON and every list) through Django's test client as the province's supervisor,
a city's supervisor and an administrator: median and worst server time over REPEAT requests, and the HTML's
size. Baseline in the same run: the stock admin's list of inspection results, the page
supervisors had before. Goal: median under 300 ms, no page over 1 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PROBES_PER_SITE = 20
POSTS_PER_ACCOUNT = 3
BUDGET_MS, BUDGET_BYTES = 300, 1_000_000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def observations_store() -> None:
    """Probes and posts in bulk (their collection is benchmarked elsewhere)."""
    from django.db import transaction
    from django.utils import timezone

    from bench.inspect_bench import SCAN_DAY
    from govwatch.web.newmedia.models import Post
    from govwatch.web.registry.models import Account, Site
    from govwatch.web.scans.models import Probe

    moment = timezone.make_aware(dt.datetime.combine(SCAN_DAY, dt.time(3)))
    sites = list(Site.objects.values_list("pk", flat=True))
    for first in range(0, len(sites), 2000):
        with transaction.atomic():
            Probe.objects.bulk_create(
                (
                    Probe(site_id=pk, at=moment - dt.timedelta(minutes=30 * n),
                          ok=(pk + n) % 37 != 0, status=200, elapsed=0.2)
                    for pk in sites[first : first + 2000]
                    for n in range(PROBES_PER_SITE)
                ),
                batch_size=5000,
            )  # fmt: skip
    accounts = list(Account.objects.values_list("pk", flat=True))
    for first in range(0, len(accounts), 5000):
        with transaction.atomic():
            Post.objects.bulk_create(
                (
                    Post(account_id=pk, published_at=moment - dt.timedelta(days=4 * n + pk % 5),
                         title=f"发文{pk}-{n}", source_kind="feed", dedupe_key=f"{pk}-{n}")
                    for pk in accounts[first : first + 5000]
                    for n in range(POSTS_PER_ACCOUNT)
                ),
                batch_size=5000,
            )  # fmt: skip


def defects_plant(every: int = 8) -> int:
    """Every EVERY-th site's crawl lost its filing marks (a veto of SIT003), so the
    inspection fails a realistic share and the failing lists have rows."""
    from govwatch.web.scans.models import ScanRun

    changed = 0
    for run in ScanRun.objects.filter(kind="full").only("pk", "site_id", "facts"):
        if run.site_id % every == 0:
            facts = dict(run.facts, icp_record="", police_record="")
            ScanRun.objects.filter(pk=run.pk).update(facts=facts)
            changed += 1
    return changed


def lists_send() -> int:
    """Confirm the site findings that count and send them: a problem list per unit."""
    from govwatch.web.inspections.models import Inspection, InspectionFinding
    from govwatch.web.tickets.services import problem_lists_send

    inspection = Inspection.objects.latest("created_at")
    InspectionFinding.objects.filter(
        result__inspection=inspection,
        result__site__isnull=False,
        severity__in=("veto", "deduction", "warning"),
    ).update(state="confirmed")
    return len(problem_lists_send(inspection))


def timed(client: object, url: str, repeat: int) -> tuple[float, float, int, int]:
    """Median and worst milliseconds, the body's bytes and the status of URL."""
    times, size, status = [], 0, 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - start) * 1000)
        size, status = len(response.content), response.status_code
    return statistics.median(times), max(times), size, status


def drill_pages(city: object) -> list[str]:
    """The drill-down pages of one department of CITY: its unit, a site, an account, a
    finding of the site (the pages a supervisor opens from the failing list)."""
    from govwatch.web.inspections.models import InspectionFinding
    from govwatch.web.registry.models import Account, Site, Unit

    unit = Unit.objects.filter(parent=city).order_by("pk").first()
    site = Site.objects.filter(operating_unit=unit).order_by("pk").first()
    account = Account.objects.filter(opening_unit=unit).order_by("pk").first()
    finding = InspectionFinding.objects.filter(result__site__operating_unit=unit).first()
    urls = [f"/supervise/units/{unit.pk}/"] if unit else []
    urls += [f"/supervise/sites/{site.pk}/"] if site else []
    urls += [f"/supervise/accounts/{account.pk}/"] if account else []
    urls += [f"/supervise/findings/{finding.pk}/"] if finding else []
    return urls


def pages(province: int, city: int, inspection: int, problem_list: int) -> list[str]:
    """The overview, a region and the wall's figures, then every list of the supervisors'
    side (the named routes that take no object, and the object pages that list rows)."""
    from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse

    fixed = [
        "/supervise/",
        f"/supervise/regions/{city}/",
        "/supervise/wall/?format=json",
        f"/supervise/inspections/{inspection}/",
        f"/supervise/lists/{problem_list}/",
        f"/supervise/?inspection={inspection}&page=3",
    ]
    found = []

    def walk(patterns: list[object], prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)  # type: ignore[attr-defined]
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif "<" not in prefix + route and getattr(pattern, "name", None):
                found.append(pattern.name)  # type: ignore[attr-defined]

    walk(get_resolver().url_patterns, "")
    lists = []
    for name in found:
        try:
            url = reverse(name)
        except NoReverseMatch:  # a name inside a namespace (the admin's): not a workspace page
            continue
        # Pages only: the POST-only routes (start, refresh) answer a GET with 405.
        if url.startswith("/supervise/") and not url.endswith(("/start/", "/refresh/")):
            lists.append(url)
    return fixed + sorted(set(lists) - set(fixed))


def build(workdir: Path, sites: int, accounts: int) -> None:
    from bench.inspect_bench import scans_store
    from bench.registry_import import build_workbook
    from govwatch.web.inspections.services import inspection_run
    from govwatch.web.registry.services import registry_import

    t = time.perf_counter()
    path = workdir / "registry.xlsx"
    build_workbook(path, sites, accounts)
    registry_import(path)
    scans_store(8)
    observations_store()
    defects_plant()
    # The demo's profile: availability over one day of 20 probes (the national one wants
    # 7 days × 20, which the bench would have to store as 2.8 million probes).
    inspection_run("2024Q3", profile_name=str(REPO / "demo" / "profile-demo.yaml"))
    sent = lists_send()
    print(
        f"built {sites:,} sites, {accounts:,} accounts, scans, "
        f"{sites * PROBES_PER_SITE:,} probes, {accounts * POSTS_PER_ACCOUNT:,} posts, "
        f"one inspection and {sent:,} problem lists in {time.perf_counter() - t:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=20_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--reuse", type=Path, help="the folder of an earlier run: time the pages on its data"
    )
    args = parser.parse_args()

    workdir = args.reuse or Path(tempfile.mkdtemp(prefix="govwatch-workspace-bench-"))
    os.environ["GOVWATCH_DATA_DIR"] = str(workdir / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govwatch.web.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    from govwatch.web.dashboard.services import dashboard_refresh
    from govwatch.web.inspections.models import Inspection
    from govwatch.web.registry.models import Site, Unit
    from govwatch.web.tickets.models import ProblemList
    from govwatch.web.users.models import Membership

    call_command("migrate", verbosity=0)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {engine} ({workdir})")
    if not Site.objects.exists():  # a new folder, or --reuse of one not built yet
        build(workdir, args.sites, args.accounts)
    refresh = dashboard_refresh()
    print(
        f"dashboard_refresh: {refresh.units:,} units' figures in {refresh.seconds:.1f} s "
        f"(the watch does this every 10 minutes, off the request)"
    )

    province = Unit.objects.get(name="某省人民政府")
    city = Unit.objects.get(name="第7市人民政府")
    users = get_user_model().objects
    supervisor, created = users.get_or_create(username="bench-sup")
    if created:
        Membership.objects.create(user=supervisor, role="supervisor", unit=province)
    # A city's supervisor: a small scope inside the big registry (the join-based filter).
    city_supervisor, created = users.get_or_create(username="bench-city")
    if created:
        Membership.objects.create(user=city_supervisor, role="supervisor", unit=city)
    admin = users.filter(username="bench-admin").first() or users.create_superuser(
        "bench-admin", "", "bench-pass-123"
    )
    inspection = Inspection.objects.latest("created_at")
    problem_list = ProblemList.objects.order_by("pk").first()
    assert problem_list is not None
    urls = pages(province.pk, city.pk, inspection.pk, problem_list.pk) + drill_pages(city)

    baseline_client = Client()
    baseline_client.force_login(admin)
    base_ms, _, base_size, _ = timed(
        baseline_client, "/admin/inspections/inspectionresult/", args.repeat
    )
    print(
        f"baseline: the admin's inspection results list {base_ms:.0f} ms median, "
        f"{base_size / 1024:.0f} KB"
    )
    worst_median, worst_size = 0.0, 0
    for who, user in (
        ("province supervisor", supervisor),
        ("city supervisor", city_supervisor),
        ("administrator", admin),
    ):
        client = Client()
        client.force_login(user)
        print(f"\n{who}:  median   worst    size   vs baseline   page")
        for url in urls:
            median, worst, size, status = timed(client, url, args.repeat)
            flag = "" if status == 200 else f"  [HTTP {status}]"
            print(
                f"  {median:7.0f} ms {worst:6.0f} ms {size / 1024:6.0f} KB"
                f"  {median / base_ms:8.2f}×   {url}{flag}"
            )
            worst_median, worst_size = max(worst_median, median), max(worst_size, size)
    print(
        f"\nslowest median {worst_median:.0f} ms (goal < {BUDGET_MS} ms), largest page "
        f"{worst_size / 1024:.0f} KB (goal < {BUDGET_BYTES // 1000} KB); peak RSS {peak_mb():.0f} MB"
    )
    ok = worst_median < BUDGET_MS and worst_size < BUDGET_BYTES
    print("budget met" if ok else "BUDGET MISSED")


if __name__ == "__main__":
    main()
