"""Every URL pattern, walked as every persona (tests/web/personas.py): nobody reads another
region's or another unit's data on any page, the admin is for administrators only, and
evidence is read-only in the admin for everyone.

The walker enumerates all registered URL patterns from the root resolver (the admin's, the
push API's, the workspace's). Each must be in FILL (or, for the admin, match one of the
admin's own URL shapes): a pattern the walker does not know how to fill fails the test by
name, so a new page cannot slip in unscoped. Object patterns are filled with the pk of an
object of each of three units (the unit operator's own, the other unit of its city, a unit
of the other city) and with a pk that names nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from govwatch.web.config.admin import NOT_ADMIN_ZH
from govwatch.web.inspections.admin import REASON_MISSING_ZH
from govwatch.web.inspections.models import (
    AuditEntry,
    FindingDecision,
    Inspection,
    InspectionFinding,
    InspectionResult,
)
from govwatch.web.newmedia.models import AccountSighting, FetchAttempt, Post
from govwatch.web.registry.models import Account, Column, Site, Unit
from govwatch.web.scans.models import (
    ColumnSnapshot,
    LinkProblem,
    Probe,
    ProbeDay,
    ScanFinding,
    ScanRun,
)
from govwatch.web.tickets.models import Attachment, ItemEvent, ProblemItem, ProblemList
from govwatch.web.users.models import Membership
from tests.web.personas import (
    ALL_PERSONAS,
    DEPARTMENTS,
    MARKERS,
    OPERATION_FILE,
    PASSWORD,
    PDF,
    PERSONAS,
    SEES,
    SITES,
    UNITS,
    World,
    forbidden_names,
    world,
)

pytestmark = pytest.mark.django_db
__all__ = ["world"]  # the fixture

SUPERVISOR_SIDE = ("supervisor", "reader", "admin")

# --- The table: how to fill each non-admin URL pattern ----------------------------------


@dataclass(frozen=True)
class Fill:
    """How the walker fills and judges one URL pattern.

    side: public (the login page), logout (POST only, never posted: it would end the
    walk's session), api (token-authenticated, never a session), home (/ sends each role to
    its side), any (any login, scoped by object), work (supervisors, readers, admins),
    portal (unit operators).
    obj: what the pattern's one converter names: inspection, finding, problem_list, item,
    attachment, account, unit, operation, site, scan_finding; None for a page without one.
    action: POST only (GET is a 405); posted only where the answer must be a refusal.
    """

    side: str
    obj: str | None = None
    action: bool = False
    # What a 200 must show, so that "no other unit's name" is no empty page's merit:
    # target (the object's unit and its finding marker), units (the unit names of the
    # departments the persona sees), sites (their site names).
    shows: str | None = None
    query: str = ""  # appended to the URL (a download names its file in the query)


FILL: dict[str, Fill] = {
    "login": Fill("public"),
    "logout": Fill("logout"),
    "home": Fill("home"),
    "attachment-download": Fill("any", "attachment"),
    "work-home": Fill("work"),
    "work-inspections": Fill("work"),
    "work-region": Fill("work", "unit"),
    "work-unit": Fill("work", "unit", shows="target"),
    "work-site": Fill("work", "site"),
    "work-account": Fill("work", "account"),
    "work-finding": Fill("work", "finding", shows="target"),
    "work-scan-finding": Fill("work", "scan_finding"),
    "work-wall": Fill("work"),
    "work-dashboard-refresh": Fill("work", action=True),
    "work-inspection": Fill("work", "inspection", shows="sites"),
    "work-send": Fill("work", "inspection", action=True),
    "work-finding-decide": Fill("work", "finding", action=True),
    "work-lists": Fill("work", shows="units"),
    "work-list": Fill("work", "problem_list", shows="target"),
    "work-item": Fill("work", "item", shows="target"),
    "work-item-close": Fill("work", "item", action=True),
    "work-item-reopen": Fill("work", "item", action=True),
    "work-item-appeal-decide": Fill("work", "item", action=True),
    "work-stats": Fill("work", shows="units"),
    "work-ops": Fill("work"),
    "work-ops-detail": Fill("work", "operation"),
    "work-ops-status": Fill("work", "operation"),
    "work-ops-file": Fill("work", "operation", query=f"name={OPERATION_FILE}"),
    "work-ops-import": Fill("work"),
    "work-ops-import-start": Fill("work", action=True),
    "work-ops-import-apply": Fill("work", "operation", action=True),
    "work-ops-scan": Fill("work"),
    "work-ops-scan-start": Fill("work", action=True),
    "work-ops-inspect": Fill("work"),
    "work-ops-inspect-start": Fill("work", action=True),
    "work-ops-bulletin": Fill("work"),
    "work-ops-bulletin-start": Fill("work", action=True),
    "portal-home": Fill("portal", shows="units"),
    "portal-list": Fill("portal", "problem_list", shows="target"),
    "portal-item": Fill("portal", "item", shows="target"),
    "portal-item-answer": Fill("portal", "item", action=True),
    "portal-item-upload": Fill("portal", "item", action=True),
    "portal-item-submit": Fill("portal", "item", action=True),
    "portal-item-appeal": Fill("portal", "item", action=True),
    "newmedia:posts_push": Fill("api", "account"),
    "proofread": Fill("roles"),
    "proofread-submit": Fill("roles", action=True),
    "proofread-draft": Fill("roles", "draft"),
    "proofread-download": Fill("roles", "draft"),
    "proofread-dismiss": Fill("roles", "draft", action=True),
    "proofread-allow-revoke": Fill("roles", "allowed_word", action=True),
}
# Objects that are one person's or one unit's, not a department's: who alone opens them.
OWNED_BY = {"draft": "operator", "allowed_word": "operator"}
SIDE_ROLES = {
    "any": ("supervisor", "reader", "admin", "unit_operator", ""),
    "work": SUPERVISOR_SIDE,
    "portal": ("unit_operator",),
    "roles": ("supervisor", "reader", "admin", "unit_operator"),  # any login with a role
}
# The admin's own URL shapes: fixed pages, and five per registered model (plus the
# unnamed <object_id>/ redirect), filled from the model's rows.
ADMIN_PAGES = {
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
    "admin:auth_user_password_change",
}
ADMIN_MODEL_URL = re.compile(
    r"^admin:(?P<model>\w+?)_(?P<kind>changelist|add|change|delete|history)$"
)
ADMIN_OBJECT_REDIRECT = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/$")
ADMIN_CATCH_ALL = "admin/(?P<url>.*)$"
MISSING_PK = 987654


@dataclass(frozen=True)
class Pattern:
    name: str | None
    route: str
    params: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.name or self.route


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the site, from the root resolver down."""
    found: list[Pattern] = []

    def walk(entries: list[Any], route: str, namespace: str, outer: tuple[str, ...]) -> None:
        for entry in entries:
            # An included pattern's parameters start in the routes around it.
            params = (*outer, *entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, route + str(entry.pattern), inner, params)
            else:
                assert isinstance(entry, URLPattern)
                name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
                found.append(Pattern(name or None, route + str(entry.pattern), params))

    walk(get_resolver().url_patterns, "", "", ())
    return found


