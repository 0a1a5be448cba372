"""Django app configuration of the method pages."""

from django.apps import AppConfig


class MethodConfig(AppConfig):
    """The web version of ``docs/manual/``: the chapters, their figures and the PDF."""

    name = "securebase.method"
    label = "method"
    verbose_name = "Technical manual"
