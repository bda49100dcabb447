"""Gunicorn settings, overridable from the environment.

One sync worker per core by default. Measured with benchmarks/storm.py on 2 cores and
PostgreSQL: 2 workers 286-289 registrations/s (p95 136 ms), 3 workers 245/s, 4 workers
207/s, 6 workers 181/s, and 2 gthread workers with 4 threads 184/s (p95 322 ms). Every seat
decision of an event waits for the event's row lock, so a worker that the kernel pauses while
it holds the lock stalls all the others: more processes than cores make that likelier.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or os.cpu_count() or 2)
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
# Access logs hold paths with personal tokens; keep them off unless asked for.
errorlog = "-"


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR (core/metrics.py), tell prometheus-client that a worker
    is gone: its live gauges stop counting; its counters stay in the sums."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