def admin_models() -> dict[str, type[Model]]:
    return {
        f"{model._meta.app_label}_{model._meta.model_name}": model
        for model in admin.site._registry  # the registered models
    }


def is_known(pattern: Pattern, models: dict[str, type[Model]]) -> bool:
    """In FILL, or one of the admin's own URL shapes for a registered model."""
    if pattern.name in FILL or pattern.name in ADMIN_PAGES:
        return True
    shape = ADMIN_MODEL_URL.match(pattern.name or "")
    if shape:
        return shape["model"] in models
    redirect = ADMIN_OBJECT_REDIRECT.match(pattern.route)
    if pattern.name is None and redirect:
        return f"{redirect['app']}_{redirect['model']}" in models
    return pattern.name is None and pattern.route == ADMIN_CATCH_ALL


def unknown_patterns() -> list[str]:
    models = admin_models()
    return [
        f"{pattern.label}（{pattern.route}）"
        for pattern in url_patterns()
        if not is_known(pattern, models)
    ]


def test_every_url_pattern_is_in_the_table(db: None) -> None:
    unknown = unknown_patterns()
    assert not unknown, (
        "URL patterns the persona walker does not know how to fill; add each to FILL in "
        "tests/web/test_personas.py with the side and object it scopes: " + "；".join(unknown)
    )


# --- One request and what it must answer ------------------------------------------------


