from django.urls import path

from jamlik.reviews import views
from jamlik.reviews.views import documentation

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("new/", views.review_create, name="create"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/edit/", views.review_edit, name="edit"),
    path("<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("<int:pk>/milestones/<int:milestone_id>/", views.milestone_edit, name="milestone_edit"),
    path(
        "<int:pk>/milestones/<int:milestone_id>/done/",
        views.milestone_toggle,
        name="milestone_toggle",
    ),
    path("<int:pk>/report/", views.report_edit, name="report"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/report.docx", views.report_docx, name="report_docx"),
    path("<int:pk>/exports/report/", views.report_pdf_job, name="report_pdf_job"),
    path("<int:pk>/exports/report-docx/", views.report_docx_job, name="report_docx_job"),
    path("events/<int:event_id>/breakouts/", views.breakouts, name="breakouts"),
    path("events/<int:event_id>/breakouts/move/", views.breakout_move, name="breakout_move"),
    path("events/<int:event_id>/breakouts/print/", views.breakouts_print, name="breakouts_print"),
    path(
        "events/<int:event_id>/breakouts/<int:number>/notes/",
        views.breakout_notes,
        name="breakout_notes",
    ),
    path("examples/", views.example_list, name="examples"),
    path("examples/new/", views.example_create, name="example_create"),
    path("examples/<int:pk>/", views.example_detail, name="example"),
    path("examples/<int:pk>/edit/", views.example_edit, name="example_edit"),
    path("documentation/", documentation.documentation_overview, name="documentation"),
    path(
        "documentation/<int:organisation_id>/<int:year>/",
        documentation.documentation_edit,
        name="documentation_edit",
    ),
    path(
        "documentation/<int:organisation_id>/<int:year>/versions/<int:number>/",
        documentation.documentation_version,
        name="documentation_version",
    ),
    path(
        "documentation/<int:organisation_id>/<int:year>.pdf",
        documentation.documentation_pdf,
        name="documentation_pdf",
    ),
    path(
        "documentation/<int:organisation_id>/<int:year>.docx",
        documentation.documentation_docx,
        name="documentation_docx",
    ),
]
