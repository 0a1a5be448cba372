from django.contrib.auth import views as auth_views
from django.urls import path

from securebase.studies import views
from securebase.studies.forms import ResearcherLoginForm

app_name = "studies"

urlpatterns = [
    path("s/<slug:slug>/", views.join, name="join"),
    path("s/<slug:slug>/done/<token:token>/", views.done, name="done"),
    path("studies/", views.study_list, name="list"),
    path("studies/new/", views.study_new, name="new"),
    path(
        "studies/login/",
        auth_views.LoginView.as_view(
            template_name="studies/login.html",
            authentication_form=ResearcherLoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path(
        "studies/logout/", auth_views.LogoutView.as_view(next_page="studies:login"), name="logout"
    ),
    path("studies/<slug:slug>/", views.study_dashboard, name="dashboard"),
    path("studies/<slug:slug>/settings/", views.study_edit, name="edit"),
    path("studies/<slug:slug>/members/", views.members, name="members"),
    path("studies/<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("studies/<slug:slug>/tokens/", views.tokens, name="tokens"),
    path("studies/<slug:slug>/exports/", views.export_log, name="exports"),
    path("studies/<slug:slug>/export/<str:kind>/", views.export, name="export"),
]