@dataclass(frozen=True)
class Check:
    label: str
    method: str
    url: str
    # Acceptable answers: (status, where a redirect must lead, or None for anywhere).
    expect: tuple[tuple[int, str | None], ...]
    target: str | None = None  # the unit key the object belongs to
    data: dict[str, Any] | None = None
    shows: tuple[str, ...] = ()  # what a 200 must contain


def _role(persona: str) -> str | None:
    return None if persona == "anonymous" else PERSONAS[persona][0]


def _object_pk(world: World, obj: str, target: str) -> int:
    if target == "missing":
        return MISSING_PK
    if obj == "inspection":
        return world.inspection.pk
    if obj in OWNED_BY:
        return int(getattr(world, obj).pk)
    found = getattr(world.targets[target], obj)
    return int(found.pk)


def _workspace_expect(
    persona: str, fill: Fill, target: str | None, method: str
) -> tuple[tuple[int, str | None], ...]:
    role = _role(persona)
    login = ((302, settings.LOGIN_URL),)
    if fill.side == "public":
        return ((200, None),) if role is None else ((302, None),)
    if fill.side == "logout":
        return ((405, None),)
    if fill.side == "api":
        return ((405, None),) if method == "GET" else ((401, None),)
    if fill.action and method == "GET":
        return ((405, None),)
    if role is None:
        return login
    if fill.side == "home":
        return ((200, None),) if role == "" else ((302, None),)
    if role not in SIDE_ROLES[fill.side]:
        return ((404, None),)
    if fill.action and fill.side == "work" and role == "reader":
        return ((403, None),)
    if fill.action and fill.obj == "allowed_word" and role in ("reader", "admin"):
        # Readers change nothing; the allow-list is a unit's, and an admin has no unit.
        return ((403, None),)
    if fill.obj is None:
        return ((200, None),)
    if target == "missing":
        return ((404, None),)
    if fill.obj in OWNED_BY:
        return ((200, None),) if persona == OWNED_BY[fill.obj] else ((404, None),)
    visible = fill.obj == "inspection" or (target in SEES[persona])
    return ((200, None),) if visible else ((404, None),)


def _shows(persona: str, fill: Fill, target: str | None) -> tuple[str, ...]:
    seen = [key for key in DEPARTMENTS if key in SEES[persona]]
    if fill.shows == "target" and target in DEPARTMENTS:
        return (UNITS[target][0], MARKERS[target])
    if fill.shows == "units":
        return tuple(UNITS[key][0] for key in seen)
    if fill.shows == "sites":
        return tuple(SITES[key][1] for key in seen)
    return ()


def workspace_checks(world: World, persona: str, pattern: Pattern, fill: Fill) -> list[Check]:
    targets: list[str | None]
    if fill.obj is None:
        targets = [None]
    elif fill.obj in ("inspection", *OWNED_BY):
        targets = ["shared", "missing"]
    elif fill.obj == "account":
        targets = ["u1", "u3", "missing"]
    else:
        targets = [*DEPARTMENTS, "missing"]
    checks = []
    for target in targets:
        kwargs = {}
        if fill.obj is not None:
            assert target is not None and len(pattern.params) == 1, pattern
            kwargs = {pattern.params[0]: _object_pk(world, fill.obj, target)}
        url = reverse(pattern.name, kwargs=kwargs)
        if fill.query:
            url = f"{url}?{quote(fill.query, safe='=&')}"
        label = f"{pattern.label}[{target}]" if target else pattern.label
        if fill.side == "api":
            expect = _workspace_expect(persona, fill, target, "POST")
            checks.append(Check(label, "POST", url, expect, target, data={}))
        expect = _workspace_expect(persona, fill, target, "GET")
        shows = _shows(persona, fill, target)
        checks.append(Check(label, "GET", url, expect, target, shows=shows))
        if fill.action:
            expect = _workspace_expect(persona, fill, target, "POST")
            if expect != ((200, None),):  # posted only where the answer is a refusal
                # Whatever each action reads, filled as if meant: only the scope may stop it.
                data = {
                    "action": "dismissed",
                    "reason": "越权操作",
                    "note": "越权",
                    "accept": "1",
                    "answer": "越权填写",
                }
                checks.append(Check(label, "POST", url, expect, target, data=data))
    return checks


