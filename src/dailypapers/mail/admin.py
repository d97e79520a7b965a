from django.contrib import admin

from dailypapers.mail.models import QueuedEmail


@admin.register(QueuedEmail)
class QueuedEmailAdmin(admin.ModelAdmin):
    list_display = ["id", "builder", "object_id", "argument", "status", "attempts", "created_at"]
    list_filter = ["status", "builder"]
    readonly_fields = [field.name for field in QueuedEmail._meta.fields]
