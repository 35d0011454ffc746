"""Django settings. The only module in govwatch that reads the environment.

Every variable is documented in .env.example and docs/configuration.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

env = os.environ


def _flag(name: str, default: bool = False) -> bool:
    value = env.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str) -> list[str]:
    return [part.strip() for part in env.get(name, default).split(",") if part.strip()]


# All state of the embedded default lives under one folder, relative to where
# govwatch runs, so a clean clone needs no configuration at all.
DATA_DIR = Path(env.get("GOVWATCH_DATA_DIR", "var")).resolve()


def _secret_key() -> str:
    configured = env.get("GOVWATCH_SECRET_KEY")
    if configured:
        return configured
    # Generated once per data folder and kept there: never a key in the repo.
    key_file = DATA_DIR / "secret_key"
    try:
        return key_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        key_file.write_text(key, encoding="utf-8")
        return key


SECRET_KEY = _secret_key()
DEBUG = _flag("GOVWATCH_DEBUG")
ALLOWED_HOSTS = _list("GOVWATCH_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "govwatch.web.registry",
    "govwatch.web.calendars",
    "govwatch.web.interaction",
    "govwatch.web.scans",
    "govwatch.web.inspections",
    "govwatch.web.newmedia",
    "govwatch.web.statistics",
    "govwatch.web.monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "govwatch.web.config.urls"
WSGI_APPLICATION = "govwatch.web.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide pages: the 403/404/500 pages in Chinese.
        "DIRS": [Path(__file__).resolve().parents[1] / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_default_db = "sqlite:///" + str(DATA_DIR / "govwatch.sqlite3")
DATABASES = {
    "default": dj_database_url.parse(env.get("DATABASE_URL") or _default_db, conn_max_age=60),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A busy timeout lets the CLI, the watch and the web server share the file; WAL lets
    # readers go on while one writes, and IMMEDIATE takes the write lock when a
    # transaction begins, so two writers queue instead of one failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Chinese only: the users are Chinese offices, and a browser set to English must not get
# the admin half in English (no LocaleMiddleware, so no negotiation).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = env.get("GOVWATCH_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Static files are served from the installed apps by whitenoise's finders, so there is no
# collectstatic step to forget on a fresh machine.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# Celery (distributed mode). Empty broker means tasks run in-process.
CELERY_BROKER_URL = env.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = CELERY_BROKER_URL or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# One site scan is one task; a worker takes one at a time so a big site cannot starve others.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True

# The first admin user, for `govwatch init` when no terminal is attached.
GOVWATCH_ADMIN_USER = env.get("GOVWATCH_ADMIN_USER", "admin")
GOVWATCH_ADMIN_PASSWORD = env.get("GOVWATCH_ADMIN_PASSWORD", "")
GOVWATCH_ADMIN_EMAIL = env.get("GOVWATCH_ADMIN_EMAIL", "")

# `govwatch serve` binds here; loopback unless an operator says otherwise.
GOVWATCH_SERVE_HOST = env.get("GOVWATCH_SERVE_HOST", "127.0.0.1")
GOVWATCH_SERVE_PORT = int(env.get("GOVWATCH_SERVE_PORT", "8000"))

# Hosts or CIDRs the crawler may fetch although they are private or loopback.
GOVWATCH_ALLOW_HOSTS = _list("GOVWATCH_ALLOW_HOSTS", "")
# Static name resolution for the crawler, "host=ip:port" pairs (like curl --resolve); the
# demo farm serves gov.cn-style names from one loopback port this way.
GOVWATCH_RESOLVE = _list("GOVWATCH_RESOLVE", "")
# Where resumable crawl state is kept (one file per site, kept across scans).
GOVWATCH_CRAWL_STATE_DIR = DATA_DIR / "crawl-state"
# Indicator profile used by scan and inspect when none is given.
GOVWATCH_PROFILE = env.get("GOVWATCH_PROFILE", "cn-national-2019")

# The watch (`govwatch run`, `govwatch scheduler`): worker processes of the embedded run
# (default one per core), probes in flight in one probe round, days of raw probes kept
# before they are rolled up per site and day, and how long a crawl's site lock lasts
# without being renewed (a crashed holder's lock runs out after this).
GOVWATCH_WORKERS = int(env.get("GOVWATCH_WORKERS", "0")) or (os.cpu_count() or 1)
GOVWATCH_PROBE_CONCURRENCY = int(env.get("GOVWATCH_PROBE_CONCURRENCY", "500"))
GOVWATCH_PROBE_RAW_DAYS = int(env.get("GOVWATCH_PROBE_RAW_DAYS", "14"))
GOVWATCH_LEASE_SECONDS = int(env.get("GOVWATCH_LEASE_SECONDS", "300"))
# Scans older than this many days are pruned daily, except each site's last full crawl of
# every quarter and the scans inspection results cite (docs/operations.md).
GOVWATCH_SCAN_KEEP_DAYS = int(env.get("GOVWATCH_SCAN_KEEP_DAYS", "35"))
# The longest one job (a site's crawl, a probe round) may run before it is stopped and
# recorded as failed: a site that drips bytes forever holds one worker, not the watch.
GOVWATCH_JOB_TIME_LIMIT = float(env.get("GOVWATCH_JOB_TIME_LIMIT", str(4 * 3600)))
# A crawl that finds its site held by another worker tries again after this many seconds.
GOVWATCH_BUSY_RETRY_SECONDS = float(env.get("GOVWATCH_BUSY_RETRY_SECONDS", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get("GOVWATCH_LOG_LEVEL", "WARNING")},
}
