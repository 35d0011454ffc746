"""Recording what platforms show about accounts (name, 认证主体) for NMA007.

A sighting is written only when it differs from the account's latest one, so feeds read
every day do not grow the table: it holds the account's naming history.
"""

from __future__ import annotations

import datetime as dt

from govwatch.engine.newmedia.adapters.base import AccountProfile
from govwatch.web.newmedia.models import AccountSighting


def sighting_record(
    account_id: int, profile: AccountProfile | None, kind: str, at: dt.datetime
) -> bool:
    """Store ``profile`` as seen at ``at`` unless the latest sighting says the same.

    A source that states only one of name and owner keeps the other from the latest
    sighting: a feed knows the name, never the owner. Returns whether a row was written.
    """
    if profile is None or not (profile.name or profile.owner):
        return False
    latest = (
        AccountSighting.objects.filter(account_id=account_id, at__lte=at)
        .order_by("-at", "-pk")
        .values_list("name", "owner")
        .first()
    )
    name = profile.name or (latest[0] if latest else "")
    owner = profile.owner or (latest[1] if latest else "")
    if latest == (name, owner):
        return False
    AccountSighting.objects.create(
        account_id=account_id, at=at, source_kind=kind, name=name, owner=owner
    )
    return True
