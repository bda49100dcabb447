from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from jamlik.api import api
from jamlik.core import views as core_views
from jamlik.core.health import readyz
from jamlik.core.metrics import metrics_view

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("organisations/", include("jamlik.orgs.urls")),
    path("events/", include("jamlik.events.urls")),
    path("", include("jamlik.events.public_urls")),
    path("assessments/", include("jamlik.assessments.urls")),
    path("", include("jamlik.assessments.public_urls")),
    path("reviews/", include("jamlik.reviews.urls")),
    # The directory connection: SCIM 2.0 for Entra ID, and the administrators' page.
    path("scim/v2/", include("jamlik.identity.scim.urls")),
    path("", include("jamlik.identity.urls")),
    path("", include("jamlik.core.urls")),
]

handler404 = "jamlik.core.views.error_404"
handler500 = "jamlik.core.views.error_500"
