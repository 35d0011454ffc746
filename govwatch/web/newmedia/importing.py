"""Importing platform export files (csv GBK/UTF-8, xlsx) into stored posts: all or nothing.

Rows are streamed, never held as a table, so a million-row export fits in little memory:
each row is checked (registered account by 平台 + 账号名称 or 账号ID, a readable
发布时间), and while no row has failed, posts are written in batches inside one
transaction. Any bad row rolls the whole file back and every problem is listed as
「sheet」第N行「column」列：reason. Posts already stored (same dedupe key) are counted as
duplicates, so importing a file twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from govwatch.engine.newmedia.adapters.base import AccountProfile, normalize_platform
from govwatch.engine.newmedia.adapters.base import Post as EnginePost
from govwatch.engine.newmedia.content import post_text_hits
from govwatch.engine.newmedia.dates import parse_post_time
from govwatch.engine.registry import labels as L
from govwatch.engine.rows import Field, RowErrors, RowsRefused, match_headers
from govwatch.engine.tabular import TableFileError, cell_text, iter_first_sheet
from govwatch.web.newmedia.models import Post, stored_dedupe_key
from govwatch.web.newmedia.selectors import engine_platform
from govwatch.web.newmedia.sightings import sighting_record
from govwatch.web.registry.models import Account

BATCH = 5000
_FIELDS = (
    Field("account", "账号", aliases=("账号名称", "公众号名称", "微博昵称", "account_name")),
    Field("platform", "平台", required=False, aliases=("账号类型",)),
    Field("time", "发布时间", aliases=("时间", "发文时间", "发布日期", "published_at", "date")),
    Field("title", "标题", required=False, aliases=("文章标题",)),
    Field("text", "正文", required=False, aliases=("内容", "摘要", "content")),
    Field("url", "链接", required=False, aliases=("网址", "原文链接", "link")),
    Field(
        "original", "原创/转发", required=False, aliases=("原创或转发", "是否原创", "类型", "type")
    ),
    Field("post_id", "文章ID", required=False, aliases=("微博ID", "id")),
    # The account's certified owner as the platform shows it (optional, for NMA007).
    Field("owner", "认证主体", required=False, aliases=("运营主体",)),
    # 账号ID names the account, unlike the post-id headers above.
    Field("account_id", "账号ID", required=False),
)
_ORIGINAL = {"原创": True, "是": True, "original": True, "true": True, "1": True}
_REPOST = {"转发": False, "转载": False, "否": False, "repost": False, "false": False, "0": False}


class PostsImportError(RowsRefused):
    """The file was refused; nothing was written. ``errors`` lists the problems found."""


@dataclass
class PostsImportReport:
    dry_run: bool
    rows: int = 0
    new: int = 0
    duplicate: int = 0
    accounts: int = 0
    with_text_hits: int = 0  # new posts the content checks found something in
    per_account: dict[int, int] = field(default_factory=dict, repr=False)
    # The newest name/认证主体 the file shows per account (for NMA007), with its time.
    profiles: dict[int, tuple[dt.datetime, AccountProfile]] = field(
        default_factory=dict, repr=False
    )


class _Rollback(Exception):
    pass


@dataclass
class AccountLookup:
    """Registered accounts by how exports name them, resolved once per distinct spelling."""

    by_code: dict[tuple[str, str], int] = field(default_factory=dict)
    by_group: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    by_name: dict[str, set[int]] = field(default_factory=dict)
    platform_of: dict[int, str] = field(default_factory=dict)
    cache: dict[tuple[str, str, str], int | str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> AccountLookup:
        lookup = cls()
        for pk, code, name, platform_id in Account.objects.values_list(
            "pk", "platform", "name", "platform_id"
        ):
            lookup.platform_of[pk] = code
            for key in filter(None, (name.strip(), platform_id.strip())):
                lookup.by_code[(code, key)] = pk
                lookup.by_group.setdefault((engine_platform(code), key), set()).add(pk)
                lookup.by_name.setdefault(key, set()).add(pk)
        return lookup

    @staticmethod
    def codes(platform_text: str) -> list[str]:
        text = platform_text.strip().lower()
        return [
            code
            for code, labels in L.PLATFORM.items()
            if text == code or text in (label.lower() for label in labels)
        ]

    def resolve(self, platform_text: str, name: str, account_id: str) -> int | str:
        """The account's pk, or the Chinese reason it cannot be found."""
        key = (platform_text, name, account_id)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._resolve(platform_text.strip(), name, account_id)
        return found

    def _resolve(self, platform_text: str, name: str, account_id: str) -> int | str:
        label = f"{platform_text}“{name or account_id}”" if platform_text else f"“{name}”"
        candidates: set[int] = set()
        for key in filter(None, (account_id, name)):
            if not platform_text:
                candidates = self.by_name.get(key, set())
            else:
                exact = {
                    pk for c in self.codes(platform_text) if (pk := self.by_code.get((c, key)))
                }
                group = normalize_platform(platform_text)
                candidates = exact or (self.by_group.get((group, key), set()) if group else set())
            if candidates:
                break
        if not candidates:
            if (
                platform_text
                and not self.codes(platform_text)
                and not normalize_platform(platform_text)
            ):
                return f"平台无法识别：“{platform_text}”"
            return f"账号未登记：{label}（请先在登记库中登记该账号）"
        if len(candidates) > 1:
            return f"账号{label}对应多个登记账号，请在文件中注明平台或账号ID"
        return next(iter(candidates))


