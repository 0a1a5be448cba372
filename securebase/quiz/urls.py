from django.urls import include, path

from securebase.quiz import views
from securebase.quiz.api import api

page_patterns = [
    path("", views.start, name="start"),
    path("s/<token:token>/", views.resume, name="question"),
    path("s/<token:token>/q/<int:position>/", views.question, name="position"),
    path("s/<token:token>/about-you/", views.about_you, name="about_you"),
    path("s/<token:token>/delete/", views.delete, name="delete"),
]

urlpatterns = [
    path("quiz/", include((page_patterns, "quiz"))),
    path("api/v1/", api.urls),
]
