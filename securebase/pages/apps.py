from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "securebase.pages"
    verbose_name = "Site pages"
