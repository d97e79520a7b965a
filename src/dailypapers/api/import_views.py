"""The page that imports a BibTeX or CSL JSON file into a member's library (a collection)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from dailypapers.api.library_import import (
    DEFAULT_COLLECTION,
    IMPORT_WINDOW_SECONDS,
    MAX_FILE_BYTES,
    MAX_REFERENCES,
    import_library,
    may_import,
)
from dailypapers.core.ratelimit import too_many_requests
from dailypapers.lib.references import ImportFileError

if TYPE_CHECKING:
    # Only a type: see its docstring.
    from dailypapers.feed.http import AuthenticatedHttpRequest


class ImportForm(forms.Form):
    library = forms.FileField(
        label="BibTeX (.bib) or CSL JSON (.json) file",
        help_text="From Zotero: File → Export Library…, format “BibTeX” or “CSL JSON”.",
        error_messages={"required": "Choose the file to import."},
    )
    collection = forms.CharField(
        label="Save the papers found to the collection",
        max_length=100,
        initial=DEFAULT_COLLECTION,
        help_text="A private collection is created when you have none of this name.",
    )

    def clean_library(self) -> bytes:
        upload = self.cleaned_data["library"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is over {MAX_FILE_BYTES // (1024 * 1024)} MB; split it."
            )
        return upload


@login_required
@never_cache
def library_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "max_references": MAX_REFERENCES, "report": None}
    if request.method != "POST":
        return render(request, "api/library_import.html", context)
    if not form.is_valid():
        return render(request, "api/library_import.html", context, status=400)
    if not may_import(request.user):
        return too_many_requests(request, IMPORT_WINDOW_SECONDS, "imported a library")
    upload = form.cleaned_data["library"]
    try:
        report = import_library(
            request.user, upload.read(), upload.name or "", form.cleaned_data["collection"]
        )
    except ImportFileError as error:
        context["file_error"] = str(error)
        return render(request, "api/library_import.html", context, status=400)
    context["report"] = report
    return render(request, "api/library_import.html", context)
