"""From a fetch answer to a link-check outcome (a closed set, see LinkOutcome)."""

from __future__ import annotations

from govwatch.engine.crawl.models import LinkOutcome
from govwatch.engine.fetch.types import FetchError, FetchResult
from govwatch.engine.fetch.waf import is_waf_challenge

_BLOCKED_STATUSES = frozenset({401, 403, 429})
_ERROR_OUTCOMES = {
    FetchError.DNS: LinkOutcome.BROKEN,
    FetchError.REFUSED: LinkOutcome.BROKEN,
    FetchError.TLS: LinkOutcome.BROKEN,
    FetchError.RESET: LinkOutcome.SERVER_ERROR,
    FetchError.PROTOCOL: LinkOutcome.SERVER_ERROR,
    FetchError.TIMEOUT: LinkOutcome.TIMEOUT,
    FetchError.REDIRECT_LOOP: LinkOutcome.REDIRECT_LOOP,
    FetchError.TOO_MANY_REDIRECTS: LinkOutcome.REDIRECT_LOOP,
    FetchError.UNSUPPORTED_SCHEME: LinkOutcome.UNSUPPORTED,
    FetchError.INVALID_URL: LinkOutcome.UNSUPPORTED,
    FetchError.PRIVATE_ADDRESS: LinkOutcome.UNSUPPORTED,
}


def classify(result: FetchResult) -> tuple[LinkOutcome, str]:
    """(outcome, reason) for one fetch."""
    status = result.status
    if result.error is not None:
        if result.error in {FetchError.TOO_LARGE, FetchError.DECOMPRESSION_LIMIT} and (
            status is not None and status < 400
        ):
            return LinkOutcome.OK, result.error.value  # the link works; the body was too big
        return _ERROR_OUTCOMES.get(result.error, LinkOutcome.SERVER_ERROR), result.error.value
    assert status is not None
    if status in _BLOCKED_STATUSES:
        return LinkOutcome.BLOCKED, f"http {status}"
    if is_waf_challenge(status, result.body):
        return LinkOutcome.BLOCKED, f"waf challenge (http {status})"
    if status < 400:
        return LinkOutcome.OK, f"http {status}"
    if status >= 500:
        return LinkOutcome.SERVER_ERROR, f"http {status}"
    return LinkOutcome.BROKEN, f"http {status}"
