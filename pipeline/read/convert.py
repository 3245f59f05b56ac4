"""Text out of the other formats a .docx or PDF can carry (altChunk content, attachments): HTML, MHT
(a MIME web archive), RTF (striprtf, with the code page the file declares) and plain text in UTF-8,
UTF-16 or GBK."""
from __future__ import annotations

import email
import email.policy
import re

from lxml import etree, html

BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre",
              "section", "article", "header", "footer", "dt", "dd", "title"}
CELL_TAGS = {"td", "th"}


def decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def html_lines(data: bytes | str) -> list[str]:
    """The text of an HTML page, one line per block element, table cells separated by tabs."""
    if not (data.strip() if isinstance(data, str) else data.strip()):
        return []
    try:
        parser = html.HTMLParser(no_network=True, remove_comments=True)
        root = html.document_fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return decode_text(data).splitlines() if isinstance(data, bytes) else data.splitlines()
    for bad in root.iter("script", "style", "head"):
        bad.text = ""
        for child in list(bad):
            bad.remove(child)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
        elif el.tag in CELL_TAGS:
            el.tail = "\t" + (el.tail or "")
    return [line.strip() for line in root.text_content().split("\n") if line.strip()]


def mht_lines(data: bytes) -> list[str]:
    """An MHT archive: the text of its first HTML (or plain text) part."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for want in ("text/html", "text/plain"):
        for part in message.walk():
            if part.get_content_type() != want:
                continue
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset:
                try:
                    payload = payload.decode(charset, errors="replace")
                except LookupError:
                    pass
            return html_lines(payload) if want == "text/html" else (
                payload if isinstance(payload, str) else decode_text(payload)).splitlines()
    return []


def rtf_lines(data: bytes) -> list[str]:
    from striprtf.striprtf import rtf_to_text

    m = re.search(rb"\\ansicpg(\d+)", data[:2048])
    encoding = f"cp{int(m[1])}" if m else "cp1252"
    try:
        "".encode(encoding)
    except LookupError:
        encoding = "cp1252"
    text = rtf_to_text(data.decode("latin-1"), encoding=encoding, errors="replace")
    return text.splitlines()
