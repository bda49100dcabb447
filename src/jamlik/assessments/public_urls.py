"""The unit's respondent link (docs/api.md#public-token-endpoints: the token is the last path segment): /s/<token>."""

from django.urls import path

from jamlik.assessments.views import assignments, evidence, responses

app_name = "assessments_public"

urlpatterns = [
    path("s/<str:token>", responses.respondent_form, name="form"),
    path("s/<str:token>/save", responses.respondent_save, name="save"),
    path("s/<str:token>/submit", responses.respondent_submit, name="submit"),
    path("s/<str:token>/versions/<int:number>", responses.respondent_version, name="version"),
    # Evidence files of an answer: the list with the upload form, and one file's download.
    path("s/<str:token>/evidence/<str:key>", evidence.respondent_evidence, name="evidence"),
    path(
        "s/<str:token>/evidence/<str:key>/<int:file>",
        evidence.respondent_evidence_file,
        name="evidence_file",
    ),
    # Delegation inside a unit: the respondent hands out requirements; a colleague's own link.
    path("s/<str:token>/assignments", assignments.respondent_assign, name="assignments"),
    path(
        "s/<str:token>/assignments/<int:assignment>/withdraw",
        assignments.respondent_withdraw,
        name="assignment_withdraw",
    ),
    path(
        "s/<str:token>/assignments/<int:assignment>/resend",
        assignments.respondent_resend,
        name="assignment_resend",
    ),
    path("s/a/<str:token>", assignments.colleague_form, name="assignment"),
    path("s/a/<str:token>/save", assignments.colleague_save, name="assignment_save"),
]