def _cell(row: Sequence[object], index: int | None) -> str:
    return cell_text(row[index]) if index is not None and index < len(row) else ""


def posts_import(path: Path, *, dry_run: bool = False) -> PostsImportReport:
    """Import one export file; raises ``PostsImportError`` (nothing written) on any bad row."""
    if not path.is_file():
        raise PostsImportError([f"找不到文件 {path.name}"])
    if path.stat().st_size == 0:
        raise PostsImportError([f"{path.name}：文件为空"])
    report = PostsImportReport(dry_run=dry_run)
    try:
        sheet_name, rows = iter_first_sheet(path)
        with transaction.atomic():
            errors = _import_rows(sheet_name, rows, AccountLookup.load(), report)
            if errors:
                raise PostsImportError(errors)
            if dry_run:
                raise _Rollback
            # The file shows the accounts as they are when it was exported, i.e. now.
            for pk, (_, profile) in report.profiles.items():
                sighting_record(pk, profile, "export", timezone.now())
    except TableFileError as exc:
        raise PostsImportError([f"{path.name}：{exc}"]) from exc
    except _Rollback:
        pass
    report.accounts = len(report.per_account)
    return report


def _import_rows(
    sheet: str, rows: Iterator[Sequence[object]], lookup: AccountLookup, report: PostsImportReport
) -> RowErrors:
    errors = RowErrors()
    columns: dict[str, int] | None = None
    headers: list[str] = []
    seen: set[int] = set()
    pending: list[tuple[int, EnginePost]] = []

    def fail(number: int, key: str, message: str) -> None:
        errors.add(
            sheet, number, headers[columns[key]] if columns and key in columns else "", message
        )

    for number, row in enumerate(rows, start=1):
        if not any(c not in (None, "") for c in row):
            continue
        if columns is None:
            headers = [cell_text(h).replace("\ufeff", "").strip() for h in row]
            found, _, _ = match_headers(headers, _FIELDS)
            columns = {key: headers.index(header) for key, header in found.items()}
            # 账号ID alone names the account as well as 账号名称 does.
            missing = [f for f in _FIELDS if f.required and f.key not in columns]
            missing = [f for f in missing if f.key != "account" or "account_id" not in columns]
            for field in missing:
                accepted = "、".join(field.names[:4])
                errors.add(sheet, number, field.header, f"缺少必需的列（可写作：{accepted}）")
            if missing:
                return errors
            continue
        report.rows += 1
        get = columns.get
        account_name = _cell(row, get("account"))
        account_code = _cell(row, get("account_id"))
        if not account_name and not account_code:
            fail(number, "account", "账号为空")
            continue
        resolved = lookup.resolve(_cell(row, get("platform")), account_name, account_code)
        if isinstance(resolved, str):
            fail(number, "platform" if resolved.startswith("平台") else "account", resolved)
            continue
        time_index = columns["time"]
        raw_time = row[time_index] if time_index < len(row) else None
        published = parse_post_time(raw_time)
        if published is None:
            fail(number, "time", f"发布时间无法识别：“{str(raw_time or '')[:40]}”")
            continue
        original_text = _cell(row, get("original")).lower()
        post = EnginePost(
            account_id=str(resolved),
            platform=engine_platform(lookup.platform_of[resolved]),
            published_at=published,
            title=_cell(row, get("title")),
            text=_cell(row, get("text")),
            url=_cell(row, get("url")),
            post_id=_cell(row, get("post_id")),
            is_original=_ORIGINAL.get(original_text, _REPOST.get(original_text)),
            source_id="export",
        )
        # The export's 账号名称 is a sighting when the row named the account by its ID.
        shown = AccountProfile(account_name if account_code else "", _cell(row, get("owner")))
        if (shown.name or shown.owner) and (
            resolved not in report.profiles or report.profiles[resolved][0] <= published
        ):
            report.profiles[resolved] = (published, shown)
        # Python's 64-bit string hash keeps a million keys in tens of MB; a collision
        # (odds ~1e-8 per million posts) would only be caught by the unique index.
        fingerprint = hash((resolved, post.dedupe_key))
        if fingerprint in seen:
            report.duplicate += 1
            continue
        seen.add(fingerprint)
        if errors:
            continue  # still checking every row, but nothing more is written
        pending.append((resolved, post))
        if len(pending) >= BATCH:
            _write(pending, report)
            pending = []
    if columns is None:
        errors.add(sheet, 1, "", "文件为空，没有表头")
    if not errors and pending:
        _write(pending, report)
    return errors


