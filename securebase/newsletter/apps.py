from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "securebase.newsletter"
    label = "newsletter"