# What an admin object URL is filled with, per model: the object of the target unit.
ADMIN_TARGET_OBJECTS: dict[type[Model], str] = {
    Unit: "unit",
    Site: "site",
    Column: "column",
    Account: "account",
    InspectionFinding: "finding",
    ProblemList: "problem_list",
    ProblemItem: "item",
    Attachment: "attachment",
}


def _admin_object_pks(
    world: World, model: type[Model], targets: list[str]
) -> list[tuple[str, Any]]:
    if model in ADMIN_TARGET_OBJECTS:
        attribute = ADMIN_TARGET_OBJECTS[model]
        return [(key, getattr(world.targets[key], attribute).pk) for key in targets]
    if model is InspectionResult:
        return [(key, world.targets[key].results[0].pk) for key in targets]
    if model is User:
        return [("user", world.users["operator"].pk)]
    first = model._default_manager.order_by("pk").first()
    return [("first", first.pk)] if first else [("missing", MISSING_PK)]


def admin_checks(world: World, persona: str, pattern: Pattern) -> list[Check]:
    """Every admin URL: a login redirect for everyone but an administrator; for the
    administrator each page renders (read-only pages refuse adding and deleting)."""
    is_admin = persona == "admin"
    refused = ((302, "/admin/login/"),)
    targets = ["u1"] if is_admin else ["u1", "u3"]
    models = admin_models()
    name = pattern.name or ""
    filled: list[tuple[str, str, tuple[tuple[int, str | None], ...]]] = []  # label, url, expect
    if name in ADMIN_PAGES:
        kwargs: dict[str, Any] = {}
        query = ""
        ok: tuple[tuple[int, str | None], ...] = ((200, None),)
        if name == "admin:login":
            ok = ((302, "/admin/"),)
            refused = ((200, None),)
        elif name == "admin:logout":
            ok = ((405, None),)  # POST only; never posted (it would end the session)
            refused = ((302, "/admin/"),)
        elif name == "admin:view_on_site":
            site = world.targets["u1"].site
            assert site is not None
            kwargs = {
                "content_type_id": ContentType.objects.get_for_model(Site).pk,
                "object_id": site.pk,
            }
            ok = ((404, None), (302, None))  # a site has no page of its own here
        elif name == "admin:app_list":
            kwargs = {"app_label": "registry"}
        elif name == "admin:auth_user_password_change":
            kwargs = {"id": world.users["operator"].pk}
        elif name == "admin:autocomplete":
            query = "?" + urlencode(
                {
                    "app_label": "users",
                    "model_name": "membership",
                    "field_name": "unit",
                    "term": "安平",
                }
            )
        filled.append((name, reverse(name, kwargs=kwargs) + query, ok if is_admin else refused))
    elif pattern.name is None and pattern.route == ADMIN_CATCH_ALL:
        filled.append(
            (pattern.route, "/admin/no-such-page/", ((404, None),) if is_admin else refused)
        )
    else:
        shape = ADMIN_MODEL_URL.match(name)
        redirect = ADMIN_OBJECT_REDIRECT.match(pattern.route)
        if shape:
            model, kind = models[shape["model"]], shape["kind"]
        else:
            assert redirect is not None, pattern
            model, kind = models[f"{redirect['app']}_{redirect['model']}"], "redirect"
        if kind in ("changelist", "add"):
            ok = ((200, None),) if kind == "changelist" else ((200, None), (403, None))
            filled.append((pattern.label, reverse(name), ok if is_admin else refused))
        else:
            for key, pk in _admin_object_pks(world, model, targets):
                if key == "missing":
                    # The admin sends a missing object to its index; a read-only admin
                    # refuses deleting before it looks.
                    ok = ((302, None), (403, None)) if kind == "delete" else ((302, None),)
                elif kind in ("change", "history"):
                    ok = ((200, None),)
                elif kind == "delete":
                    ok = ((200, None), (403, None))
                else:
                    ok = ((302, None),)
                url = (
                    reverse(name, kwargs={"object_id": pk})
                    if pattern.name
                    else "/" + pattern.route.replace("<path:object_id>", str(pk))
                )
                filled.append((f"{pattern.label}[{key}]", url, ok if is_admin else refused))
    return [Check(label, "GET", url, expect) for label, url, expect in filled]


# --- The walk --------------------------------------------------------------------------


