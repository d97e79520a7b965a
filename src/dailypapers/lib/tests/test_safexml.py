"""parse_xml refuses hostile and broken XML with SourceError, and parses ordinary XML."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.lib.arxiv.atom import parse_api_feed
from dailypapers.lib.arxiv.oaipmh import parse_list_records
from dailypapers.lib.arxiv.rss import parse_listing_feed
from dailypapers.lib.arxiv.safexml import local_name, parse_xml, text_of
from dailypapers.lib.records import SourceError

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol9;</title></feed>
"""

XXE_FILE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE feed [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&xxe;</title></entry></feed>
"""

XXE_PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE data [
 <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">
 %remote;
]>
<data>&send;</data>
"""

EXTERNAL_DTD_ONLY = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "file:///etc/passwd">
<rss version="2.0"><channel/></rss>
"""

HOSTILE = [BILLION_LAUGHS, XXE_FILE, XXE_PARAMETER_ENTITY, EXTERNAL_DTD_ONLY]


def test_ordinary_xml_parses_with_namespaces_and_text() -> None:
    root = parse_xml(b'<a xmlns="urn:x"><b> hello <i>big</i> world </b></a>')
    assert local_name(root.tag) == "a"
    assert text_of(root.find("{urn:x}b")) == "hello big world"
    assert text_of(None) == ""


def test_billion_laughs_is_refused_before_any_expansion() -> None:
    with pytest.raises(SourceError, match=r"refused XML: .*DTD"):
        parse_xml(BILLION_LAUGHS)


def test_external_entity_to_a_local_file_is_refused_and_never_read() -> None:
    with pytest.raises(SourceError) as caught:
        parse_xml(XXE_FILE)
    message = str(caught.value)
    assert message.startswith("refused XML:")
    assert "root:" not in message  # no line of /etc/passwd leaked into the error


def test_parameter_entity_document_is_refused() -> None:
    with pytest.raises(SourceError, match="refused XML"):
        parse_xml(XXE_PARAMETER_ENTITY)


def test_a_doctype_pointing_at_an_external_dtd_is_refused() -> None:
    with pytest.raises(SourceError, match="refused XML"):
        parse_xml(EXTERNAL_DTD_ONLY)


@pytest.mark.parametrize("document", HOSTILE)
@pytest.mark.parametrize("parse", [parse_api_feed, parse_list_records, parse_listing_feed])
def test_every_format_parser_refuses_hostile_documents(parse, document: bytes) -> None:
    with pytest.raises(SourceError, match="refused XML"):
        parse(document)


def test_truncated_xml_reports_the_parser_position() -> None:
    with pytest.raises(SourceError, match=r"malformed XML: .*line 2, column \d+"):
        parse_xml(b'<feed xmlns="http://www.w3.org/2005/Atom">\n<entry><title>cut he')


def test_undeclared_entity_is_malformed_not_expanded() -> None:
    with pytest.raises(SourceError, match="malformed XML: undefined entity"):
        parse_xml(b"<a>&nbsp;</a>")


def test_empty_input_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="empty document"):
        parse_xml(b"")


def test_input_over_the_size_limit_is_refused_with_its_size() -> None:
    with pytest.raises(SourceError, match=r"2,048 bytes is larger than the 1,000 limit"):
        parse_xml(b"<a>" + b"x" * 2041 + b"</a>", max_bytes=1000)


def test_input_at_the_size_limit_is_accepted() -> None:
    assert parse_xml(b"<a/>", max_bytes=4).tag == "a"


def test_unknown_encoding_declaration_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="malformed XML"):
        parse_xml(b'<?xml version="1.0" encoding="x-no-such-codec"?><a/>')


def test_text_instead_of_bytes_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        parse_xml("<a/>")  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_either_parse_or_raise_source_error(data: bytes) -> None:
    with contextlib.suppress(SourceError):
        parse_xml(data)
