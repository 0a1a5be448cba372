"""URL map: each domain app owns its own URLs; this file only mounts them."""

from django.contrib import admin
from django.urls import include, path

from securebase.core import views as core_views
from securebase.quiz.api import api
from securebase.studies.api import router as studies_api

# Before the URL patterns below are built: the API's routes are read when it is mounted.
api.add_router("/studies/", studies_api)

urlpatterns = [
    path("", include("securebase.core.urls")),
    path("", include("securebase.pages.urls")),
    path("", include("securebase.quiz.urls")),
    path("", include("securebase.reports.urls")),
    path("", include("securebase.content.urls")),
    path("", include("securebase.newsletter.urls")),
    path("", include("securebase.method.urls")),
    path("", include("securebase.studies.urls")),
    path("operators/", admin.site.urls),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
