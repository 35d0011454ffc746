"""`field__int_in=ids`: the scope's IN list with the ids written into the SQL as integer
literals.

Django binds an IN list one parameter at a time, preparing each value in Python: at a
province's 2,000 units that is tens of milliseconds per filter, and a page filters several
times (measured by bench/workspace_bench.py). The ids are the scope's own integers, and
int() refuses anything else, so writing them into the statement is safe.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Lookup


class IntIn(Lookup):  # type: ignore[type-arg]
    lookup_name = "int_in"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        return sorted({int(value) for value in self.rhs})

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        if not self.rhs:
            return "1 = 0", list(params)
        return f"{lhs} IN ({', '.join(str(value) for value in self.rhs)})", list(params)


def lookups_register() -> None:
    for field in (models.ForeignKey, models.AutoField, models.BigAutoField):
        field.register_lookup(IntIn)
