"""One endpoint: ``POST /api/allocations/{id}/registrations``."""

from typing import Literal

from django.db import transaction
from django.db.models import F
from django.urls import path
from ninja import NinjaAPI, Schema
from pydantic import Field

from minimal.models import Allocation, Event, Registration

api = NinjaAPI(title="minimal", urls_namespace="minimal")


class RegistrationIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    category: Literal["employee", "elected", "partner"]
    consent: Literal[True]
    sessions: list[int] = []


class RegistrationOut(Schema):
    id: int
    status: str


@api.post("/allocations/{allocation_id}/registrations", response={201: RegistrationOut})
def register(request, allocation_id: int, payload: RegistrationIn):
    # Which event (as the product finds the event from the link), then the seat decision:
    # lock the event's counter row, check capacity and the group's quota, count, insert.
    event_id = Allocation.objects.filter(pk=allocation_id).values_list("event_id", flat=True)[0]
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event_id)
        quota, taken = Allocation.objects.filter(pk=allocation_id).values_list("quota", "taken")[0]
        seated = event.taken < event.capacity and taken < quota
        if seated:
            Event.objects.filter(pk=event.pk).update(taken=F("taken") + 1)
            Allocation.objects.filter(pk=allocation_id).update(taken=F("taken") + 1)
        registration = Registration.objects.create(
            allocation_id=allocation_id,
            name=payload.name,
            email=payload.email,
            category=payload.category,
            status=Registration.CONFIRMED if seated else Registration.WAITING,
        )
    return 201, registration


urlpatterns = [path("api/", api.urls)]
