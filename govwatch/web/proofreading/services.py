"""Proofreading services: take a draft in, check it, allow or revoke a word."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from govwatch.engine.text.extract import ExtractError, extract_text
from govwatch.engine.text.findings import TextHit
from govwatch.web.proofreading.annotate import annotated_docx
from govwatch.web.proofreading.checking import text_check, warm_up
from govwatch.web.proofreading.marks import numbered
from govwatch.web.proofreading.models import (
    MAX_DRAFT_CHARS,
    MAX_WORD_CHARS,
    AllowedWord,
    ProofreadDraft,
)
from govwatch.web.proofreading.selectors import allowed_words_applying, drafts_visible
from govwatch.web.users.selectors import Scope

MB = 1024 * 1024
MAX_UPLOAD_BYTES = 10 * MB
MAX_UNPACKED_BYTES = 50 * MB  # a docx unpacked (zip bombs)
UPLOAD_TYPES = (".docx", ".pdf", ".txt")
KEEP_DRAFTS = 20  # per author: older drafts are deleted when a new one comes in
MAX_REASON_CHARS = 500


class ProofreadError(ValueError):
    """Input the page refuses, with the Chinese message it shows."""


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "")


def _bounded(text: str) -> str:
    text = _clean(text)
    if not text.strip():
        raise ProofreadError("稿件没有文字内容")
    if len(text) > MAX_DRAFT_CHARS:
        raise ProofreadError(
            f"稿件过长：{len(text):,} 字，超过上限 {MAX_DRAFT_CHARS:,} 字，请分段校对"
        )
    return text


def draft_text_from_paste(text: str) -> str:
    return _bounded(text)


def draft_text_from_upload(upload: UploadedFile) -> tuple[str, str]:
    """(title, text) of an uploaded .docx, .pdf or .txt (UTF-8 or GBK)."""
    name = PurePath(upload.name or "稿件").name[:200]
    suffix = PurePath(name).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise ProofreadError(
            f"不支持的文件类型“{suffix or '无扩展名'}”：请上传 Word（.docx）、PDF（.pdf）"
            "或纯文本（.txt）文件；旧版 .doc 请先另存为 .docx"
        )
    size = upload.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise ProofreadError(
            f"文件过大：{size / MB:.1f}MB，超过上限 {MAX_UPLOAD_BYTES // MB}MB，请拆分后上传"
        )
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ProofreadError(f"文件过大：超过上限 {MAX_UPLOAD_BYTES // MB}MB，请拆分后上传")
    try:
        text = extract_text(
            data, name, max_chars=MAX_DRAFT_CHARS + 1, max_unpacked_bytes=MAX_UNPACKED_BYTES
        )
    except ExtractError as exc:
        raise ProofreadError(f"无法读取文件“{name}”：{exc}") from exc
    if suffix == ".pdf" and not text.strip():
        raise ProofreadError("PDF 中没有可提取的文字（可能是扫描件），请上传文字版或粘贴正文")
    return name, _bounded(text)


def draft_create(user: Any, scope: Scope, title: str, text: str) -> ProofreadDraft:
    """Store the draft; the author's drafts beyond the newest KEEP_DRAFTS are deleted."""
    with transaction.atomic():
        draft = ProofreadDraft.objects.create(
            author=user, unit_id=scope.unit_id, title=title[:200] or "粘贴的文本", text=text
        )
        old = drafts_visible(scope).values_list("pk", flat=True)[KEEP_DRAFTS:]
        ProofreadDraft.objects.filter(pk__in=list(old)).delete()
    return draft


@dataclass(frozen=True)
class CheckOutcome:
    findings: list[TextHit]
    allowed: list[AllowedWord]  # the words this check honoured
    seconds: float


def draft_check(draft: ProofreadDraft, scope: Scope) -> CheckOutcome:
    """The engine check with the allow-list of the login's unit (and the units above)."""
    allowed = list(allowed_words_applying(scope))
    start = time.perf_counter()
    findings = text_check(draft.text, tuple(w.word for w in allowed))
    return CheckOutcome(findings, allowed, time.perf_counter() - start)


def draft_annotated(draft: ProofreadDraft, scope: Scope) -> bytes:
    """The annotated copy (docx) of the draft as checked now for this login."""
    items = numbered(draft_check(draft, scope).findings)
    checked_at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return annotated_docx(draft.title, draft.text, items, checked_at)


def checker_warm_up(scope: Scope) -> None:
    """Start loading the check this login will use (the form page, before a draft comes)."""
    warm_up(tuple(w.word for w in allowed_words_applying(scope)))


def finding_span(draft: ProofreadDraft, finding: TextHit) -> str:
    return draft.text[finding.offset : finding.offset + finding.length]


def allowed_word_add(
    scope: Scope, user: Any, draft: ProofreadDraft, fingerprint: str, reason: str
) -> AllowedWord:
    """Dismiss the finding FINGERPRINT of DRAFT: its text joins the unit's allow-list.
    The finding is looked up again by checking the draft (the browser only names it)."""
    if scope.unit_id is None:
        raise ProofreadError("当前账号没有所属单位，不能加入允许词表")
    reason = " ".join(reason.split())
    if not reason:
        raise ProofreadError("请填写忽略理由")
    if len(reason) > MAX_REASON_CHARS:
        raise ProofreadError(f"理由过长：最多 {MAX_REASON_CHARS} 字")
    outcome = draft_check(draft, scope)
    finding = next((f for f in outcome.findings if f.fingerprint == fingerprint), None)
    if finding is None:
        raise ProofreadError("该问题已不在本次校对结果中（可能已被忽略），请刷新页面")
    word = finding_span(draft, finding)  # exact: the allow-list must cover the whole span
    if not word.strip() or len(word) > MAX_WORD_CHARS:
        raise ProofreadError(f"该问题的原文不能加入允许词表（应为 1–{MAX_WORD_CHARS} 字）")
    try:
        with transaction.atomic():
            return AllowedWord.objects.create(
                unit_id=scope.unit_id,
                word=word,
                reason=reason,
                code=finding.code,
                rule_id=finding.rule_id[:100],
                message=finding.message[:300],
                suggestion=finding.suggestion[:300],
                created_by=user,
            )
    except IntegrityError:
        raise ProofreadError(f"“{word}”已在本单位的允许词表中") from None


def allowed_word_revoke(scope: Scope, user: Any, row: AllowedWord) -> None:
    if row.unit_id != scope.unit_id:
        raise ProofreadError("只能撤销本单位添加的允许词")
    if row.revoked_at is not None:
        raise ProofreadError(f"“{row.word}”已被撤销")
    row.revoked_by = user
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked_by", "revoked_at"])
