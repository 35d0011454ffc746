"""One site: fetch -> parse -> note links -> check, with resume and cheap re-scans."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from govwatch.engine.crawl.frontier import RESOURCE_EXTENSIONS, Frontier, extension
from govwatch.engine.crawl.linkcheck import classify
from govwatch.engine.crawl.models import ColumnSpec, LinkOutcome, PageFailure, ScanConfig, SiteSpec
from govwatch.engine.crawl.state import CheckRecord, PageRecord, StateStore
from govwatch.engine.crawl.textscan import (
    ATTACHMENT_MAX_CHARS,
    attachment_name,
    hits_from_json,
    hits_to_json,
    page_text_hits,
    read_attachment,
    text_attachment_suffix,
)
from govwatch.engine.fetch.client import Fetcher
from govwatch.engine.fetch.encoding import decode_body
from govwatch.engine.fetch.types import FetchError, FetchResult
from govwatch.engine.parse.article import FROM_META, extract_article_date
from govwatch.engine.parse.page import PageDigest, parse_page
from govwatch.engine.parse.types import Link
from govwatch.engine.parse.urls import UNSUPPORTED_PREFIX, UrlResolver, host_of, normalize_url
from govwatch.engine.text.findings import TextHit


@dataclass(slots=True)
class Counters:
    pages_fetched: int = 0
    pages_parsed: int = 0
    pages_not_modified: int = 0
    pages_unchanged: int = 0
    pages_resumed: int = 0
    links_checked: int = 0
    external_checked: int = 0
    attachments_text_checked: int = 0


@dataclass(slots=True)
class CrawlData:
    """What a crawl leaves for the result assembly (mutable while the crawl runs)."""

    home: str
    hosts: set[str]
    columns: list[tuple[ColumnSpec, bool]] = field(default_factory=list)  # (spec, registered)
    list_owner: dict[str, str] = field(default_factory=dict)  # list page -> column URL
    list_digests: dict[str, PageDigest] = field(default_factory=dict)
    outcomes: dict[str, tuple[LinkOutcome, str, int | None]] = field(default_factory=dict)
    referrers: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    failures: list[PageFailure] = field(default_factory=list)
    counters: Counters = field(default_factory=Counters)
    text_hits: list[TextHit] = field(default_factory=list)
    # Article page -> (publish date, "article" or "article_meta"): dates for list items
    # that show none.
    article_dates: dict[str, tuple[date, str]] = field(default_factory=dict)


# The article's date rides in the stored digest under this key (PageDigest.from_json
# ignores it), so 304s, unchanged pages and resumed scans keep it without a parse.
ARTICLE_KEY = "article"


def _article_json(html: str, scan_date: date, url: str) -> list[str] | None:
    found = extract_article_date(html, scan_date, url)
    if found is None:
        return None
    source = "article_meta" if found.source == FROM_META else "article"
    return [found.published.isoformat(), source]


def _content_hash(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


# Attachments read for their text at once per site (each body up to attachment_max_bytes).
ATTACHMENT_SLOTS = 4
# One extraction at a time, in a thread (the event loop keeps serving the other fetches);
# a file that takes longer than this is recorded as a failure and the scan goes on.
EXTRACT_TIMEOUT = 60.0
_BODY_CAPS = frozenset({FetchError.TOO_LARGE, FetchError.DECOMPRESSION_LIMIT})


def _attachment_digest(record: PageRecord | None) -> dict[str, Any] | None:
    """The stored text-check answer of an attachment: {"attachment": suffix, "hits": [...],
    "error": reason} (pages store a PageDigest instead)."""
    if record is None or record.is_page or record.digest is None:
        return None
    return record.digest if "attachment" in record.digest else None


class SiteCrawler:
    def __init__(
        self,
        site: SiteSpec,
        config: ScanConfig,
        fetcher: Fetcher,
        state: StateStore | None,
        scan_date: date,
        scan_id: str,
        external_cache: dict[str, tuple[LinkOutcome, str, int | None]] | None = None,
    ) -> None:
        self.site = site
        # Shared by the sites of one multi-site scan: each external URL is checked once.
        self.external_cache = external_cache if external_cache is not None else {}
        self.config = config
        self.fetcher = fetcher
        self.state = state
        self.scan_date = scan_date
        self.scan_id = scan_id
        home = normalize_url(site.home_url) or site.home_url
        hosts = {host_of(home)} | {h.lower() for h in site.hosts}
        self.data = CrawlData(home=home, hosts=hosts)
        self.frontier = Frontier(
            hosts,
            max_pages=config.max_pages,
            max_depth=config.max_depth,
            max_query_variants=config.max_query_variants,
            max_path_segments=config.max_path_segments,
        )
        self.resolver = UrlResolver()
        self.queue: asyncio.Queue[tuple[str, int, bool]] = asyncio.Queue()
        self.scheduled: set[str] = set()
        self.list_pages: dict[str, int] = {}
        self._attachment_slots = asyncio.Semaphore(ATTACHMENT_SLOTS)
        self._extract_slot = asyncio.Semaphore(1)

    async def run(self) -> CrawlData:
        data = self.data
        for column in self.site.columns:
            url = normalize_url(column.url) or column.url
            data.columns.append((ColumnSpec(column.name, url, column.kind), True))
            data.list_owner[url] = url
        self.frontier.admit(data.home, 0, force=True)
        await self.process_page(data.home, 0)  # first and alone: it names the columns
        for spec, _ in data.columns:
            self._enqueue_page(spec.url, 1, force=True)
        workers = [asyncio.create_task(self._worker()) for _ in range(max(1, self.config.workers))]
        try:
            await self.queue.join()
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        return data

    async def _worker(self) -> None:
        while True:
            url, depth, is_page = await self.queue.get()
            try:
                if is_page:
                    await self.process_page(url, depth)
                else:
                    await self.process_check(url)
            except Exception as exc:
                # A bug or a page that breaks the parser must cost one URL, never the scan
                # (a dead worker would leave queue.join() waiting forever).
                reason = f"internal error: {type(exc).__name__}: {exc}"[:200]
                self.data.failures.append(PageFailure(url, reason, None))
                self.data.outcomes.setdefault(url, (LinkOutcome.UNSUPPORTED, reason, None))
            finally:
                self.queue.task_done()

    def _enqueue_page(self, url: str, depth: int, *, force: bool = False) -> bool:
        if self.frontier.admit(url, depth, force=force).admitted:
            self.scheduled.add(url)
            self.queue.put_nowait((url, depth, True))
            return True
        return False

    async def process_page(self, url: str, depth: int) -> None:
        data = self.data
        as_list = url in data.list_owner or url == data.home
        as_site = url == data.home
        record = self.state.load_page(url) if self.state is not None else None
        if (
            record is not None
            and record.digest is not None
            and not ((record.as_list or not as_list) and (record.as_site or not as_site))
        ):
            record = None  # parsed before for a narrower role: fetch the body and parse again
        if record is not None and record.scan_id == self.scan_id:
            self._resume(url, depth, record)
            return
        digest, saved = await self._fetch_page(url, record, as_list, as_site)
        if saved is not None and self.state is not None:
            self.state.save_page(saved)
        if digest is not None:
            self._handle_digest(url, depth, digest, as_list)

    def _resume(self, url: str, depth: int, record: PageRecord) -> None:
        data = self.data
        data.counters.pages_resumed += 1
        outcome = LinkOutcome(record.outcome)
        if record.error:
            data.failures.append(PageFailure(url, record.error, record.status))
        data.outcomes[url] = (outcome, record.error or f"http {record.status}", record.status)
        attachment = _attachment_digest(record)
        if attachment is not None:
            if self.config.check_text:
                self._replay_attachment(url, attachment)
        elif record.digest is not None:
            as_list = url in data.list_owner or url == data.home
            self._note_article(url, record.digest.get(ARTICLE_KEY))
            self._handle_digest(url, depth, PageDigest.from_json(record.digest), as_list)

    async def _fetch_page(
        self, url: str, record: PageRecord | None, as_list: bool, as_site: bool
    ) -> tuple[PageDigest | None, PageRecord | None]:
        data = self.data
        usable = record is not None and record.digest is not None and record.is_page
        attachment = _attachment_digest(record) if self.config.check_text else None
        conditional = usable or attachment is not None
        result = await self.fetcher.fetch(
            url,
            etag=record.etag if conditional and record else "",
            last_modified=record.last_modified if conditional and record else "",
        )
        outcome, reason = classify(result)
        data.outcomes[url] = (outcome, reason, result.status)
        if self.config.check_text and self._is_text_attachment(url, result, outcome, attachment):
            # A document behind a page-like URL (a download script): its text is checked.
            async with self._attachment_slots:
                if result.error is FetchError.TOO_LARGE:  # above the page cap: read it again
                    result = await self.fetcher.fetch(
                        url, max_bytes=self.config.attachment_max_bytes
                    )
                return None, await self._attachment(url, result, record)
        base = dict(url=url, scan_id=self.scan_id, status=result.status)
        if result.not_modified and usable and record is not None and record.digest is not None:
            data.counters.pages_not_modified += 1
            self._note_article(url, record.digest.get(ARTICLE_KEY))
            return PageDigest.from_json(record.digest), PageRecord(
                **base,  # type: ignore[arg-type]
                error="",
                etag=record.etag,
                last_modified=record.last_modified,
                content_hash=record.content_hash,
                as_list=as_list,
                as_site=as_site,
                digest=record.digest,
            )
        if outcome is not LinkOutcome.OK or result.status == 304 or result.error is not None:
            data.failures.append(PageFailure(url, reason, result.status))
            return None, PageRecord(
                **base,  # type: ignore[arg-type]
                error=reason,
                outcome=outcome.value,
            )
        final_host = host_of(result.final_url)
        if not result.is_html or final_host not in data.hosts:
            # An answer to check (a file, or a redirect off-site), not a page to parse.
            return None, PageRecord(**base, error="", is_page=False)  # type: ignore[arg-type]
        data.counters.pages_fetched += 1
        # Without a state store nothing is compared later: skip the hash and the record.
        content_hash = _content_hash(result.body) if self.state is not None else ""
        article: list[str] | None = None
        if (
            usable
            and record is not None
            and record.content_hash == content_hash
            # Stored before article dates were kept: parse it once more for the date.
            and (as_list or ARTICLE_KEY in (record.digest or {}))
        ):
            data.counters.pages_unchanged += 1
            assert record.digest is not None
            digest = PageDigest.from_json(record.digest)
            article = record.digest.get(ARTICLE_KEY)
        else:
            text, encoding = decode_body(result.body, result.content_type)
            digest = parse_page(
                text,
                result.final_url,
                self.resolver,
                scan_date=self.scan_date,
                want_list=as_list,
                want_site=as_site,
                want_text=self.config.check_text,
                encoding=encoding,
            )
            data.counters.pages_parsed += 1
            if not as_list:  # a list or the home page is nobody's article
                article = _article_json(text, self.scan_date, result.final_url)
        self._note_article(url, article)
        if self.state is None:
            return digest, None
        stored = digest.to_json()
        if not as_list:
            stored[ARTICLE_KEY] = article or []  # [] : looked, found none
        saved = PageRecord(
            **base,  # type: ignore[arg-type]
            error="",
            etag=result.etag,
            last_modified=result.last_modified,
            content_hash=content_hash,
            as_list=as_list,
            as_site=as_site,
            digest=stored,
        )
        return digest, saved

    def _note_article(self, url: str, article: Any) -> None:
        if isinstance(article, list) and len(article) == 2:
            # A damaged record: the page simply has no known date.
            with contextlib.suppress(TypeError, ValueError):
                self.data.article_dates[url] = (date.fromisoformat(article[0]), str(article[1]))

    def _handle_digest(self, url: str, depth: int, digest: PageDigest, as_list: bool) -> None:
        data = self.data
        if as_list:
            data.list_digests[url] = digest
            owner = data.list_owner.get(url)
            if owner is not None:
                for page in digest.pagination:
                    self._add_list_page(owner, page, depth)
                self._fetch_undated_articles(digest, depth)
        if url == data.home and self.config.discover_columns:
            self._discover_columns(digest.nav_links)
        for link in digest.links:
            self._note_link(link, url, depth)
        if self.config.check_text and digest.text:
            # Resumed and unchanged pages come here too, from their stored digest.
            data.text_hits.extend(page_text_hits(url, digest.text))

    def _fetch_undated_articles(self, digest: PageDigest, depth: int) -> None:
        """The first undated items' articles (a list's newest come first) are fetched even
        past the depth and page limits (the daily freshness pass stops at the lists), so
        their publish dates can stand in for the dates the list does not show."""
        budget = self.config.article_dates
        for item in digest.items:
            if budget <= 0:
                return
            if item.published is not None or host_of(item.url) not in self.data.hosts:
                continue
            if extension(item.url) in RESOURCE_EXTENSIONS:
                continue
            budget -= 1
            self._enqueue_page(item.url, depth + 1, force=True)

    def _add_list_page(self, owner: str, page: str, depth: int) -> None:
        data = self.data
        if page in data.list_owner or host_of(page) not in data.hosts:
            return
        count = self.list_pages.get(owner, 0)
        if count >= self.config.max_list_pages:
            return
        self.list_pages[owner] = count + 1
        data.list_owner[page] = owner
        if not self._enqueue_page(page, depth + 1, force=True) and page not in data.list_digests:
            # Already fetched as a plain page before we knew it was a list page: again, as one.
            self.queue.put_nowait((page, depth + 1, True))

    def _discover_columns(self, nav_links: tuple[Link, ...]) -> None:
        data = self.data
        known = {spec.url for spec, _ in data.columns}
        for link in nav_links:
            url = link.url
            if (
                link.kind != "a"
                or not link.text
                or url in known
                or url == data.home
                or url.startswith(UNSUPPORTED_PREFIX)
                or host_of(url) not in data.hosts
                or extension(url) in RESOURCE_EXTENSIONS
            ):
                continue
            known.add(url)
            data.columns.append((ColumnSpec(link.text, url), False))
            data.list_owner[url] = url

    def _note_link(self, link: Link, page_url: str, depth: int) -> None:
        data = self.data
        target = link.url
        known = data.outcomes.get(target)
        if known is not None and known[0] is LinkOutcome.OK:
            return  # the common case: a template link already seen working
        refs = data.referrers.setdefault(target, [])
        if len(refs) < self.config.max_referrers or page_url == data.home:
            refs.append((page_url, link.text, link.kind))  # duplicates dropped at assembly
        if known is not None or target in self.scheduled:
            return
        if target.startswith(UNSUPPORTED_PREFIX):
            data.outcomes[target] = (LinkOutcome.UNSUPPORTED, "unsupported scheme", None)
            return
        in_scope = host_of(target) in data.hosts
        if in_scope and link.kind == "a" and extension(target) not in RESOURCE_EXTENSIONS:
            admission = self.frontier.admit(target, depth + 1)
            if admission.admitted:
                self.scheduled.add(target)
                self.queue.put_nowait((target, depth + 1, True))
                return
            if admission.trap or target in self.frontier.seen:
                return  # a trap is bounded, not checked; beyond the limits it is still checked
        elif not in_scope and not self.config.check_external:
            return
        if not self.config.check_links:
            return
        self.scheduled.add(target)
        self.queue.put_nowait((target, depth + 1, False))

    async def process_check(self, url: str) -> None:
        data = self.data
        external = host_of(url) not in data.hosts
        if self.config.check_text and not external and text_attachment_suffix(url, ""):
            await self.process_attachment(url)
            return
        record = self.state.load_check(self.scan_id, url) if self.state is not None else None
        if record is not None:
            data.outcomes[url] = (LinkOutcome(record.outcome), record.reason, record.status)
            return
        shared = self.external_cache.get(url) if external else None
        if shared is not None:
            data.outcomes[url] = shared
            return
        result = await self.fetcher.fetch(url, read_body=False)
        outcome, reason = classify(result)
        data.outcomes[url] = (outcome, reason, result.status)
        data.counters.links_checked += 1
        if external:
            data.counters.external_checked += 1
            self.external_cache[url] = data.outcomes[url]
        if self.state is not None:
            self.state.save_check(
                CheckRecord(url, self.scan_id, outcome.value, reason, result.status)
            )

    # --- attachments: the content checks on the text of the site's own documents ---

    def _is_text_attachment(
        self, url: str, result: FetchResult, outcome: LinkOutcome, attachment: dict[str, Any] | None
    ) -> bool:
        if outcome is not LinkOutcome.OK or host_of(result.final_url) not in self.data.hosts:
            return False
        if result.not_modified:
            return attachment is not None
        if result.error is not None and result.error not in _BODY_CAPS:
            return False
        return text_attachment_suffix(url, result.content_type) is not None

    async def process_attachment(self, url: str) -> None:
        """Check an in-scope pdf/docx/xlsx link with one GET that reads the body (up to
        attachment_max_bytes): the answer gives the link outcome and the text to check."""
        data = self.data
        state = self.state
        record = state.load_page(url) if state is not None else None
        check = state.load_check(self.scan_id, url) if state is not None else None
        if check is not None:  # finished by an earlier run of this scan
            data.outcomes[url] = (LinkOutcome(check.outcome), check.reason, check.status)
            attachment = _attachment_digest(record)
            if attachment is not None and record is not None and record.scan_id == self.scan_id:
                self._replay_attachment(url, attachment)
            return
        known = record if _attachment_digest(record) is not None else None
        saved: PageRecord | None = None
        async with self._attachment_slots:
            result = await self.fetcher.fetch(
                url,
                etag=known.etag if known else "",
                last_modified=known.last_modified if known else "",
                max_bytes=self.config.attachment_max_bytes,
            )
            outcome, reason = classify(result)
            data.outcomes[url] = (outcome, reason, result.status)
            data.counters.links_checked += 1
            if self._is_text_attachment(url, result, outcome, _attachment_digest(known)):
                saved = await self._attachment(url, result, known)
        if state is not None:
            if saved is not None:
                state.save_page(saved)  # before the check: a resume needs both
            state.save_check(CheckRecord(url, self.scan_id, outcome.value, reason, result.status))

    async def _attachment(
        self, url: str, result: FetchResult, record: PageRecord | None
    ) -> PageRecord:
        """Text-check one attachment answer (200, too large, or 304 to a stored one); the
        record to store. Unreadable files are failures with a reason, never exceptions."""
        known = _attachment_digest(record)
        base: dict[str, Any] = dict(
            url=url, scan_id=self.scan_id, status=result.status, error="", is_page=False
        )
        if result.not_modified and record is not None and known is not None:
            self._replay_attachment(url, known)
            return PageRecord(
                **base,
                etag=record.etag,
                last_modified=record.last_modified,
                content_hash=record.content_hash,
                digest=known,
            )
        suffix = (
            text_attachment_suffix(url, result.content_type)
            or text_attachment_suffix(result.final_url, result.content_type)
            or ""
        )
        if result.error is not None:
            digest: dict[str, Any] = {
                "attachment": suffix,
                "hits": [],
                "error": f"text not read: {result.error}",
            }
            self._replay_attachment(url, digest)
            return PageRecord(**base, digest=digest)
        content_hash = _content_hash(result.body)
        if record is not None and known is not None and record.content_hash == content_hash:
            digest = known  # same bytes as before: no extraction
        else:
            text, error = await self._read_attachment(result.body, attachment_name(url, suffix))
            hits = page_text_hits(url, text, max_chars=ATTACHMENT_MAX_CHARS) if text else []
            digest = {"attachment": suffix, "hits": hits_to_json(hits), "error": error}
        self._replay_attachment(url, digest)
        return PageRecord(
            **base,
            etag=result.etag,
            last_modified=result.last_modified,
            content_hash=content_hash,
            digest=digest,
        )

    async def _read_attachment(self, body: bytes, filename: str) -> tuple[str, str]:
        async with self._extract_slot:
            try:
                return await asyncio.wait_for(
                    asyncio.to_thread(read_attachment, body, filename), EXTRACT_TIMEOUT
                )
            except TimeoutError:
                return "", f"text extraction took over {EXTRACT_TIMEOUT:.0f} s"

    def _replay_attachment(self, url: str, digest: dict[str, Any]) -> None:
        """Put one attachment's text-check answer (fresh or stored) into the result."""
        data = self.data
        error = digest.get("error") or ""
        status = data.outcomes.get(url, (None, "", None))[2]
        if error:
            data.failures.append(PageFailure(url, f"attachment text: {error}"[:300], status))
            return
        refs = data.referrers.get(url)
        page_url = refs[0][0] if refs else ""
        data.text_hits.extend(hits_from_json(url, page_url, digest.get("hits") or ()))
        data.counters.attachments_text_checked += 1