def _evidence_state() -> tuple[Any, ...]:
    """What a refused POST must leave as it was."""
    return (
        list(
            ProblemItem.objects.order_by("pk").values_list("pk", "state", "answer", "appeal_reason")
        ),
        list(InspectionFinding.objects.order_by("pk").values_list("pk", "state", "state_reason")),
        list(ProblemList.objects.order_by("pk").values_list("pk", "received_at")),
        ItemEvent.objects.count(),
        Attachment.objects.count(),
        AuditEntry.objects.count(),
        FindingDecision.objects.count(),
    )


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _judge(check: Check, response: Any, forbidden: list[str]) -> list[str]:
    problems = []
    location = urlsplit(response.get("Location", "")).path if response.status_code == 302 else None
    if not any(
        response.status_code == status and (where is None or location == where)
        for status, where in check.expect
    ):
        wanted = "、".join(f"{s}{'→' + w if w else ''}" for s, w in check.expect)
        got = f"{response.status_code}{'→' + location if location else ''}"
        problems.append(f"{check.method} {check.url}（{check.label}）：应为 {wanted}，实为 {got}")
    body = _body(response)
    if response.get("Content-Type", "").startswith("application/pdf"):
        if body != PDF:
            problems.append(f"{check.url}：下载的文件与上传的不同")
        return problems
    text = body.decode("utf-8", errors="replace")
    if response.status_code == 200:
        missing = [name for name in check.shows if name not in text]
        if missing:
            problems.append(
                f"GET {check.url}（{check.label}）未显示本应看到的：{'、'.join(missing)}"
            )
    leaked = [name for name in forbidden if name in text]
    if leaked:
        problems.append(
            f"{check.method} {check.url}（{check.label}，{response.status_code}）泄露：{'、'.join(leaked)}"
        )
    return problems


def walk(world: World, persona: str) -> tuple[list[str], list[str]]:
    """Every pattern as PERSONA: the labels walked and what went wrong."""
    client = world.client(persona)
    forbidden = forbidden_names(persona)
    models = admin_models()
    walked, failures = [], []
    for pattern in url_patterns():
        if not is_known(pattern, models):
            failures.append(f"不知如何填写的地址：{pattern.label}（{pattern.route}）")
            continue
        if pattern.name in FILL:
            checks = workspace_checks(world, persona, pattern, FILL[pattern.name])
        else:
            checks = admin_checks(world, persona, pattern)
        for check in checks:
            if check.method == "POST":
                before = _evidence_state()
                response = client.post(check.url, check.data or {})
                if check.expect != ((200, None),) and _evidence_state() != before:
                    failures.append(f"POST {check.url}（{check.label}）被拒绝却改动了数据")
            else:
                response = client.get(check.url)
            failures += _judge(check, response, forbidden)
            walked.append(f"{check.method} {check.label}")
    return walked, failures


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_persona_walks_every_url(world: World, persona: str) -> None:
    walked, failures = walk(world, persona)
    names = {label.split(" ", 1)[1].split("[", 1)[0] for label in walked}
    assert set(FILL) <= names, f"未走到：{sorted(set(FILL) - names)}"
    assert not failures, f"{persona}：{len(failures)} 处不符：\n" + "\n".join(failures[:60])


# --- Downloads and the public parts ------------------------------------------------------


def test_persona_files_of_another_unit_are_404(world: World) -> None:
    attachments = {key: world.targets[key].attachment for key in DEPARTMENTS}
    url = {key: reverse("attachment-download", args=[a.pk]) for key, a in attachments.items()}
    outsider, operator, city = (world.client(p) for p in ("outsider", "operator", "city"))
    assert outsider.get(url["u1"]).status_code == 404
    assert outsider.get(url["u2"]).status_code == 404
    assert operator.get(url["u2"]).status_code == 404
    assert operator.get(url["u3"]).status_code == 404
    own = operator.get(url["u1"])
    assert own.status_code == 200 and _body(own) == PDF
    assert "attachment" in own["Content-Disposition"]
    assert _body(city.get(url["u2"])) == PDF
    assert city.get(url["u3"]).status_code == 404
    anonymous = Client().get(url["u1"])
    assert anonymous.status_code == 302 and urlsplit(anonymous["Location"]).path == "/login/"


