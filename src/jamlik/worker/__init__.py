"""The task worker (``jamlik db_worker``): django_tasks_db's worker made to outlive database
restarts. An app of its own only so that its ``db_worker`` command wins over
django_tasks_db's: Django takes a command from the earliest app in INSTALLED_APPS."""
