"""Django settings. The only module in govwatch that reads the environment.

Every variable is documented in .env.example and docs/configuration.md.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import os
import secrets
import stat
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

env = os.environ


def _flag(name: str, default: bool = False) -> bool:
    value = env.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str) -> list[str]:
    return [part.strip() for part in env.get(name, default).split(",") if part.strip()]


def _int(name: str, default: int, minimum: int) -> int:
    text = (env.get(name) or "").strip()
    try:
        value = int(text) if text else default
    except ValueError:
        raise ImproperlyConfigured(f"{name}={text!r} 不是整数") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} 过小，至少为 {minimum}")
    return value


# All state of the embedded default lives under one folder, relative to where
# govwatch runs, so a clean clone needs no configuration at all.
DATA_DIR = Path(env.get("GOVWATCH_DATA_DIR", "var")).resolve()


def _secret_key() -> str:
    configured = env.get("GOVWATCH_SECRET_KEY", "").strip()
    if configured:
        return configured
    # Generated once per data folder and kept there (never a key in the repo), readable by
    # the owner only. An empty or blank file counts as missing: Django refuses an empty key
    # on every request.
    key_file = DATA_DIR / "secret_key"
    try:
        key = key_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = ""
    if key:
        _owner_only(key_file)
        return key
    return _secret_key_write(key_file)


def _owner_only(path: Path) -> None:
    """Tighten a key file others may read to 0600; warn when that is not allowed."""
    if os.name != "posix":
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        try:
            path.chmod(0o600)
        except OSError as exc:
            logging.getLogger("govwatch.settings").warning(
                "密钥文件 %s 的权限为 %o，其他用户可读，且无法改为 600：%s", path, mode, exc
            )


def _secret_key_write(key_file: Path) -> str:
    """Write a new key, created 0600, and publish it whole (a reader never sees half a key).
    When several processes start at once, the first key published wins and all use it."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    temporary = key_file.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(key)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, key_file)  # fails if a key file exists, even an empty one
        except FileExistsError:
            existing = key_file.read_text(encoding="utf-8").strip()
            if existing:  # another process got there first
                _owner_only(key_file)
                return existing
            os.replace(temporary, key_file)  # the blank file is replaced
        except OSError:  # a file system without hard links
            os.replace(temporary, key_file)
    finally:
        temporary.unlink(missing_ok=True)
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
    # Login throttling and lockout (django-axes), under a Chinese name in the admin.
    "govwatch.web.config.security.AxesConfig",
    "govwatch.web.registry",
    "govwatch.web.calendars",
    "govwatch.web.interaction",
    "govwatch.web.scans",
    "govwatch.web.inspections",
    "govwatch.web.newmedia",
    "govwatch.web.statistics",
    "govwatch.web.monitoring",
    "govwatch.web.users",
    "govwatch.web.tickets",
    "govwatch.web.alerts",
    "govwatch.web.dashboard",
    "govwatch.web.proofreading",
    "govwatch.web.workspace",
    "govwatch.web.operations",
]
# The workspace's own login page (not the admin's); after it, / sends each role to its side.
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