def test_persona_public_parts(world: World) -> None:
    anonymous = Client()
    assert anonymous.get("/login/").status_code == 200
    static = anonymous.get("/static/admin/css/base.css")
    assert static.status_code == 200
    account = world.targets["u1"].account
    assert account is not None
    push = anonymous.post(
        reverse("newmedia:posts_push", args=[account.pk]), b"{}", content_type="application/json"
    )
    assert push.status_code == 401 and push["WWW-Authenticate"] == "Bearer"
    # A session is no credential for the push API.
    assert world.client("admin").post(f"/api/posts/push/{account.pk}/", {}).status_code == 401


# --- The admin: administrators only ----------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["province", "city", "operator", "reader", "outsider", "norole"]
)
def test_admin_refuses_every_role_but_admin(world: World, persona: str) -> None:
    client = world.client(persona)  # every persona is is_staff
    for url in ("/admin/", "/admin/registry/unit/", "/admin/tickets/problemitem/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert urlsplit(response["Location"]).path == "/admin/login/"
    page = client.get("/admin/login/?next=/admin/").content.decode()
    assert "没有这个页面的访问权限" in page
    # Logging in through the admin's form says why, and logs nobody in.
    fresh = Client()
    answer = fresh.post(
        "/admin/login/?next=/admin/",
        {"username": f"p-{persona}", "password": PASSWORD, "next": "/admin/"},
    )
    assert answer.status_code == 200 and NOT_ADMIN_ZH in answer.content.decode()
    assert "_auth_user_id" not in fresh.session
    assert fresh.get("/admin/").status_code == 302


def test_admin_role_membership_opens_the_admin(world: World) -> None:
    user = get_user_model().objects.create_user("p-sysadmin", "", PASSWORD, is_staff=True)
    Membership.objects.create(user=user, role="admin")
    client = Client()
    answer = client.post(
        "/admin/login/?next=/admin/",
        {"username": "p-sysadmin", "password": PASSWORD, "next": "/admin/"},
    )
    assert answer.status_code == 302 and urlsplit(answer["Location"]).path == "/admin/"
    assert client.get("/admin/").status_code == 200
    # A role admin without is_staff stays out, as Django's admin wants.
    user.is_staff = False
    user.save()
    assert client.get("/admin/").status_code == 302


# --- The admin: evidence is read-only ---------------------------------------------------

EVIDENCE = [
    ScanRun,
    ColumnSnapshot,
    LinkProblem,
    ScanFinding,
    Probe,
    ProbeDay,
    Inspection,
    InspectionResult,
    InspectionFinding,
    AuditEntry,
    FindingDecision,
    ProblemList,
    ProblemItem,
    ItemEvent,
    Attachment,
    FetchAttempt,
    Post,
]


def _superuser_request(world: World) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = world.users["admin"]
    return request


@pytest.mark.parametrize("model", EVIDENCE, ids=lambda m: m._meta.label_lower)
def test_admin_evidence_is_read_only(world: World, model: type[Model]) -> None:
    model_admin = admin.site.get_model_admin(model)
    request = _superuser_request(world)
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    for inline in model_admin.get_inline_instances(request):
        assert not inline.has_add_permission(request, None), inline
        assert not inline.has_change_permission(request, None), inline
        assert not inline.has_delete_permission(request, None), inline
        assert not inline.can_delete, inline
    assert "delete_selected" not in model_admin.get_actions(request)
    client = world.client("admin")
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}add/").status_code == 403
    row = model._default_manager.order_by("pk").first()
    if row is not None:
        assert client.get(f"{base}{row.pk}/change/").status_code == 200
        assert client.post(f"{base}{row.pk}/change/", {}).status_code == 403
        assert client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
        assert model._default_manager.filter(pk=row.pk).exists()


def test_admin_scan_links_to_its_rows(world: World) -> None:
    """A scan's page carries no inline of thousands of rows: it links to its column
    snapshots, link problems and findings, each a read-only list filtered to the scan."""
    scan = ScanRun.objects.order_by("pk").first()
    assert scan is not None
    client = world.client("admin")
    page = client.get(f"/admin/scans/scanrun/{scan.pk}/change/").content.decode()
    for model in (ColumnSnapshot, LinkProblem, ScanFinding):
        link = f"/admin/scans/{model._meta.model_name}/?run__id__exact={scan.pk}"
        assert link in page.replace("&amp;", "&"), model
        assert client.get(link).status_code == 200


