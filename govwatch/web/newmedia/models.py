"""Step 2 of the loop for accounts: stored posts, every fetch attempt, push tokens, reprints.

A post is stored once per account: ``dedupe_key`` is the engine's ``Post.dedupe_key``
(the same post arriving by feed, export and push has the same key), unique per account,
so every ingestion path may insert with ``ignore_conflicts`` and stay idempotent.
"""

from __future__ import annotations

import hashlib
from typing import Final

from django.conf import settings
from django.db import models

SOURCE_KINDS: Final = (("feed", "订阅源"), ("export", "导出文件"), ("push", "推送接口"))
DEDUPE_KEY_LENGTH: Final = 200


def stored_dedupe_key(key: str) -> str:
    """The key as stored: long URL keys are hashed so the unique index stays small on PostgreSQL."""
    if len(key) <= DEDUPE_KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def token_digest(token: str) -> str:
    """What is stored of a push token: its SHA-256, so a database leak does not leak tokens."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Post(models.Model):
    account = models.ForeignKey(
        "registry.Account", verbose_name="账号", on_delete=models.CASCADE, related_name="posts"
    )
    published_at = models.DateTimeField("发布时间")
    title = models.TextField("标题", blank=True)
    text = models.TextField("正文", blank=True)
    url = models.CharField("链接", max_length=2000, blank=True)
    post_id = models.CharField("平台文章ID", max_length=200, blank=True)
    # None: the source does not say 原创/转发.
    is_original = models.BooleanField("原创", null=True, blank=True)
    source_kind = models.CharField("来源", max_length=10, choices=SOURCE_KINDS)
    dedupe_key = models.CharField("去重键", max_length=DEDUPE_KEY_LENGTH)
    # Content-check hits of title and text, computed when the post is stored (and again by
    # `govwatch posts check-text` after the lexicons change); [] for a clean post.
    text_hits = models.JSONField("内容问题（表述、敏感词、隐私）", default=list, blank=True)
    created_at = models.DateTimeField("入库时间", auto_now_add=True)

    class Meta:
        verbose_name = "发文"
        verbose_name_plural = "发文"
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "dedupe_key"], name="newmedia_post_once_per_account"
            )
        ]
        indexes = [models.Index(fields=["account", "published_at"])]

    def __str__(self) -> str:
        return self.title[:60] or self.url or f"{self.published_at:%Y-%m-%d %H:%M}"


class FetchAttempt(models.Model):
    """One attempt to read an account's feed, good or bad (DESIGN §3: failure ≠ not updated)."""

    account = models.ForeignKey(
        "registry.Account",
        verbose_name="账号",
        on_delete=models.CASCADE,
        related_name="fetch_attempts",
    )
    at = models.DateTimeField("采集时间")
    ok = models.BooleanField("成功")
    error = models.CharField("错误代码", max_length=40, blank=True)
    http_status = models.PositiveIntegerField("HTTP 状态码", null=True, blank=True)
    detail = models.TextField("详情", blank=True)
    posts_seen = models.PositiveIntegerField("读到发文数", default=0)
    posts_new = models.PositiveIntegerField("新增发文数", default=0)

    class Meta:
        verbose_name = "采集记录"
        verbose_name_plural = "采集记录"
        ordering = ["-at"]
        indexes = [models.Index(fields=["account", "at"])]

    def __str__(self) -> str:
        return f"{self.account} {self.at:%Y-%m-%d %H:%M} {'成功' if self.ok else '失败'}"


class AccountSighting(models.Model):
    """What a platform showed about an account at one moment: its name and 认证主体.

    Written by feed fetches (the feed's title), export imports and pushes that carry them,
    or by hand in the admin; a new row only when something changed, so the table is the
    account's naming history. NMA007 compares the latest sighting with the registry.
    """

    account = models.ForeignKey(
        "registry.Account", verbose_name="账号", on_delete=models.CASCADE, related_name="sightings"
    )
    at = models.DateTimeField("观察时间")
    source_kind = models.CharField(
        "来源", max_length=10, choices=(*SOURCE_KINDS, ("manual", "人工录入"))
    )
    name = models.CharField("平台显示名称", max_length=200, blank=True)
    owner = models.CharField("认证主体", max_length=200, blank=True)

    class Meta:
        verbose_name = "账号信息观察"
        verbose_name_plural = "账号信息观察"
        ordering = ["-at"]
        indexes = [models.Index(fields=["account", "at"])]

    def __str__(self) -> str:
        return f"{self.account} {self.at:%Y-%m-%d} {self.name} {self.owner}".strip()


class PushToken(models.Model):
    """The push credential of one account; only the digest is kept."""

    account = models.OneToOneField(
        "registry.Account", verbose_name="账号", on_delete=models.CASCADE, related_name="push_token"
    )
    token_digest = models.CharField("令牌摘要", max_length=64, editable=False)
    created_at = models.DateTimeField("签发时间", auto_now=True)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "推送令牌"
        verbose_name_plural = "推送令牌"

    def __str__(self) -> str:
        return f"{self.account} 的推送令牌"


class ReprintTask(models.Model):
    """A key item (重要信息) that sites and accounts must reprint by a deadline."""

    title = models.CharField("标题", max_length=500)
    source_url = models.URLField("原文地址", max_length=1000, blank=True)
    published_on = models.DateField("发布日期")
    deadline = models.DateField("转载截止日期")
    sites = models.ManyToManyField(
        "registry.Site", verbose_name="须转载的网站", blank=True, related_name="reprint_tasks"
    )
    accounts = models.ManyToManyField(
        "registry.Account", verbose_name="须转载的账号", blank=True, related_name="reprint_tasks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "重要信息转载任务"
        verbose_name_plural = "重要信息转载任务"
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return self.title
