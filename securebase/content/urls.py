from django.urls import path

from securebase.content import views

app_name = "content"

urlpatterns = [
    path("articles/", views.article_list, name="article_list"),
    path("articles/<slug:slug>/", views.article_detail, name="article_detail"),
    path("styles/", views.style_list, name="style_list"),
    path("styles/<slug:style>/", views.style_detail, name="style_detail"),
    path("evidence/", views.evidence, name="evidence"),
]
