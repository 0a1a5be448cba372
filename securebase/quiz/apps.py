from django.apps import AppConfig


class QuizConfig(AppConfig):
    name = "securebase.quiz"
    label = "quiz"
