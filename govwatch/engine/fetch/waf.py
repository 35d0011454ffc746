"""Is an answer a WAF or anti-bot challenge rather than the page? Shared by link checks and
availability probes: a challenge is "suspected blocking" (疑似拦截), never a dead link."""

from __future__ import annotations

# Markers of WAF / anti-bot challenge pages common in front of Chinese gov sites (加速乐,
# 安全狗, 云锁, 创宇盾 and generic JS challenges). A challenge is "suspected blocking",
# never a dead link. Plain substring tests: far cheaper than a regex alternation, and this
# runs on every page.
_WAF_MARKERS = (
    b"__jsl_clearance",
    b"jiasule",
    b"safedog",
    b"yunsuo",
    b"knownsec",
    b"/cdn-cgi/challenge",
    "访问被拦截".encode(),
    "安全防护".encode(),
    "访问被拦截".encode("gbk"),
)


def is_waf_challenge(status: int | None, body: bytes) -> bool:
    if status in {412, 521} and body:
        return True  # the challenge statuses of the common Chinese anti-bot services
    if not body or len(body) > 65536:
        return False
    head = body[:8192].lower()
    return any(marker in head for marker in _WAF_MARKERS)
