"""The 公开稿: a copy of a draft with ID, mobile and bank numbers masked. For a .docx every other
character, run and table stays as it was: masking replaces characters one for one inside the w:t
nodes, so a number split across runs is masked too. A .pdf has no editable layout: its text is
written into a plain .docx with the same masking. The copy is re-read and must show no PII."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

from lxml import etree

from .inbox import temp_beside
from .errors import RenderError
from .rules import Rules
from .rules.engine import mask, mask_pii, pii_spans

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PARTS_PREFIX = ("word/document.xml", "word/header", "word/footer", "word/footnotes.xml", "word/endnotes.xml",
                 "word/comments", "word/glossary/document.xml")
PROPERTY_PARTS = ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml")


def redact_copy(original: Path, out: Path, rules: Rules) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_beside(out)
    try:
        if original.suffix.lower() == ".pdf":
            _pdf_to_redacted_docx(original, tmp, rules)
        else:
            _redact_docx(original, tmp, rules)
        _verify(tmp, rules)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out


def _redact_docx(src: Path, dst: Path, rules: Rules) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith(PARTS_PREFIX) and info.filename.endswith(".xml"):
                data = _redact_part(data, rules)
            elif info.filename in PROPERTY_PARTS:
                data = _redact_properties(data, rules)
            zout.writestr(info, data)


def _redact_part(xml: bytes, rules: Rules) -> bytes:
    root = etree.fromstring(xml)
    for p in root.iter(W + "p"):
        nodes = [t for t in p.iter(W + "t") if _own_paragraph(t, p)]
        text = "".join(t.text or "" for t in nodes)
        spans = pii_spans(text, rules)
        if spans:
            _apply(nodes, text, spans)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _redact_properties(xml: bytes, rules: Rules) -> bytes:
    """Title, subject, keywords, comments … of the document properties: plain element text."""
    root = etree.fromstring(xml)
    for el in root.iter():
        if isinstance(el.tag, str) and el.text:
            el.text = mask_pii(el.text, rules)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _own_paragraph(node: etree._Element, p: etree._Element) -> bool:
    parent = node.getparent()
    while parent is not None and parent.tag != W + "p":
        parent = parent.getparent()
    return parent is p


def _apply(nodes: list, text: str, spans: list[tuple[str, int, int]]) -> None:
    chars = list(text)
    for _, s, e in spans:
        chars[s:e] = list(mask(text[s:e]))
    pos = 0
    for t in nodes:
        n = len(t.text or "")
        t.text = "".join(chars[pos:pos + n])
        pos += n


def _pdf_to_redacted_docx(src: Path, dst: Path, rules: Rules) -> None:
    import docx

    from .read import read_draft

    draft = read_draft(src, rules.limits)  # usually still cached from the check a moment ago
    document = docx.Document()
    for block in draft.blocks:
        document.add_paragraph(mask_pii(block.text, rules))
    document.core_properties.title = f"{src.stem}（公开稿）"
    document.save(str(dst))


def _verify(path: Path, rules: Rules) -> None:
    from .read.docx import read_docx

    blocks, title = read_docx(path)
    left = [b.location for b in blocks if pii_spans(b.text, rules)]
    if title and pii_spans(title, rules):
        left.append("文档属性")
    if left:
        raise RenderError(f"公开稿中仍有个人信息（{'、'.join(left)}），未生成；请人工脱敏。")
