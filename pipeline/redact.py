"""The 公开稿: the copy of a draft that may leave the office.

A .docx is sanitised (sanitize.py: revisions accepted; comments, hidden text, custom properties,
customXml, glossary, altChunk, embedded objects removed; properties cleared but a masked title) and
every personal value masked character for character in place, so layout, runs and tables stay. A .pdf
has no editable layout: its text goes into a plain .docx, masked the same way.

Then the copy is RE-CHECKED with the checker itself (`recheck`): no PII finding, none of the removed
parts left, and no personal value in any part of the package. The outcome is returned, never hidden:
the caller records it in the ledger, and the workflow refuses outside publication of a copy that failed.
"""
from __future__ import annotations

import hashlib
import os
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .inbox import temp_beside
from .public import PII_CODES, PublicView
from .sanitize import residue, sanitize_docx


@dataclass(frozen=True)
class PublicCopy:
    path: Path
    removed: tuple[str, ...]  # what the sanitiser removed (Chinese), listed in the check report
    problems: tuple[str, ...]  # what the re-check found (Chinese); empty: passed

    @property
    def passed(self) -> bool:
        return not self.problems


def redact_copy(original: Path, out: Path, view: PublicView, title: str | None = None) -> PublicCopy:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_beside(out).with_suffix(".docx")
    try:
        if original.suffix.lower() in (".pdf", ".ofd"):  # no editable layout: the text, masked, in a .docx
            plain = tmp.with_suffix(".plain.docx")
            try:
                _pdf_to_docx(original, plain, view)
                removed = sanitize_docx(plain, tmp, view, title).removed
            finally:
                plain.unlink(missing_ok=True)
            removed = ("PDF 只保留文字（版式、图片、批注、附件和元数据未带入）", *removed)
        else:
            removed = sanitize_docx(original, tmp, view, title).removed
        problems = recheck(tmp, view)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return PublicCopy(out, removed, tuple(problems))


def _pdf_to_docx(src: Path, dst: Path, view: PublicView) -> None:
    import docx

    from .read import read_draft

    draft = read_draft(src, view.rules.limits)  # usually still cached from the check a moment ago
    document = docx.Document()
    for block in draft.blocks:
        document.add_paragraph(view.text(block.text))
    document.save(str(dst))


def recheck(path: Path, view: PublicView) -> list[str]:
    """Problems of a 公开稿, in Chinese (empty: it may be published): the checker's own PII findings,
    parts the sanitiser should have removed, and personal values anywhere in the package."""
    from .check import check_file

    problems: list[str] = []
    report = check_file(path, view.rules)
    if report.status != "ok":
        return [f"公开稿无法读取（{report.error.message if report.error else ''}）"]
    pii = [f for f in report.findings if f.code in PII_CODES]
    if pii:
        where = "、".join(dict.fromkeys(f.location for f in pii))
        problems.append(f"公开稿中仍有个人信息（{where}）")
    hidden = [f for f in report.findings if f.code in ("HIDDEN_PART", "UNCHECKED_PART")]
    if hidden:  # the readers see comments, revisions, hidden text, objects … the sanitiser should have removed
        problems.append(f"公开稿中仍有隐藏或未检查的内容（{'、'.join(f.location for f in hidden)}）")
    left = residue(path)
    if left:
        problems.append(f"公开稿中仍有应删除的内容（{'、'.join(left)}）")
    parts = package_pii(path, view)
    if parts:
        problems.append(f"公开稿的文件部件中仍有个人信息（{'、'.join(parts)}）")
    return problems


def package_pii(path: Path, view: PublicView) -> list[str]:
    """Zip parts of a file whose text or attribute values hold a personal value (any XML part, any
    other part read as UTF-8 text)."""
    hits = []
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if _part_has_pii(z.read(info), view):
                hits.append(info.filename)
    return hits


# Parts already scanned, by content: the office's copies share their template's styles, theme, fonts and
# numbering byte for byte (python-docx's own styles.xml alone is 350 KB and took most of a re-check).
# The key holds the rules object itself, so a verdict is never reused under other rules.
_SCANNED: OrderedDict[tuple[int, bytes], tuple[object, bool]] = OrderedDict()
_SCANNED_MAX = 256


def _part_has_pii(data: bytes, view: PublicView) -> bool:
    key = (id(view.rules), hashlib.sha256(data).digest())
    known = _SCANNED.get(key)
    if known is not None and known[0] is view.rules:
        _SCANNED.move_to_end(key)
        return known[1]
    found = view.has_pii(part_text(data))
    _SCANNED[key] = (view.rules, found)
    while len(_SCANNED) > _SCANNED_MAX:
        _SCANNED.popitem(last=False)
    return found


SEP = "\x00"  # between the pieces of one part: no PII pattern matches across it (not a digit, not \s)
_TEXTS = etree.XPath("//text()", smart_strings=False)
_ATTRS = etree.XPath("//@*", smart_strings=False)


def part_text(data: bytes) -> str:
    """The texts of one zip part as one string to scan, its pieces joined by SEP: the whole text, each
    XML paragraph (so a number split across runs is whole), every text node and every attribute value;
    or the decoded bytes of a non-XML part. One scan per part: the public copy of an ingest is checked
    this way, so the cost is one regex pass over the part, not one call per element."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, recover=False))
    except etree.XMLSyntaxError:
        return data.decode("utf-8", "ignore")
    pieces = ["".join(root.itertext())]
    pieces += ["".join(p.itertext()) for p in root.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p")]
    pieces += _TEXTS(root)
    pieces += _ATTRS(root)
    return SEP.join(pieces)
