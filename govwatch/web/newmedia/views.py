"""The push endpoint: a unit's own system sends its account's posts with a bearer token.

Every answer is JSON, errors as ``{"error": "<Chinese>"}``, judged in this order: 405 for
another method; 401 for an unknown account or a missing or wrong token, before the body is
read; 413 for a body over the size limit (told by its Content-Length, or by reading one
byte past the limit), never read further; 400 for a body that is no usable payload (not
JSON, nested too deep for the parser, numbers too long, invalid Unicode, wrong shape). A
payload valid as a whole is stored, and its individual bad posts (a time that is no time,
such as year 1) come back in ``rejected``.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from govwatch.engine.newmedia.adapters.push import MAX_PAYLOAD_BYTES
from govwatch.web.newmedia.services import (
    PushAuthError,
    PushPayloadError,
    posts_push,
    push_token_check,
)
from govwatch.web.registry.models import Account

# The largest primary key SQLite stores; a bigger number in the URL names no account.
_MAX_ID = 2**63 - 1


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"error": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _unauthorized() -> JsonResponse:
    response = _error("推送令牌无效", 401)
    response["WWW-Authenticate"] = "Bearer"
    return response


def _too_large() -> JsonResponse:
    return _error(f"推送内容超过 {MAX_PAYLOAD_BYTES // 1024 // 1024} MB", 413)


def _bearer(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _unusable(body: bytes) -> str | None:
    """Why ``body`` can be no payload at all, for what the payload parser would not say
    itself but crash on: nesting past the parser's recursion limit, an integer past
    Python's digit limit, a lone surrogate that the database cannot store."""
    try:
        doc = json.loads(body)
    except RecursionError:
        return "推送内容嵌套层数过深"
    except UnicodeDecodeError:
        return "推送内容不是有效的 UTF-8 文本"
    except json.JSONDecodeError:
        return None  # the parser's own message names the place
    except ValueError:
        return "推送内容中的数字过长"
    try:
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "推送内容含有无效的 Unicode 字符（不成对的代理项）"
    except RecursionError:
        return "推送内容嵌套层数过深"
    return None


# CSRF protects cookie sessions; this endpoint has none, the bearer token is the credential.
@csrf_exempt
def posts_push_view(request: HttpRequest, account_id: int) -> JsonResponse:
    if request.method != "POST":
        response = _error("只接受 POST 请求", 405)
        response["Allow"] = "POST"
        return response
    token = _bearer(request)
    account = Account.objects.filter(pk=account_id).first() if account_id <= _MAX_ID else None
    # An unknown account answers like a wrong token, so ids cannot be probed; and nothing
    # of the body is read or judged before the token is good.
    if account is None or not push_token_check(account, token):
        return _unauthorized()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _error("Content-Length 无效", 400)
    if declared > MAX_PAYLOAD_BYTES:
        return _too_large()
    # Read from the stream, not request.body: that would refuse a body over Django's own
    # upload limit with an HTML 400 of its own.
    body = request.read(MAX_PAYLOAD_BYTES + 1)
    if len(body) > MAX_PAYLOAD_BYTES:
        return _too_large()
    problem = _unusable(body)
    if problem is not None:
        return _error(problem, 400)
    try:
        report = posts_push(account, token, body)
    except PushAuthError:
        return _unauthorized()
    except PushPayloadError as exc:
        return _error(str(exc), 400)
    return JsonResponse(
        {
            "new": report.new,
            "duplicate": report.duplicate,
            "rejected": [{"where": r.where, "reason": r.reason_zh} for r in report.rejected],
        },
        json_dumps_params={"ensure_ascii": False},
    )
