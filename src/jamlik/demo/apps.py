from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jamlik.demo"
    label = "demo"
    verbose_name = "Demo"
