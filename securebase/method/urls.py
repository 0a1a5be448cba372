"""URLs of the technical manual."""

from django.urls import path

from securebase.method import views

urlpatterns = [
    path("method/", views.method_page, name="method"),
    path("method/figures/<str:name>.svg", views.method_figure, name="method_figure"),
    path("method/manual.pdf", views.method_pdf, name="method_pdf"),
]
