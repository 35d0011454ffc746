"""Admin pieces every app's admin shares."""

from __future__ import annotations

from django.db import models

# Many gov sites still answer on plain http, so a typed address without scheme means http.
URL_FIELDS = {models.URLField: {"assume_scheme": "http"}}
