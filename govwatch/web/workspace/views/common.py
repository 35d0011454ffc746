"""The pages both sides share: the home that sends each role to its side, the login, and
the evidence file download."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govwatch.web.tickets.models import Attachment
from govwatch.web.tickets.services import attachment_path
from govwatch.web.users.selectors import get_visible, problem_items_visible, scope_of
from govwatch.web.workspace.views.access import SUPERVISOR_SIDE


class WorkspaceLoginView(LoginView):
    """Django's login (django-axes counts its failures) on the workspace's own page."""

    template_name = "workspace/login.html"
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role has one side: supervisors, readers and admins /supervise/, units /portal/."""
    role = scope_of(request.user).role
    if role in SUPERVISOR_SIDE:
        return redirect("work-home")
    if role == "unit_operator":
        return redirect("portal-home")
    # A login created in the admin before its role was assigned: say so, show nothing.
    return render(request, "workspace/no_role.html")


def _content_disposition(attachment: Attachment) -> str:
    """An attachment header every browser reads: an ASCII fallback name (the original is
    often Chinese), then the real name as RFC 5987 UTF-8 (filename*)."""
    suffix = attachment.path[attachment.path.rfind(".") :] if "." in attachment.path else ""
    fallback = f"attachment-{attachment.pk}{suffix}"
    return (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(attachment.name, safe='')}"
    )


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's evidence file, for whoever sees its item (the unit, its supervisors, the
    readers above it); a 404 for anyone else and for a file no longer on disk."""
    visible = Attachment.objects.filter(item__in=problem_items_visible(scope_of(request.user)))
    attachment = get_visible(visible, pk=pk)
    path = attachment_path(attachment)
    if not path.is_file():
        raise Http404("文件已不存在")
    # The type is the one the bytes proved at upload (never the browser's word), and it is
    # always downloaded, never shown inline: a file cannot run as a page of this site.
    response = FileResponse(path.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = _content_disposition(attachment)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
