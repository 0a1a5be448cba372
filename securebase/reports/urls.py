from django.urls import path

from securebase.reports import views

app_name = "reports"

urlpatterns = [
    path("results/<str:token>/", views.result, name="result"),
    path("results/<str:token>/report.pdf", views.report_pdf, name="pdf"),
    path("results/<str:token>/email/", views.email_report, name="email"),
    path("results/<str:token>/delete/", views.delete, name="delete"),
    path("results/<str:token>/consent/", views.withdraw_consent, name="consent"),
    path("share/<slug:slug>/", views.share, name="share"),
    path("share/<slug:slug>.png", views.share_png, name="share-image"),
]
