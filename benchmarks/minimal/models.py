from django.db import models


class Event(models.Model):
    """The counter row every seat decision locks."""

    capacity = models.PositiveIntegerField()
    taken = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"event {self.pk}: {self.taken}/{self.capacity}"


class Allocation(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="allocations")
    quota = models.PositiveIntegerField()
    taken = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"allocation {self.pk}: {self.taken}/{self.quota}"


class Registration(models.Model):
    CONFIRMED = "confirmed"
    WAITING = "waiting"

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE)
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    category = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"registration {self.pk} ({self.status})"
