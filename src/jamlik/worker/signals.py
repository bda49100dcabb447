"""``worker_started`` is sent when a task worker has reached the database, before its first
poll (and again after a failed start). Apps queue their periodic work from it; a receiver
must be idempotent, since several workers may start at once."""

from django.dispatch import Signal

worker_started = Signal()
