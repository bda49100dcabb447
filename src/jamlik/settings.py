"""Settings, all from the environment (django-environ).

With no variables at all the app runs on SQLite under ``var/`` in debug mode, which is what
``make demo`` and the tests use. Production sets DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and
DEBUG=false; ``jamlik check --deploy`` then prints no warning.
"""

from pathlib import Path
from typing import Any

import environ

from jamlik.core.settings_helpers import email_file_path, logging_config, origin_of

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(environ.Env().str("JAMLIK_VAR_DIR", default=str(PROJECT_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
# A fixed development key is only acceptable while DEBUG is on; production must set its own.
SECRET_KEY = env.str("SECRET_KEY", default="") or (
    "django-insecure-development-key-only-for-local-use" if DEBUG else ""
)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "jamlik.core.views.csrf_failure"
BASE_URL = env.str("BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "jamlik.worker",  # before django_tasks_db: its db_worker command replaces upstream's
    "django_tasks_db",
    "ninja",  # Swagger UI's files as our own static files (no CDN)
    "jamlik.core",
    "jamlik.notifications",
    "jamlik.orgs",
    "jamlik.events",
    "jamlik.assessments",
    "jamlik.reviews",
    "jamlik.identity",  # the directory's role mapping and SCIM provisioning
    "jamlik.demo",
]

MIDDLEWARE = [
    "jamlik.core.requestid.RequestIdMiddleware",  # first: every later log line carries the id
    "jamlik.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jamlik.core.outage.DatabaseOutageMiddleware",  # 503, not 500, while the database is away
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jamlik.core.input_guard.InputGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jamlik.core.middleware.RuleErrorMiddleware",
]

ROOT_URLCONF = "jamlik.urls"
WSGI_APPLICATION = "jamlik.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "jamlik.core.context_processors.site",
            ],
        },
    },
]

# An empty DATABASE_URL means the default, as an unset one does.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'jamlik.sqlite3'}"
    )
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes every transaction take the write lock at BEGIN, so two seat decisions
    # never interleave; the busy timeout lets writers queue instead of failing.
    _db.setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    if _db["NAME"] not in ("", ":memory:"):
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with the health check only after idle time (core/postgresql/base.py).
    _db["ENGINE"] = "jamlik.core.postgresql"
    _db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    _db["CONN_HEALTH_CHECKS"] = True
    # Server-side binding lets PostgreSQL prepare a statement once per connection and reuse
    # its plan: psycopg prepares every query run ``PG_PREPARE_THRESHOLD`` times (0 turns it
    # off, for a transaction-pooling connection pooler in front of the database).
    _prepare = env.int("PG_PREPARE_THRESHOLD", default=2)
    _db.setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": _prepare or None}
    )
    # Behind PgBouncer in transaction mode also no named cursors (QuerySet.iterator()):
    # DISABLE_SERVER_SIDE_CURSORS=true (deploy/pgbouncer.ini).
    _db["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DISABLE_SERVER_SIDE_CURSORS", default=False)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["jamlik.core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_URL = env.str("EMAIL_URL", default="")
EMAIL_CONFIG = env.email_url_config(EMAIL_URL or "consolemail://")
if EMAIL_CONFIG["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    # django-environ drops the leading slash of filemail:///var/mail/jamlik; the URL's path
    # is the folder as written (absolute with three slashes, relative to the working folder
    # with two).
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = email_file_path(EMAIL_URL)
vars().update(EMAIL_CONFIG)
# Seconds an SMTP connection may stay silent: a server that accepts and never answers must
# not hold the worker; the send fails and the outbox tries again later.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Jämlik <noreply@jamlik.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The envelope sender (Return-Path) of an event's mail, "{event}" standing for its id (e.g.
# "studs+event{event}@jamlik.stad.example"): asynchronous bounces then reach a mailbox that
# can tell which event's addresses bounce. Empty: DEFAULT_FROM_EMAIL's address, as for all
# other mail. Bounces the SMTP server refuses at once are recorded either way.
EVENT_BOUNCE_ADDRESS = env.str("EVENT_BOUNCE_ADDRESS", default="")
if EVENT_BOUNCE_ADDRESS and "{event}" not in EVENT_BOUNCE_ADDRESS:
    raise environ.ImproperlyConfigured(
        "EVENT_BOUNCE_ADDRESS must contain {event}, e.g. studs+{event}@…"
    )

_tasks_backend = env.str("TASKS_BACKEND", default="immediate")
TASKS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
            "dummy": "django_tasks.backends.dummy.DummyBackend",
        }[_tasks_backend],
        "QUEUES": ["default"],
    }
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Security: everything secure by default when DEBUG is off. TLS usually ends at a proxy, so
# the HTTPS redirect is its own switch.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not SECURE_SSL_REDIRECT:
    # The proxy in front redirects to HTTPS; the check would otherwise warn about it.
    SILENCED_SYSTEM_CHECKS = ["security.W008"]

