"""Hardened XML parsing for everything fetched from arXiv.

Every XML parser in this package goes through ``parse_xml``. It uses defusedxml and
refuses any document type declaration outright: arXiv's Atom, OAI-PMH and RSS responses
never carry one, and a DTD is the only way to declare the entities behind
billion-laughs expansion and external-entity (XXE) file reads. Size is checked before
parsing so a hostile or runaway response cannot make us build a huge tree.

All failures surface as ``SourceError`` with a message a person can act on; callers never
see expat or defusedxml exception types.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml import ElementTree as DefusedET

from dailypapers.lib.records import SourceError

DEFAULT_MAX_BYTES = 50_000_000


def parse_xml(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ET.Element:
    """Parse ``data`` into an element tree, refusing DTDs, entities and oversized input.

    Raises SourceError for: input larger than ``max_bytes``; any DTD, entity declaration
    or external reference ("refused XML: …"); malformed XML (expat's message, which names
    the line and column).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        # A str would skip the encoding declaration handling; callers pass raw bytes.
        raise TypeError(f"parse_xml expects bytes, got {type(data).__name__}")
    size = len(data)
    if size > max_bytes:
        raise SourceError(f"refused XML: {size:,} bytes is larger than the {max_bytes:,} limit")
    if size == 0:
        raise SourceError("malformed XML: empty document")
    try:
        return DefusedET.fromstring(
            bytes(data), forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DTDForbidden as exc:
        raise SourceError(
            "refused XML: document type declarations (DTD) are not accepted, "
            f"they enable entity expansion and external entity attacks (DOCTYPE {exc.name!r})"
        ) from None
    except EntitiesForbidden as exc:
        raise SourceError(f"refused XML: entity declaration {exc.name!r} is not allowed") from None
    except ExternalReferenceForbidden as exc:
        raise SourceError(
            f"refused XML: external reference to {exc.sysid!r} is not allowed"
        ) from None
    except DefusedXmlException as exc:
        raise SourceError(f"refused XML: {exc}") from None
    except ET.ParseError as exc:
        # expat's message already reads "not well-formed (invalid token): line 3, column 7".
        raise SourceError(f"malformed XML: {exc}") from None
    except (ValueError, LookupError, UnicodeError) as exc:
        # Odd encoding declarations can surface as codec errors rather than ParseError.
        raise SourceError(f"malformed XML: {exc}") from None


def local_name(tag: str) -> str:
    """The tag without its ``{namespace}`` prefix."""
    return tag.rsplit("}", 1)[-1]


def text_of(element: ET.Element | None) -> str:
    """All text inside ``element`` (children included), stripped; "" when absent."""
    if element is None:
        return ""
    return "".join(element.itertext()).strip()
