"""What a login sees of proofreading: its own drafts, and its unit's allow-list.

Built on the one scope rule (users/selectors.py): no role, nothing. A draft belongs to its
author alone (drafts are checked before they are published); the allow-list that applies
to a check is the one of the user's unit and of the units above it (a city's allowed
place names hold for its departments too).
"""

from __future__ import annotations

from django.db.models import QuerySet

from govwatch.engine.text.findings import TextHit
from govwatch.web.proofreading.marks import Numbered, marked_html, numbered
from govwatch.web.proofreading.models import AllowedWord, ProofreadDraft
from govwatch.web.registry.models import Unit
from govwatch.web.users.selectors import Scope


def drafts_visible(scope: Scope) -> QuerySet[ProofreadDraft]:
    if not scope.role or scope.user_id is None:
        return ProofreadDraft.objects.none()
    return ProofreadDraft.objects.filter(author_id=scope.user_id)


def unit_chain(unit_id: int | None) -> list[int]:
    """UNIT_ID and the units above it, nearest first (a cycle stops the walk)."""
    chain: list[int] = []
    while unit_id is not None and unit_id not in chain:
        chain.append(unit_id)
        unit_id = Unit.objects.filter(pk=unit_id).values_list("parent_id", flat=True).first()
    return chain


def allowed_words_applying(scope: Scope) -> QuerySet[AllowedWord]:
    """The active allowed words a check for this login honours."""
    if not scope.role or scope.unit_id is None:
        return AllowedWord.objects.none()
    return AllowedWord.objects.filter(
        unit_id__in=unit_chain(scope.unit_id), revoked_at__isnull=True
    ).select_related("unit", "created_by")


def allowed_words_history(scope: Scope) -> QuerySet[AllowedWord]:
    """Every word of the login's own unit, revoked ones included (the audit trail)."""
    if not scope.role or scope.unit_id is None:
        return AllowedWord.objects.none()
    return AllowedWord.objects.filter(unit_id=scope.unit_id).select_related(
        "unit", "created_by", "revoked_by"
    )


def draft_marked(draft: ProofreadDraft, findings: list[TextHit]) -> tuple[list[Numbered], str]:
    """A checked draft as its page reads it: the hits numbered in reading order, and the
    text (escaped) with each hit marked and numbered."""
    items = numbered(findings)
    return items, marked_html(draft.text, items)
