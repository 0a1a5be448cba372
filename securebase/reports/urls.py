from django.urls import path

from securebase.reports import views

app_name = "reports"

urlpatterns = [
    path("results/<token:token>/", views.result, name="result"),
    path("results/<token:token>/report.pdf", views.report_pdf, name="pdf"),
    path("results/<token:token>/email/", views.email_report, name="email"),
    path("results/<token:token>/again/", views.again, name="again"),
    path("results/<token:token>/reminder.ics", views.reminder, name="reminder"),
    path("results/<token:token>/delete/", views.delete, name="delete"),
    path("results/<token:token>/consent/", views.withdraw_consent, name="consent"),
    path("share/<slug:slug>/", views.share, name="share"),
    path("share/<slug:slug>.png", views.share_png, name="share-image"),
]