MIDDLEWARE = [
    # First: decides whether X-Forwarded-* may be believed before anything reads them.
    "govwatch.web.config.security.ProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "govwatch.web.config.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a login that axes refused into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
    "govwatch.web.config.middleware.DatabaseBusyMiddleware",
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

# --- Logins ------------------------------------------------------------------------------
# Passwords: Django's four validators (their messages come in Chinese with zh-hans). They
# apply to the admin's password forms and to `govwatch init`'s first admin. Ten characters
# rather than Django's eight: these are administrator accounts guarded by a password alone
# (no second factor), and the length is what protects a leaked password hash from offline
# guessing, which the login lockout cannot limit.
GOVWATCH_PASSWORD_MIN_LENGTH = _int("GOVWATCH_PASSWORD_MIN_LENGTH", 10, minimum=8)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": GOVWATCH_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lockout (django-axes): after GOVWATCH_LOGIN_FAILURES wrong passwords for one user name
# from one client address, each within GOVWATCH_LOGIN_LOCKOUT_MINUTES of the one before,
# that name is refused from that address, even with the right password, until that many
# minutes pass without another attempt. A successful login clears the count. Counting by
# the pair, not by the address alone or the name alone: a guesser cannot lock every user out
# from one address, nor lock one user out of every office by guessing from elsewhere.
GOVWATCH_LOGIN_FAILURES = _int("GOVWATCH_LOGIN_FAILURES", 5, minimum=1)
GOVWATCH_LOGIN_LOCKOUT_MINUTES = _int("GOVWATCH_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = GOVWATCH_LOGIN_FAILURES
AXES_COOLOFF_TIME = dt.timedelta(minutes=GOVWATCH_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "govwatch.web.config.security.lockout_response"
AXES_COOLOFF_MESSAGE = (
    f"登录失败次数过多，账户已锁定，请于{GOVWATCH_LOGIN_LOCKOUT_MINUTES}分钟后再试或联系管理员。"
)
# The client address: the peer, or behind a trusted proxy the client it forwards for
# (govwatch.web.config.security.ProxyHeadersMiddleware), never a header from anyone else.
AXES_CLIENT_IP_CALLABLE = "govwatch.web.config.security.client_ip"
# The log names who was locked out from where (the password is always masked); the admin's
# 登录安全 pages show the same.
AXES_SENSITIVE_PARAMETERS: list[str] = []

# --- HTTPS and headers -------------------------------------------------------------------
# Reverse proxies (addresses or CIDRs) whose X-Forwarded-Proto and X-Forwarded-For are
# believed; from any other peer those headers are dropped. Empty: no proxy.
GOVWATCH_TRUSTED_PROXIES = _list("GOVWATCH_TRUSTED_PROXIES", "")
for _proxy in GOVWATCH_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"GOVWATCH_TRUSTED_PROXIES 中的“{_proxy}”不是 IP 地址或网段"
        ) from None
if GOVWATCH_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Served over HTTPS (directly or by the proxy): cookies only over HTTPS, and HSTS. Off by
# default, so the embedded http://127.0.0.1:8000 keeps working.
GOVWATCH_HTTPS = _flag("GOVWATCH_HTTPS")
SESSION_COOKIE_SECURE = GOVWATCH_HTTPS
CSRF_COOKIE_SECURE = GOVWATCH_HTTPS
SECURE_HSTS_SECONDS = _int("GOVWATCH_HSTS_SECONDS", 31536000, minimum=0) if GOVWATCH_HTTPS else 0
# Origins (scheme://host[:port]) a form may be posted from besides the address Django sees,
# e.g. https://gov.example.cn when the proxy does not pass the Host header on.
CSRF_TRUSTED_ORIGINS = _list("GOVWATCH_CSRF_TRUSTED_ORIGINS", "")
for _origin in CSRF_TRUSTED_ORIGINS:
    if "://" not in _origin:
        raise ImproperlyConfigured(
            f"GOVWATCH_CSRF_TRUSTED_ORIGINS 中的“{_origin}”缺少协议，应写作 https://{_origin}"
        )
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Sent by govwatch.web.config.security.ContentSecurityPolicyMiddleware. The admin's scripts
# are all files (Django's admin has no inline script or event handler), so scripts need no
# 'unsafe-inline'; styles keep it for the style attributes of the error pages.
GOVWATCH_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

# Chinese only: the users are Chinese offices, and a browser set to English must not get
# the admin half in English (no LocaleMiddleware, so no negotiation).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = env.get("GOVWATCH_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
# Chinese for what the dependencies leave in English (django-axes, one password message).
LOCALE_PATHS = [Path(__file__).resolve().parents[1] / "locale"]
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
# Built text-check models (the typo layer), keyed by their lexicons' hash; safe to delete.
GOVWATCH_TEXT_CACHE_DIR = Path(env.get("GOVWATCH_TEXT_CACHE_DIR") or DATA_DIR / "cache")
# Indicator profile used by scan and inspect when none is given.
GOVWATCH_PROFILE = env.get("GOVWATCH_PROFILE", "cn-national-2019")
# The bulletin's issuer (发文机关, also the signature), 文号 (机关代字 and pattern such as
# "{abbr}〔{year}〕{n}号"), contact line and the office's template (empty: the shipped one).
GOVWATCH_BULLETIN_ISSUER = env.get("GOVWATCH_BULLETIN_ISSUER", "").strip()
GOVWATCH_BULLETIN_DOC_ABBR = env.get("GOVWATCH_BULLETIN_DOC_ABBR", "").strip()
GOVWATCH_BULLETIN_DOC_NUMBER = env.get("GOVWATCH_BULLETIN_DOC_NUMBER", "").strip()
GOVWATCH_BULLETIN_CONTACT = env.get("GOVWATCH_BULLETIN_CONTACT", "").strip()
GOVWATCH_BULLETIN_TEMPLATE = env.get("GOVWATCH_BULLETIN_TEMPLATE", "").strip()

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

# --- Alerts (docs/alerts.md) -----------------------------------------------------------
# Mail goes out through Django's SMTP backend. With nothing set it talks to an MTA on
# 127.0.0.1:25 (a local postfix relaying for the office); a mail that cannot be handed over
# is retried by the watch and kept with its error, never lost silently.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env.get("GOVWATCH_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = _int("GOVWATCH_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.get("GOVWATCH_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env.get("GOVWATCH_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _flag("GOVWATCH_EMAIL_USE_TLS")  # STARTTLS, usually port 587
EMAIL_USE_SSL = _flag("GOVWATCH_EMAIL_USE_SSL")  # implicit TLS, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("GOVWATCH_EMAIL_USE_TLS 与 GOVWATCH_EMAIL_USE_SSL 只能选一个")
# A mail server that does not answer must not hold a sender for minutes.
EMAIL_TIMEOUT = _int("GOVWATCH_EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env.get("GOVWATCH_EMAIL_FROM", "govwatch@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# SMS through a generic HTTP gateway: POST {"phone", "text"} as JSON, with
# "Authorization: Bearer <token>" when a token is set. Empty URL: SMS rules fail and say so.
GOVWATCH_SMS_GATEWAY_URL = env.get("GOVWATCH_SMS_GATEWAY_URL", "")
GOVWATCH_SMS_GATEWAY_TOKEN = env.get("GOVWATCH_SMS_GATEWAY_TOKEN", "")
# Put before the link paths in messages (/portal/lists/12/), e.g. https://gov.example.cn;
# empty leaves the paths as they are.
GOVWATCH_ALERT_BASE_URL = env.get("GOVWATCH_ALERT_BASE_URL", "").strip()
# Seconds one robot or SMS-gateway POST may take.
GOVWATCH_ALERT_TIMEOUT = _int("GOVWATCH_ALERT_TIMEOUT", 10, minimum=1)
# 1: a new alert is sent at once by a background thread of the process that recorded it;
# 0: it waits for the watch's alerts job (every 5 minutes). Failures are retried by the
# job either way.
GOVWATCH_ALERT_SEND_AT_ONCE = _flag("GOVWATCH_ALERT_SEND_AT_ONCE", True)
# Tests only: send inside alert_emit instead of on the background thread.
GOVWATCH_ALERT_INLINE = False
# Tests only: run a submitted item's re-check inside the request instead of on a thread.
GOVWATCH_RECHECK_INLINE = False
# Tests only: run a web-started operation (运行操作) within its request instead of on a
# worker or a thread.
GOVWATCH_OPERATIONS_INLINE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get("GOVWATCH_LOG_LEVEL", "WARNING")},
}
