"""Tables every app relies on and none owns."""

from __future__ import annotations

from django.db import models


class ScheduledJob(models.Model):
    """When a recurring job runs next; schedulers claim a run with a conditional UPDATE."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Created by the papers app, where the model started; moved without touching the table.
        db_table = "papers_scheduledjob"

    def __str__(self) -> str:
        return self.name
