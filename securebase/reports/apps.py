from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "securebase.reports"
    label = "reports"