def _write(pending: list[tuple[int, EnginePost]], report: PostsImportReport) -> None:
    keyed = [(pk, stored_dedupe_key(post.dedupe_key), post) for pk, post in pending]
    stored = set(
        Post.objects.filter(
            account_id__in={pk for pk, _, _ in keyed}, dedupe_key__in=[k for _, k, _ in keyed]
        ).values_list("account_id", "dedupe_key")
    )
    fresh = [item for item in keyed if (item[0], item[1]) not in stored]
    report.duplicate += len(keyed) - len(fresh)
    report.new += len(fresh)
    for pk, _, _ in fresh:
        report.per_account[pk] = report.per_account.get(pk, 0) + 1
    report.with_text_hits += _insert(fresh)


_COLUMNS = (
    "account",
    "published_at",
    "title",
    "text",
    "url",
    "post_id",
    "is_original",
    "source_kind",
    "dedupe_key",
    "text_hits",
    "created_at",
)


def _insert(fresh: list[tuple[int, str, EnginePost]]) -> int:
    """One executemany INSERT … ON CONFLICT DO NOTHING (SQLite ≥ 3.24 and PostgreSQL).

    Not ``bulk_create``: compiling SQL field by field for every model instance was most
    of the import time (measured: ~60 % at a million rows), and the plain statement
    keeps the same conflict rule — a feed may store the same post concurrently.
    Returns how many of the posts had content-check hits.
    """
    if not fresh:
        return 0
    ops = connection.ops
    columns = ", ".join(ops.quote_name(Post._meta.get_field(c).column) for c in _COLUMNS)
    marks = ", ".join(["%s"] * len(_COLUMNS))
    table = ops.quote_name(Post._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING"
    now = ops.adapt_datetimefield_value(timezone.now())
    adapt = ops.adapt_datetimefield_value
    hits_field = Post._meta.get_field("text_hits")
    params = []
    with_hits = 0
    for pk, key, post in fresh:
        hits = post_text_hits(post.title, post.text)
        with_hits += bool(hits)
        params.append(
            (
                pk,
                adapt(post.published_at),
                post.title,
                post.text,
                post.url[:2000],
                post.post_id[:200],
                post.is_original,
                "export",
                key,
                hits_field.get_db_prep_value(hits, connection),
                now,
            )
        )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return with_hits


def post_row(account_pk: int, key: str, post: EnginePost, kind: str) -> Post:
    return Post(
        account_id=account_pk,
        published_at=post.published_at,
        title=post.title,
        text=post.text,
        url=post.url[:2000],
        post_id=post.post_id[:200],
        is_original=post.is_original,
        source_kind=kind,
        dedupe_key=key,
        text_hits=post_text_hits(post.title, post.text),
    )


__all__ = ["PostsImportError", "PostsImportReport", "post_row", "posts_import"]
