"""Subscribe and preferences forms. Categories are typed as text ("cs.LG cs.CL")."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from dailypapers.digests.models import Subscriber
from dailypapers.digests.schedule import time_zone_choices, valid_time_zone
from dailypapers.feed.models import Topic
from dailypapers.lib.query import canonical_category

MAX_CATEGORIES = 20
MAX_TOP_N = 50
WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"),
            (5, "Saturday"), (6, "Sunday")]  # fmt: skip


def topic_choices() -> list[tuple[int, str]]:
    """The topics people can follow, by name."""
    return list(Topic.objects.order_by("name").values_list("pk", "name")[:200])


def clean_categories(text: str) -> list[str]:
    """arXiv's spelling of each category typed ("cs.lg" is stored as "cs.LG", which is how
    papers list it), without repeats."""
    names = [part for part in re.split(r"[\s,]+", text.strip()) if part]
    if len(names) > MAX_CATEGORIES:
        raise ValidationError(f"Choose at most {MAX_CATEGORIES} categories.")
    canonical = {name: canonical_category(name) for name in names}
    bad = [name for name, category in canonical.items() if category is None]
    if bad:
        raise ValidationError(
            f"Not an arXiv category: {', '.join(bad[:3])}. Categories look like cs.LG or hep-th."
        )
    return list(dict.fromkeys(category for category in canonical.values() if category))


class _ChoicesMixin(forms.Form):
    content = forms.ChoiceField(choices=Subscriber.Content.choices, initial="trending")
    categories = forms.CharField(
        required=False,
        max_length=400,
        help_text="arXiv categories, e.g. cs.LG cs.CL (empty: all).",
    )
    topics = forms.TypedMultipleChoiceField(
        required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    top_n = forms.IntegerField(
        min_value=1, max_value=MAX_TOP_N, initial=10, label="Papers per email"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        topics = cast(forms.TypedMultipleChoiceField, self.fields["topics"])  # declared above
        topics.choices = topic_choices()
        if not topics.choices:
            del self.fields["topics"]

    def clean_categories(self) -> list[str]:
        return clean_categories(self.cleaned_data.get("categories", ""))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean() returns; its stub says "or None"
        if data.get("content") == Subscriber.Content.TOPICS and not (
            data.get("categories") or data.get("topics")
        ):
            self.add_error("categories", "Choose at least one topic or category.")
        return data


class SubscribeForm(_ChoicesMixin):
    field_order = ["email", "frequency", "content", "categories", "topics", "top_n"]
    email = forms.EmailField(max_length=254)
    frequency = forms.ChoiceField(choices=Subscriber.Frequency.choices, initial="daily")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class PreferencesForm(_ChoicesMixin):
    field_order = ["frequency", "send_hour", "time_zone", "weekday", "content", "categories",
                   "topics", "top_n", "paused"]  # fmt: skip
    frequency = forms.ChoiceField(choices=Subscriber.Frequency.choices)
    send_hour = forms.TypedChoiceField(
        choices=[(h, f"{h:02d}:00") for h in range(24)], coerce=int, label="Send at"
    )
    time_zone = forms.ChoiceField(label="Time zone")
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int, label="Day (weekly)")
    paused = forms.BooleanField(required=False, label="Pause (send nothing until unticked)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        time_zone = cast(forms.ChoiceField, self.fields["time_zone"])  # declared above
        time_zone.choices = [(z, z) for z in time_zone_choices()]

    def clean_time_zone(self) -> str:
        zone = self.cleaned_data["time_zone"]
        if not valid_time_zone(zone):
            raise ValidationError("Choose a time zone from the list.")
        return zone

    @classmethod
    def initial_for(cls, subscriber: Subscriber) -> dict[str, Any]:
        return {
            "frequency": subscriber.frequency,
            "send_hour": subscriber.send_hour,
            "time_zone": subscriber.time_zone,
            "weekday": subscriber.weekday,
            "content": subscriber.content,
            "categories": " ".join(subscriber.categories),
            "topics": subscriber.topic_ids,
            "top_n": subscriber.top_n,
            "paused": subscriber.paused,
        }
