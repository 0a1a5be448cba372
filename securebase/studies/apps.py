from django.apps import AppConfig


class StudiesConfig(AppConfig):
    name = "securebase.studies"
    verbose_name = "Studies"

    def ready(self) -> None:
        # The quiz and the result page know nothing of studies; studies tell them where a
        # participant goes after the last answer and whether the result may be shown yet.
        from securebase.studies import services

        services.connect()
