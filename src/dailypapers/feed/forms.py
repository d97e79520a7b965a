"""Forms for the community pages; each error says what to do about it."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from dailypapers.feed.models import Collection, Curation
from dailypapers.lib.arxiv.ids import InvalidArxivId, split_id
from dailypapers.papers.queries import current_feed_day

MAX_COMMENT_CHARS = 10_000


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        strip=True,
        help_text="Markdown: *emphasis*, **bold**, `code`, > quotes, lists and links.",
        error_messages={"required": "Write something before posting."},
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        # Checked here rather than with max_length so the message can give both numbers
        # in a readable form, and the textarea gets no maxlength that would truncate silently.
        if len(body) > MAX_COMMENT_CHARS:
            raise ValidationError(
                f"Comments can be at most {MAX_COMMENT_CHARS:,} characters long; "
                f"this one has {len(body):,}. Shorten it, or link to a longer text."
            )
        return body


class FlagForm(forms.Form):
    reason = forms.CharField(max_length=200, required=False, strip=True)


class CollectionForm(forms.ModelForm):
    class Meta:
        model = Collection
        fields = ["name", "description", "is_public"]
        labels = {"is_public": "Public (anyone with the link can see it)"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"name": {"required": "Give the collection a name."}}

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("Give the collection a name.")
        return name


class SubmitForm(forms.Form):
    arxiv_id = forms.CharField(
        label="arXiv id or URL",
        max_length=200,
        strip=True,
        help_text="For example 2501.01234, 2501.01234v2, hep-th/9901001 or https://arxiv.org/abs/…",
        error_messages={"required": "Enter an arXiv id or the link to a paper on arxiv.org."},
    )

    def clean_arxiv_id(self) -> str:
        raw = self.cleaned_data["arxiv_id"]
        try:
            bare_id, _version = split_id(raw)
        except InvalidArxivId:
            raise ValidationError(
                f"“{raw[:80]}” is not an arXiv id or arXiv link. Ids look like 2501.01234 "
                "or hep-th/9901001; links like https://arxiv.org/abs/2501.01234."
            ) from None
        return bare_id  # the feed shows the paper, not a version of it


class CurationForm(forms.Form):
    CLEAR = "clear"
    day = forms.DateField(required=False)
    state = forms.ChoiceField(
        choices=[(Curation.FEATURED, "Feature"), (Curation.HIDDEN, "Hide"), (CLEAR, "Clear")]
    )
    note = forms.CharField(max_length=200, required=False, strip=True)

    def clean_day(self) -> date:
        return self.cleaned_data.get("day") or current_feed_day()
