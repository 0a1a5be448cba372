from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Pages and plumbing every other app leans on: layout, health check, headers, logging."""

    name = "securebase.core"
    label = "core"
