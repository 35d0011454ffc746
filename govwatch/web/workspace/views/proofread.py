"""稿件校对 (/proofread/): paste or upload a draft, see the findings marked in place, dismiss
one into the unit's allow-list, download an annotated copy.

Open to every login with a role (supervisors, readers, unit operators, admins): units check
their drafts before they publish. A login without a role gets a 404 like any page it may
not see. Readers look but do not change the allow-list (403). The check is the engine's
own, as `govwatch check-text` runs it (proofreading/checking.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from govwatch.web.proofreading.models import MAX_DRAFT_CHARS, ProofreadDraft
from govwatch.web.proofreading.selectors import (
    allowed_words_applying,
    allowed_words_history,
    draft_marked,
    drafts_visible,
)
from govwatch.web.proofreading.services import (
    MAX_REASON_CHARS,
    MAX_UPLOAD_BYTES,
    MB,
    UPLOAD_TYPES,
    ProofreadError,
    allowed_word_add,
    allowed_word_revoke,
    checker_warm_up,
    draft_annotated,
    draft_check,
    draft_create,
    draft_text_from_paste,
    draft_text_from_upload,
)
from govwatch.web.users.selectors import Scope, get_visible, scope_of

P = ParamSpec("P")
PROOFREAD_ROLES = ("supervisor", "reader", "unit_operator", "admin")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def proofread_page(
    view: Callable[Concatenate[HttpRequest, Scope, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Any role may open it; no role: 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        scope = scope_of(request.user)
        if scope.role not in PROOFREAD_ROLES:
            raise Http404("页面不存在")
        return view(request, scope, *args, **kwargs)

    return login_required(wrapped)


def _may_change(scope: Scope) -> bool:
    """Dismiss into / revoke from the allow-list: not readers, and only with a unit."""
    return scope.role != "reader" and scope.unit_id is not None


def _limits() -> dict[str, Any]:
    return {
        "max_chars": MAX_DRAFT_CHARS,
        "max_upload_mb": MAX_UPLOAD_BYTES // MB,
        "upload_types": "、".join(UPLOAD_TYPES),
        "max_reason": MAX_REASON_CHARS,
    }


def _home_context(scope: Scope) -> dict[str, Any]:
    return {
        "drafts": drafts_visible(scope)[:20],
        "history": allowed_words_history(scope)[:200],
        "inherited": allowed_words_applying(scope).exclude(unit_id=scope.unit_id)[:200],
        "may_change": _may_change(scope),
        "has_unit": scope.unit_id is not None,
        **_limits(),
    }


@require_GET
@proofread_page
def proofread_home(request: HttpRequest, scope: Scope) -> HttpResponse:
    checker_warm_up(scope)
    return render(request, "workspace/proofread/home.html", _home_context(scope))


@require_POST
@proofread_page
def proofread_submit(request: HttpRequest, scope: Scope) -> HttpResponse:
    upload = request.FILES.get("draft_file")
    pasted = request.POST.get("text", "")
    try:
        if upload is not None:
            title, text = draft_text_from_upload(upload)
        elif pasted.strip():
            title = request.POST.get("title", "").strip()[:200] or "粘贴的文本"
            text = draft_text_from_paste(pasted)
        else:
            raise ProofreadError("请粘贴稿件正文或选择要上传的文件")
    except ProofreadError as exc:
        messages.error(request, str(exc))
        context = _home_context(scope)
        context["pasted"] = pasted[:MAX_DRAFT_CHARS]
        return render(request, "workspace/proofread/home.html", context, status=400)
    draft = draft_create(request.user, scope, title, text)
    return redirect("proofread-draft", pk=draft.pk)


@require_GET
@proofread_page
def proofread_draft(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    draft: ProofreadDraft = get_visible(drafts_visible(scope), pk=pk)
    outcome = draft_check(draft, scope)
    items, marked = draft_marked(draft, outcome.findings)
    context = {
        "draft": draft,
        "items": items,
        "marked": marked,
        "outcome": outcome,
        "serious": sum(1 for i in items if i.hit.severity == "serious"),
        "may_change": _may_change(scope),
        "has_unit": scope.unit_id is not None,
        "max_reason": MAX_REASON_CHARS,
    }
    return render(request, "workspace/proofread/draft.html", context)


@require_POST
@proofread_page
def proofread_dismiss(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    draft: ProofreadDraft = get_visible(drafts_visible(scope), pk=pk)
    if not _may_change(scope):
        raise PermissionDenied("只读账号或无所属单位的账号不能修改允许词表")
    try:
        row = allowed_word_add(
            scope,
            request.user,
            draft,
            request.POST.get("fingerprint", ""),
            request.POST.get("reason", ""),
        )
    except ProofreadError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"已忽略：“{row.word}”加入本单位允许词表，本单位以后的校对不再报告"
        )
    return redirect("proofread-draft", pk=draft.pk)


@require_POST
@proofread_page
def proofread_allow_revoke(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    if not _may_change(scope):
        raise PermissionDenied("只读账号或无所属单位的账号不能修改允许词表")
    row = get_visible(allowed_words_history(scope), pk=pk)
    try:
        allowed_word_revoke(scope, request.user, row)
    except ProofreadError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已撤销允许词“{row.word}”，以后的校对将再次报告")
    return redirect("proofread")


@require_GET
@proofread_page
def proofread_download(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    draft: ProofreadDraft = get_visible(drafts_visible(scope), pk=pk)
    data = draft_annotated(draft, scope)
    stem = draft.title.rsplit(".", 1)[0] if "." in draft.title else draft.title
    filename = f"{stem or '稿件'}-校对稿.docx"
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"proofread-{draft.pk}.docx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
