"""Staff pages of self-assessments, under /assessments/."""

from django.urls import path

from jamlik.assessments.views import (
    actions,
    assignments,
    campaigns,
    evidence,
    responses,
    results,
    scores,
    signoff,
)

app_name = "assessments"

urlpatterns = [
    path("", campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/invite/", campaigns.campaign_invite, name="campaign_invite"),
    path("campaigns/<int:pk>/remind/", campaigns.campaign_remind, name="campaign_remind"),
    path("campaigns/<int:pk>/results/", results.campaign_results, name="campaign_results"),
    path("campaigns/<int:pk>/export.xlsx", results.campaign_export_xlsx, name="campaign_xlsx"),
    path(
        "campaigns/<int:pk>/exports/xlsx/",
        results.campaign_export_xlsx_job,
        name="campaign_xlsx_job",
    ),
    path("campaigns/<int:pk>/report.pdf", results.campaign_report, name="campaign_report"),
    path(
        "campaigns/<int:pk>/exports/report/",
        results.campaign_report_job,
        name="campaign_report_job",
    ),
    path("responses/<int:pk>/", responses.response_form, name="response_form"),
    path("responses/<int:pk>/save/", responses.response_save, name="response_save"),
    path("responses/<int:pk>/submit/", responses.response_submit, name="response_submit"),
    path("responses/<int:pk>/reopen/", responses.response_reopen, name="response_reopen"),
    path("responses/<int:pk>/signoff/", signoff.response_sign_off_view, name="response_signoff"),
    path(
        "responses/<int:pk>/respondents/",
        responses.response_respondents,
        name="response_respondents",
    ),
    path(
        "responses/<int:pk>/versions/<int:number>/",
        responses.response_version,
        name="response_version",
    ),
    path(
        "responses/<int:pk>/evidence/<str:key>/",
        evidence.response_evidence,
        name="response_evidence",
    ),
    path(
        "responses/<int:pk>/evidence/<str:key>/<int:file>/",
        evidence.response_evidence_file,
        name="response_evidence_file",
    ),
    path(
        "responses/<int:pk>/assignments/",
        assignments.response_assign,
        name="response_assignments",
    ),
    path(
        "responses/<int:pk>/assignments/<int:assignment>/withdraw/",
        assignments.response_withdraw,
        name="response_assignment_withdraw",
    ),
    path(
        "responses/<int:pk>/assignments/<int:assignment>/resend/",
        assignments.response_resend,
        name="response_assignment_resend",
    ),
    path("actions/", actions.action_list, name="actions"),
    path("actions/new/", actions.action_create, name="action_create"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action_edit"),
    path("campaigns/<int:pk>/scores.csv", scores.campaign_scores_csv, name="campaign_scores_csv"),
    path(
        "campaigns/<int:pk>/scores.json", scores.campaign_scores_json, name="campaign_scores_json"
    ),
]
