"""The form members fill in to create a topic: a name, a query and categories."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from dailypapers.feed.topics import TopicError, clean_categories, clean_query
from dailypapers.lib.query import MAX_QUERY_CHARS

_SEPARATORS = re.compile(r"[\s,;]+")


class TopicForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the topic is about, e.g. Graph learning."
    )
    query = forms.CharField(
        max_length=MAX_QUERY_CHARS,
        required=False,
        help_text=(
            'Search words, as in the search box: "quoted phrases", author:Name, cat:cs.LG, '
            "-left-out. Leave empty for whole categories."
        ),
    )
    categories = forms.CharField(
        max_length=400,
        required=False,
        help_text="arXiv categories, separated by spaces: a paper in any of them counts.",
    )
    description = forms.CharField(
        max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the topic a name.")
        return name

    def clean_query(self) -> str:
        try:
            return clean_query(self.cleaned_data.get("query", ""))
        except TopicError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_categories(self) -> list[str]:
        text = self.cleaned_data.get("categories", "")
        try:
            return clean_categories(part for part in _SEPARATORS.split(text) if part)
        except TopicError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("query") and not cleaned.get("categories"):
            raise forms.ValidationError("A topic needs a query, categories, or both.")
        return cleaned
