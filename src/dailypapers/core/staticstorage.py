"""The production static files storage, with each file's address remembered.

``{% static %}`` asks the manifest storage for a file's hashed address on every page (three
times in base.html), and each answer costs about a hundred calls (split, unquote, look up,
join). The manifest is read once when the process starts and never changes while it runs,
so neither does the answer: it is kept per name.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


class RememberedManifestStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return str(super().url(name, force))
        remembered: dict[str, str] = self.__dict__.setdefault("_remembered_urls", {})
        found = remembered.get(name)
        if found is None:
            found = remembered[name] = str(super().url(name))
        return found
