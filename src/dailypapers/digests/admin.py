from django.contrib import admin

from dailypapers.digests.models import Delivery, DigestRun, Subscriber


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "frequency", "content", "confirmed_at", "paused", "unsubscribed_at",
                    "bounced_at", "next_due_at")  # fmt: skip
    list_filter = ("frequency", "content", "paused")
    search_fields = ("email",)
    raw_id_fields = ("user",)


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    list_display = ("slot", "latest_day", "planned", "planning_done", "finished_at")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("subscriber", "run", "state", "attempts", "sent_at", "error")
    list_filter = ("state",)
    raw_id_fields = ("subscriber", "run")
