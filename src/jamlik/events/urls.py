"""Organiser pages under /events/ (login required)."""

from django.urls import path

from jamlik.events.views import staff
from jamlik.events.views.staff import evaluation as staff_evaluation
from jamlik.events.views.staff import privacy as staff_privacy

app_name = "events"

urlpatterns = [
    path("", staff.event_list, name="list"),
    path("new/", staff.event_create, name="create"),
    path("<int:pk>/", staff.dashboard, name="dashboard"),
    path("<int:pk>/edit/", staff.event_edit, name="edit"),
    path("<int:pk>/allocations/new/", staff.allocation_form, name="allocation_create"),
    path("<int:pk>/allocations/<int:aid>/edit/", staff.allocation_form, name="allocation_edit"),
    path(
        "<int:pk>/allocations/<int:aid>/delete/", staff.allocation_delete, name="allocation_delete"
    ),
    path("<int:pk>/sessions/new/", staff.session_form, name="session_create"),
    path("<int:pk>/sessions/<int:sid>/edit/", staff.session_form, name="session_edit"),
    path("<int:pk>/sessions/<int:sid>/delete/", staff.session_delete, name="session_delete"),
    path("<int:pk>/links/", staff.link_list, name="links"),
    path("<int:pk>/links/send/", staff.links_send, name="links_send"),
    path("<int:pk>/links/<int:oid>/regenerate/", staff.link_regenerate, name="link_regenerate"),
    path("<int:pk>/links/<int:oid>/new/", staff.link_create, name="link_create"),
    path("<int:pk>/links/<int:oid>/revoke/", staff.link_revoke, name="link_revoke"),
    path(
        "<int:pk>/registrations/<int:rid>/",
        staff.registration_detail,
        name="registration_detail",
    ),
    path(
        "<int:pk>/registrations/<int:rid>/sessions/",
        staff.registration_sessions,
        name="registration_sessions",
    ),
    path(
        "<int:pk>/registrations/<int:rid>/cancel/",
        staff.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "<int:pk>/registrations/<int:rid>/check-in/",
        staff.registration_check_in,
        name="registration_check_in",
    ),
    path(
        "<int:pk>/registrations/<int:rid>/check-in/undo/",
        staff.registration_check_in_undo,
        name="registration_check_in_undo",
    ),
    path(
        "<int:pk>/registrations/<int:rid>/resend-link/",
        staff.registration_resend_link,
        name="registration_resend_link",
    ),
    path(
        "<int:pk>/registrations/<int:rid>/erase/",
        staff.registration_erase,
        name="registration_erase",
    ),
    path("<int:pk>/export.csv", staff.export_csv, name="export_csv"),
    path("<int:pk>/export.xlsx", staff.export_xlsx, name="export_xlsx"),
    path("<int:pk>/badges.pdf", staff.badges_pdf, name="badges"),
    path("<int:pk>/exports/badges/", staff.badges_job, name="badges_job"),
    path("<int:pk>/checkin/", staff.checkin, name="checkin"),
    path("<int:pk>/checkin/scan/", staff.checkin_scan, name="checkin_scan"),
    path("<int:pk>/checkin/<int:rid>/", staff.checkin_do, name="checkin_do"),
    path("<int:pk>/checkin/<int:rid>/undo/", staff.checkin_undo, name="checkin_undo"),
    path("<int:pk>/statistics/", staff.statistics, name="statistics"),
    path("<int:pk>/message/", staff.message, name="message"),
    path("<int:pk>/radar/", staff.radar, name="radar"),
    # Privacy (views/staff/privacy.py): needs as counts, the protected mark, a person's data.
    path("<int:pk>/needs/", staff_privacy.needs, name="needs"),
    path(
        "<int:pk>/registrations/<int:rid>/protected/",
        staff_privacy.registration_protected,
        name="registration_protected",
    ),
    path("people/export/", staff_privacy.person_export, name="person_export"),
    # After the event: the evaluation and next year's allocation (views/staff/evaluation.py).
    path("<int:pk>/evaluation/", staff_evaluation.evaluation, name="evaluation"),
    path("<int:pk>/evaluation/send/", staff_evaluation.evaluation_send, name="evaluation_send"),
    path(
        "<int:pk>/allocation-proposal/",
        staff_evaluation.allocation_proposal,
        name="allocation_proposal",
    ),
    # A coordinator registers other people (one by one, or a list).
    path("<int:pk>/register/", staff.register_person, name="register_person"),
    path("<int:pk>/register/import/", staff.register_import, name="register_import"),
    path("<int:pk>/register/template.csv", staff.register_template, name="register_template"),
    # Named invitations.
    path("<int:pk>/invitations/", staff.invitation_list, name="invitations"),
    path("<int:pk>/invitations/new/", staff.invitation_create, name="invitation_create"),
    path("<int:pk>/invitations/import/", staff.invitation_import, name="invitation_import"),
    path("<int:pk>/invitations/remind/", staff.invitations_remind, name="invitations_remind"),
]
