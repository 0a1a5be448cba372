from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    """Pages and plumbing every other app leans on: layout, health check, headers, logging."""

    name = "securebase.core"
    label = "core"

    def ready(self) -> None:
        from securebase.core.converters import TokenConverter

        # Before any URLconf is loaded: the apps' routes use <token:...>.
        register_converter(TokenConverter, "token")
