"""WSGI entry point for gunicorn: ``gunicorn -c python:jamlik.gunicorn_conf jamlik.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamlik.settings")
application = get_wsgi_application()
