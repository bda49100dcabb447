"""The minimal locked-insert endpoint that ``benchmarks/storm.py --production`` measures the
product against: Django and django-ninja, one POST endpoint, one transaction that locks the
event's counter row (``SELECT … FOR UPDATE``, as the product locks its event row), checks the
capacity and the organisation group's quota, and inserts the registration. No sessions, no
duplicate check, no audit entry, no mail: the floor of a Django app that takes the same
seat decision safely.

    DJANGO_SETTINGS_MODULE=minimal.settings PYTHONPATH=benchmarks \\
        gunicorn -c python:jamlik.gunicorn_conf minimal.wsgi
"""
