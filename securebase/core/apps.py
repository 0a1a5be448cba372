from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db.backends.signals import connection_created
from django.urls import register_converter


class CoreConfig(AppConfig):
    """Pages and plumbing every other app leans on: layout, health check, headers, logging."""

    name = "securebase.core"
    label = "core"

    def ready(self) -> None:
        from securebase.core import dbfiles
        from securebase.core.converters import TokenConverter

        # Before any URLconf is loaded: the apps' routes use <token:...>.
        register_converter(TokenConverter, "token")
        # The SQLite files are private at start-up (or the process refuses to start),
        # and again whenever a connection has just created the -wal and -shm files.
        for settings_dict in settings.DATABASES.values():
            dbfiles.enforce(settings_dict)
        connection_created.connect(dbfiles.on_connection_created)
        checks.register(dbfiles.check_private_files, checks.Tags.security, deploy=True)
