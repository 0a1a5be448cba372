from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "securebase.content"
    label = "content"