def test_admin_finding_actions_need_a_reason(world: World) -> None:
    client = world.client("admin")
    finding = world.targets["u3"].finding
    url = "/admin/inspections/inspectionfinding/"
    form = {
        "action": "dismiss",
        "_selected_action": [finding.pk],
        "index": "0",
        "select_across": "0",
    }
    page = client.get(url).content.decode()
    assert 'name="reason"' in page
    refused = client.post(url, {**form, "reason": "  "}, follow=True)
    assert REASON_MISSING_ZH in refused.content.decode()
    finding.refresh_from_db()
    assert finding.state == "confirmed"
    audits = AuditEntry.objects.filter(finding=finding).count()
    done = client.post(url, {**form, "reason": "已核实为误报：渠道在二级页面"}, follow=True)
    assert "已排除 1 个问题" in done.content.decode()
    finding.refresh_from_db()
    assert (finding.state, finding.state_reason) == ("dismissed", "已核实为误报：渠道在二级页面")
    audit = AuditEntry.objects.filter(finding=finding).order_by("-pk").first()
    assert AuditEntry.objects.filter(finding=finding).count() == audits + 1
    assert audit is not None and audit.user == world.users["admin"]
    assert FindingDecision.objects.filter(
        fingerprint=finding.fingerprint, state="dismissed"
    ).exists()


def _user_form(username: str, role: str, unit: Unit | None) -> dict[str, Any]:
    return {
        "username": username,
        "usable_password": "true",
        "password1": "Xq7-long-passphrase",
        "password2": "Xq7-long-passphrase",
        "membership-TOTAL_FORMS": "1",
        "membership-INITIAL_FORMS": "0",
        "membership-MIN_NUM_FORMS": "0",
        "membership-MAX_NUM_FORMS": "1",
        "membership-0-role": role,
        "membership-0-unit": str(unit.pk) if unit else "",
        "membership-0-phone": "",
        "_save": "保存",
    }


def test_admin_user_form_with_role_and_unit(world: World) -> None:
    client = world.client("admin")
    page = client.get("/admin/auth/user/add/").content.decode()
    assert "角色与所属单位" in page and 'name="membership-0-unit"' in page
    # The unit box searches the units (autocomplete through UnitAdmin.search_fields).
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "users", "model_name": "membership", "field_name": "unit", "term": "北川"},
    ).json()
    assert {row["text"] for row in found["results"]} == {UNITS["city_b"][0], UNITS["u3"][0]}

    refused = client.post("/admin/auth/user/add/", _user_form("p-new1", "supervisor", None))
    assert refused.status_code == 200
    assert "除系统管理员外，每个用户都必须指定所属单位" in refused.content.decode()
    assert not get_user_model().objects.filter(username="p-new1").exists()

    city_b = world.targets["city_b"].unit
    added = client.post("/admin/auth/user/add/", _user_form("p-new2", "supervisor", city_b))
    assert added.status_code == 302, added.content.decode()[:3000]
    membership = Membership.objects.get(user__username="p-new2")
    assert (membership.role, membership.unit) == ("supervisor", city_b)

    admin_only = client.post("/admin/auth/user/add/", _user_form("p-new3", "admin", None))
    assert admin_only.status_code == 302
    assert Membership.objects.get(user__username="p-new3").unit is None
    listed = client.get("/admin/auth/user/?membership__role=supervisor").content.decode()
    assert "p-new2" in listed and UNITS["city_b"][0] in listed


def test_admin_sightings_are_appended_only(world: World) -> None:
    client = world.client("admin")
    account = world.targets["u1"].account
    assert account is not None
    added = client.post(
        "/admin/newmedia/accountsighting/add/",
        {
            "account": account.pk,
            "at_0": "2024-03-01",
            "at_1": "10:00:00",
            "source_kind": "push",  # not the form's to say: a hand-made row is 人工录入
            "name": "安平教育微博",
            "owner": "安平市教育局",
        },
    )
    assert added.status_code == 302
    sighting = AccountSighting.objects.get(account=account)
    assert sighting.source_kind == "manual"
    base = f"/admin/newmedia/accountsighting/{sighting.pk}/"
    assert client.get(f"{base}change/").status_code == 200
    assert client.post(f"{base}change/", {"name": "改名"}).status_code == 403
    assert client.post(f"{base}delete/", {"post": "yes"}).status_code == 403
    sighting.refresh_from_db()
    assert sighting.name == "安平教育微博"
