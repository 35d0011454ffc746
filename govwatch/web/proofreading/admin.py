"""Allow-lists in the admin: read-only, for looking up who allowed what, when and why.

Words are added and revoked only on the 稿件校对 page (services record the person and the
time). Drafts are not shown here: they are their authors' unpublished texts.
"""

from __future__ import annotations

from django.contrib import admin

from govwatch.web.config.admin import ReadOnlyAdmin
from govwatch.web.proofreading.models import AllowedWord


@admin.register(AllowedWord)
class AllowedWordAdmin(ReadOnlyAdmin):
    list_display = ["word", "unit", "code", "reason", "created_by", "created_at", "revoked_at"]
    list_filter = [("unit", admin.RelatedOnlyFieldListFilter), "code", "revoked_at"]
    search_fields = ["word", "reason", "unit__name"]
    list_select_related = ["unit", "created_by"]
