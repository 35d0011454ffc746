"""Probe rounds: the closed outcome set, one pass over many home pages, a hanging site
costs its own probe only."""

from __future__ import annotations

import pytest

from govwatch.engine.fetch.types import FetchError, FetchResult
from govwatch.engine.monitoring.probes import ProbeOutcome, probe_outcome, probe_round_sync
from tests.engine.monitoring.probeserver import ProbeServer

U = "http://www.a.gov.cn/"
CASES = [
    ("200 in time", FetchResult(U, U, status=200, elapsed=0.2), ProbeOutcome.OK),
    ("200 after 15 s", FetchResult(U, U, status=200, elapsed=15.0), ProbeOutcome.TIMEOUT),
    ("503", FetchResult(U, U, status=503), ProbeOutcome.SERVER_ERROR),
    ("404", FetchResult(U, U, status=404), ProbeOutcome.ERROR),
    ("403", FetchResult(U, U, status=403), ProbeOutcome.BLOCKED),
    ("429", FetchResult(U, U, status=429), ProbeOutcome.BLOCKED),
    (
        "WAF challenge page",
        FetchResult(U, U, status=200, body=b"<script>__jsl_clearance</script>"),
        ProbeOutcome.BLOCKED,
    ),
    ("dns", FetchResult(U, U, error=FetchError.DNS), ProbeOutcome.DNS),
    ("refused", FetchResult(U, U, error=FetchError.REFUSED), ProbeOutcome.REFUSED),
    ("tls", FetchResult(U, U, error=FetchError.TLS), ProbeOutcome.TLS),
    ("timeout", FetchResult(U, U, error=FetchError.TIMEOUT), ProbeOutcome.TIMEOUT),
    ("reset", FetchResult(U, U, error=FetchError.RESET), ProbeOutcome.SERVER_ERROR),
    ("loop", FetchResult(U, U, error=FetchError.REDIRECT_LOOP), ProbeOutcome.ERROR),
    (
        "huge page that answered",
        FetchResult(U, U, status=200, error=FetchError.TOO_LARGE),
        ProbeOutcome.OK,
    ),
]


@pytest.mark.parametrize(("name", "result", "outcome"), CASES, ids=[c[0] for c in CASES])
def test_probe_outcome(name: str, result: FetchResult, outcome: ProbeOutcome) -> None:
    assert probe_outcome(result, 15.0)[0] is outcome


def test_a_round_probes_every_home_page_once_and_a_hanging_site_only_times_out() -> None:
    hosts = [f"ok-{i}.gov.cn" for i in range(40)]
    hosts += ["down-1.gov.cn", "gone-1.gov.cn", "deny-1.gov.cn", "hang-1.gov.cn"]
    hosts += ["refused-1.gov.cn", "nowhere.invalid"]
    with ProbeServer() as server:
        targets = [(i, f"http://{h}/") for i, h in enumerate(hosts)]
        probes, stats = probe_round_sync(targets, server.fetch_config(hosts), 1.0, 8)
    by_host = {hosts[key]: probe for key, probe in probes}
    assert sorted(by_host) == sorted(hosts)  # each exactly once
    assert stats.probes == len(hosts) and stats.failed == 6
    expected = {
        "down-1.gov.cn": "server_error",
        "gone-1.gov.cn": "error",
        "deny-1.gov.cn": "blocked",
        "hang-1.gov.cn": "timeout",
        "refused-1.gov.cn": "refused",
        "nowhere.invalid": "dns",
    }
    for host, outcome in expected.items():
        assert (by_host[host].outcome, by_host[host].ok) == (outcome, False), host
    assert all(by_host[h].ok and by_host[h].outcome == "ok" for h in hosts[:40])
    # The round went on around the hanging site: everything else answered.
    assert all(by_host[h].status == 200 for h in hosts[:40])


def test_probes_are_not_retried() -> None:
    """A retry would hide the very failure a probe is there to count."""
    with ProbeServer() as server:
        probes, _ = probe_round_sync(
            [(1, "http://down-2.gov.cn/")], server.fetch_config(["down-2.gov.cn"])
        )
        assert server.hits["down-2.gov.cn"] == 1
    assert probes[0][1].outcome == "server_error"


def test_running_out_of_open_files_here_is_not_the_sites_failure() -> None:
    import errno

    from govwatch.engine.fetch.client import _classify

    assert _classify(OSError(errno.EMFILE, "Too many open files"))[0] is FetchError.LOCAL
    assert (
        _classify(ConnectionRefusedError(errno.ECONNREFUSED, "refused"))[0] is not FetchError.LOCAL
    )
