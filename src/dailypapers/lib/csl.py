"""Read a CSL JSON file (Zotero's "CSL JSON" export) into references for importing a library.

The file is a JSON array of items. Zotero puts an arXiv preprint's id in ``number``
("arXiv:2501.01234"), its link in ``URL`` and often "arXiv:2501.01234 [cs]" in ``note``;
newer exports carry arXiv's DOI (10.48550/arXiv.2501.01234) in ``DOI``. Anything that is not
an array of objects stops the whole file with a message: an import reads every item or
changes nothing. Items without a title, id or DOI are kept, for the report to list.
"""

from __future__ import annotations

import json

from dailypapers.lib.references import ImportFileError, Reference, arxiv_id_from, clean_doi

__all__ = ["read_csl_references"]

# Where Zotero and other CSL exporters put an arXiv id or link, most trusted first.
ARXIV_FIELDS = ("number", "archive_location", "URL", "DOI", "note", "container-title")


def _text(item: dict[str, object], name: str) -> str:
    value = item.get(name)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return " ".join(value.split()) if isinstance(value, str) else ""


def _arxiv_id(item: dict[str, object]) -> str:
    for name in ARXIV_FIELDS:
        found = arxiv_id_from(_text(item, name))
        if found:
            return found
    return ""


def read_csl_references(text: str) -> list[Reference]:
    """The references of a CSL JSON file; ImportFileError when it cannot be read as one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"CSL JSON line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})."
        ) from None
    except RecursionError:
        # Arrays in arrays thousands deep: no CSL item nests more than a few levels.
        raise ImportFileError("CSL JSON nests arrays or objects too deeply to read.") from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise ImportFileError(f"CSL JSON holds a value that cannot be read ({exc}).") from None
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]  # some tools wrap the array in {"items": […]}
    if not isinstance(data, list):
        raise ImportFileError("CSL JSON must be an array of items ([{…}, {…}]).")
    if not data:
        raise ImportFileError("This CSL JSON file holds no items.")
    references = []
    for position, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ImportFileError(f"CSL JSON item {position} is not an object ({{…}}).")
        label = _text(item, "id") or _text(item, "citation-key") or f"item {position}"
        references.append(
            Reference(
                label=label,
                title=_text(item, "title"),
                arxiv_id=_arxiv_id(item),
                doi=clean_doi(_text(item, "DOI")),
            )
        )
    return references
