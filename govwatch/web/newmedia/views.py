"""The push endpoint: a unit's own system sends its account's posts with a bearer token."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from govwatch.web.newmedia.services import PushAuthError, PushPayloadError, posts_push
from govwatch.web.registry.models import Account


def _bearer(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


# CSRF protects cookie sessions; this endpoint has none, the bearer token is the credential.
@csrf_exempt
@require_POST
def posts_push_view(request: HttpRequest, account_id: int) -> JsonResponse:
    account = Account.objects.filter(pk=account_id).first()
    token = _bearer(request)
    # An unknown account answers like a wrong token, so ids cannot be probed.
    if account is None:
        return JsonResponse({"error": "推送令牌无效"}, status=401)
    try:
        report = posts_push(account, token, request.body)
    except PushAuthError as exc:
        response = JsonResponse({"error": str(exc)}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    except PushPayloadError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(
        {
            "new": report.new,
            "duplicate": report.duplicate,
            "rejected": [{"where": r.where, "reason": r.reason_zh} for r in report.rejected],
        },
        json_dumps_params={"ensure_ascii": False},
    )
