"""Registry services: the only way other code (CLI, views, tasks) changes the registry."""

from __future__ import annotations

from govwatch.web.registry.exporting import RegistryExportError, registry_export
from govwatch.web.registry.importing import RegistryImportError, registry_import
from govwatch.web.registry.models import Unit
from govwatch.web.registry.resolver import UnitIndex, UnitLookupError


def unit_resolve(name: str, scope: str | None = None) -> Unit:
    """The one unit NAME means (a full name or an alias), optionally within region SCOPE.

    Raises UnitLookupError with the closest known units when nothing or several match.
    """
    index = UnitIndex.load()
    scope_id = index.resolve(scope) if scope else None
    return Unit.objects.get(pk=index.resolve(name, scope_id))


__all__ = [
    "RegistryExportError",
    "RegistryImportError",
    "UnitIndex",
    "UnitLookupError",
    "registry_export",
    "registry_import",
    "unit_resolve",
]
