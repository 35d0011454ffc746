"""A draft someone checked, and the words a unit allowed after dismissing a finding."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from govwatch.web.registry.models import Unit

# What one draft may hold: a long document checks in well under a second at this size.
MAX_DRAFT_CHARS = 100_000
MAX_WORD_CHARS = 100


class ProofreadDraft(models.Model):
    """A text as it was checked (pasted, or extracted from an uploaded file); only its
    author sees it. The newest few per author are kept (services.KEEP_DRAFTS)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        on_delete=models.CASCADE,
        related_name="proofread_drafts",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField("稿件名称", max_length=200)
    text = models.TextField("正文")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "校对稿件"
        verbose_name_plural = "校对稿件"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class AllowedWord(models.Model):
    """A word a unit allows: findings on it are not reported again for that unit (and the
    units below it). Who added it, when and why stay on the row; a revoked word keeps its
    row too (revoked_by, revoked_at), and may be allowed again later as a new row."""

    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="allowed_words"
    )
    word = models.CharField("允许的写法", max_length=MAX_WORD_CHARS)
    reason = models.CharField("理由", max_length=500)
    # The finding that was dismissed, as the check reported it.
    code = models.CharField("问题代码", max_length=10, blank=True)
    rule_id = models.CharField("规则", max_length=100, blank=True)
    message = models.CharField("问题说明", max_length=300, blank=True)
    suggestion = models.CharField("原建议", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="添加人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("添加时间", auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤销人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "允许词"
        verbose_name_plural = "允许词表"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "word"],
                condition=Q(revoked_at__isnull=True),
                name="proofreading_one_active_word_per_unit",
            )
        ]

    def __str__(self) -> str:
        return self.word
