"""The public short addresses that e-mails and pages carry (docs/api.md#public-token-endpoints: the token is the last path
segment): /r/<token>, /m/<token>, /a/<token>, /e/<event id>; and /mina-anmalningar/, the signed-in
employee's own registrations."""

from django.urls import path

from jamlik.events.views import invitation_public, public, public_evaluation
from jamlik.events.views.staff import privacy as staff_privacy

app_name = "events_public"

urlpatterns = [
    path("r/<str:token>", public.organisation_link, name="link"),
    path("e/<int:pk>", public.event_page, name="event"),
    path("e/<int:pk>/lost-link", public.lost_link, name="lost_link"),
    path("m/<str:token>", public.manage, name="manage"),
    path("m/<str:token>/confirmation", public.confirmation, name="confirmation"),
    path("m/<str:token>/cancel", public.manage_cancel, name="cancel"),
    path("m/<str:token>/claim", public.manage_claim, name="claim"),
    path("m/<str:token>/transfer", public.manage_transfer, name="transfer"),
    path("m/<str:token>/protected", staff_privacy.manage_protected, name="protected"),
    path("m/<str:token>/calendar.ics", public.manage_calendar, name="calendar"),
    path("m/<str:token>/certificate.pdf", public_evaluation.certificate, name="certificate"),
    path("u/<str:token>", public_evaluation.evaluation, name="evaluation"),
    path("a/<str:token>", public.approval, name="approval"),
    path("mina-anmalningar/", public.my_registrations, name="my_registrations"),
    # A named invitation (its token is the credential, bound to the invited address).
    path("i/<str:token>", invitation_public.invitation, name="invitation"),
    path("i/<str:token>/decline", invitation_public.invitation_decline, name="invitation_decline"),
]
