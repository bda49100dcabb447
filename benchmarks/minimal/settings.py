"""Settings of the minimal endpoint: only what the endpoint needs, from the environment.

``MINIMAL_DATABASE_URL`` (PostgreSQL); the connection options are the product's (persistent
connections with health checks, server-side binding, statements prepared on second use), so
that the comparison measures the code around the seat decision and not the driver settings.
"""

import environ

env = environ.Env()

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="minimal-benchmark-" + "x" * 50)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["minimal"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "minimal.urls"
WSGI_APPLICATION = "minimal.wsgi.application"
USE_TZ = True
TIME_ZONE = "Europe/Stockholm"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

DATABASES = {"default": env.db_url_config(env.str("MINIMAL_DATABASE_URL"))}
DATABASES["default"].update({"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True})
DATABASES["default"].setdefault("OPTIONS", {}).update(
    {"server_side_binding": True, "prepare_threshold": 2}
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
