"""Gunicorn settings, overridable from the environment.

Measured on 2 cores: 4 sync workers beat more workers and beat gthread (worse tails); the
app workers' CPU is the limit, so keep them few and the connections persistent.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
# Access logs hold paths with personal tokens; keep them off unless asked for.
errorlog = "-"
