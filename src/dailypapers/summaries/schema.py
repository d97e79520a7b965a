"""The automatic summary's fields in our own API (/api/v1), for api/schemas.py to inherit."""

from __future__ import annotations

from ninja import Field, Schema

from dailypapers.papers.models import Paper
from dailypapers.summaries.read import shown


class AutoSummaryFields(Schema):
    ai_summary: str = Field(
        "", description="A one- or two-sentence summary made automatically from the abstract"
    )
    ai_keywords: list[str] = Field(
        default_factory=list, description="5 to 8 key phrases, made automatically"
    )

    @staticmethod
    def resolve_ai_summary(obj: Paper) -> str:
        return shown(obj).summary

    @staticmethod
    def resolve_ai_keywords(obj: Paper) -> list[str]:
        return shown(obj).keywords
