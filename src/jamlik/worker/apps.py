from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "jamlik.worker"
    label = "worker"
    verbose_name = "Task worker"
