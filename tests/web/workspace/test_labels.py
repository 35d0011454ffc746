"""The workspace speaks Chinese everywhere: every page of every URL pattern (the table of
the persona walker, so a new page is read too), opened as an administrator, a province
supervisor and a unit operator, is read as a person reads it (visible text, tooltips,
placeholders, button labels) and any English there fails: untranslated model and field
names, choice codes shown instead of their labels ("unqualified", "department_website"),
Django's own English. The reader is the admin test's (tests/web/test_admin_labels.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from govwatch.web.dashboard.services import dashboard_refresh
from tests.web.personas import World, world
from tests.web.test_admin_labels import WORD, english_in
from tests.web.test_personas import FILL, OWNED_BY, SIDE_ROLES, _object_pk, _role, url_patterns

pytestmark = pytest.mark.django_db
__all__ = ["world"]  # the fixture

READERS = ("admin", "province", "operator")
# Words an office reads as they are: the formats and programs it handles, the encodings
# a file may come in.
OFFICE_WORDS = frozenset(
    {"Word", "LibreOffice", "docx", "pdf", "txt", "xlsx", "csv", "UTF", "GBK", "PNG", "JPEG"}
)
# A page that sends a file (an Excel export, an attachment, a bulletin) is not read.
PAGE_TYPES = ("text/html",)


def _urls(world: World, persona: str) -> list[str]:
    role = _role(persona)
    urls = []
    for pattern in url_patterns():
        fill = FILL.get(pattern.name or "")
        if fill is None or fill.action or fill.side not in SIDE_ROLES:
            continue
        if role not in SIDE_ROLES[fill.side]:
            continue
        kwargs: dict[str, Any] = {}
        if fill.obj is not None:
            if fill.obj in OWNED_BY and OWNED_BY[fill.obj] != persona:
                continue
            target = "shared" if fill.obj == "inspection" or fill.obj in OWNED_BY else "u1"
            kwargs = {pattern.params[0]: _object_pk(world, fill.obj, target)}
        urls.append(reverse(pattern.name, kwargs=kwargs))
    return urls


@pytest.mark.parametrize("persona", READERS)
def test_every_workspace_page_is_in_chinese(world: World, persona: str) -> None:
    dashboard_refresh()
    client = world.client(persona)
    # Data, not language: the logins' names and the accounts' platform ids.
    names = [user.username for user in world.users.values()]
    names += [t.account.platform_id for t in world.targets.values() if t.account]
    data = OFFICE_WORDS | {word for name in names for word in WORD.findall(name)}
    read, english = 0, []
    for url in _urls(world, persona):
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            PAGE_TYPES
        ):
            continue
        read += 1
        english += [f"{url}: {found}" for found in english_in(response.content.decode(), data)]
    assert read >= (3 if persona == "operator" else 15), read
    assert not english, "\n".join(english)