# Content-Security-Policy (django-csp) on every response: scripts and styles only from our own
# static files, no inline code, no eval. Templates carry no inline script, handler or style
# attribute, and htmx is told not to inject its indicator <style> (base.html). ``blob:`` in
# media-src covers the check-in camera's video element on browsers that hand it a blob URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'", "blob:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest evidence file (underlag) an answer may carry (assessments/evidence.py); the
# files are kept in the database (assessments.EvidenceContent).
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_MB", default=10) * 1024 * 1024
# An event evaluation's results are shown per question from this many answers (anonymity;
# events/evaluation.py).
EVENTS_EVALUATION_MIN_ANSWERS = env.int("EVENTS_EVALUATION_MIN_ANSWERS", default=5)

# One console handler; LOG_FORMAT=json writes one JSON object a line with the request id
# (core/settings_helpers.py, core/jsonlog.py). Personal link tokens are filtered out either way.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = logging_config(LOG_FORMAT, env.str("LOG_LEVEL", default="WARNING"))

# /metrics (core/metrics.py): open to a bearer token and to these addresses, 404 to others.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])

JAMLIK = {
    # Registrations are anonymised this many days after their event ended.
    "ANONYMISE_AFTER_DAYS": env.int("ANONYMISE_AFTER_DAYS", default=90),
    # Proxies in front of the app that append to X-Forwarded-For (core/clientip.py).
    "TRUSTED_PROXIES": env.int("TRUSTED_PROXIES", default=0),
}

# The municipality's directory (Microsoft Entra ID): how its app roles and groups map to
# Jamlik roles, and where the organisation code is (jamlik/identity/mapping.py, README.md
# "SCIM-provisionering"). Read only by identity.mapping.DirectoryMapping.from_settings().
DIRECTORY_ROLE_MAP = env.str("DIRECTORY_ROLE_MAP", default="")
DIRECTORY_ORGANISATION_CLAIM = env.str("DIRECTORY_ORGANISATION_CLAIM", default="jamlik_org")
DIRECTORY_SCIM_ORGANISATION_ATTRIBUTE = env.str(
    "DIRECTORY_SCIM_ORGANISATION_ATTRIBUTE", default="department"
)
# The claim holding the manager's e-mail, for an approval request without typing it (an
# optional claim configured in the directory; empty: none).
DIRECTORY_MANAGER_CLAIM = env.str("DIRECTORY_MANAGER_CLAIM", default="manager_email")

# Sign-in through the directory with OpenID Connect (identity/oidc.py; README "Inloggning
# via katalogen"). Off while OIDC_ISSUER is empty. The endpoints come from the issuer's
# discovery document; mozilla-django-oidc's own setting names below.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGORITHM", default="RS256")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # the hint of RP-initiated logout
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "identity:oidc_callback"
OIDC_CREATE_USER = True
LOGIN_REDIRECT_URL_FAILURE = "identity:sso_refused"
if OIDC_ISSUER:
    AUTHENTICATION_BACKENDS = ["jamlik.identity.oidc.DirectoryBackend", *AUTHENTICATION_BACKENDS]
    # The logout form's answer goes on to the provider: browsers hold a form's redirects to
    # form-action too.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(origin_of(OIDC_ISSUER))
    # core's logout asks the provider to end its session too (RP-initiated logout).
    JAMLIK_LOGOUT_URL_METHOD = "jamlik.identity.oidc.provider_logout_url"
# LOCAL_LOGIN=false turns passwords off, except for the one break-glass administrator
# (BREAK_GLASS_USERNAME) who can still sign in when the directory is away.
LOCAL_LOGIN = env.bool("LOCAL_LOGIN", default=True)
BREAK_GLASS_USERNAME = env.str("BREAK_GLASS_USERNAME", default="")
