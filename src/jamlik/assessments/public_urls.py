"""The unit's respondent link (docs/api.md#public-token-endpoints: the token is the last path segment): /s/<token>."""

from django.urls import path

from jamlik.assessments.views import responses

app_name = "assessments_public"

urlpatterns = [
    path("s/<str:token>", responses.respondent_form, name="form"),
    path("s/<str:token>/save", responses.respondent_save, name="save"),
    path("s/<str:token>/submit", responses.respondent_submit, name="submit"),
    path("s/<str:token>/versions/<int:number>", responses.respondent_version, name="version"),
]
