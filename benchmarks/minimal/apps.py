from django.apps import AppConfig


class MinimalConfig(AppConfig):
    name = "minimal"
    default_auto_field = "django.db.models.BigAutoField"
