"""Helpers for tests/test_documents.py: read the generated .docx / .xlsx back (python-docx, strict expat
parse, openpyxl) and build the drafts those tests feed through the pipeline. Nothing here reads
../shared and nothing is mocked: every draft is written into the test's tmp_path."""
from __future__ import annotations

import json
import re
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import docx

from fixtures import official_doc
from wf_helpers import db_rows

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REMNANT = re.compile(r"\{\{|\{%|%\}|\}\}")
CONTENT_PART = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")


# ----------------------------------------------------------------------------------------------- reading .docx
def docx_text(path: Path) -> str:
    """Everything a reader sees, through python-docx: body paragraphs, tables (nested too), headers, footers."""
    document = docx.Document(str(path))
    lines: list[str] = []

    def walk(container) -> None:
        for p in container.paragraphs:
            lines.append(p.text)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(document)
    for section in document.sections:
        walk(section.header)
        walk(section.footer)
    return "\n".join(lines)


def strict_parts(path: Path) -> dict[str, ET.Element]:
    """Every XML part of the package parsed by expat (no recovery); returns the content parts."""
    out = {}
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None, path
        names = z.namelist()
        assert "word/document.xml" in names, path
        for name in names:
            if name.endswith((".xml", ".rels")):
                root = ET.fromstring(z.read(name))  # raises on any XML error
                if CONTENT_PART.match(name):
                    out[name] = root
    return out


def paragraph_texts(path: Path) -> list[str]:
    """The text of every w:p of document.xml, headers and footers (tables included), from the raw XML."""
    texts = []
    for root in strict_parts(path).values():
        for p in root.iter(f"{W}p"):
            texts.append("".join(t.text or "" for t in p.iter(f"{W}t")))
    return texts


def remnants(path: Path, literal_values: tuple[str, ...] = ()) -> list[str]:
    """Paragraphs still showing a template tag once the values the test put in on purpose are taken out."""
    bad = []
    for text in paragraph_texts(path):
        rest = text
        for value in sorted(literal_values, key=len, reverse=True):
            rest = rest.replace(value, "")
        if REMNANT.search(rest):
            bad.append(text)
    return bad


def xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))}


def other_parts(path: Path) -> dict[str, bytes]:
    """The parts the redaction must not touch: styles, numbering, settings, theme, fonts, relationships …"""
    touched = re.compile(r"^(word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml|docProps/.*"
                         r"|customXml/.*|.*\.rels|\[Content_Types\]\.xml)$")  # customXml data is removed
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if not touched.match(n)}


# ----------------------------------------------------------------------------------------------- ledger
def publications(root: Path) -> list[tuple[str, str, str]]:
    """(item id, scope, date) of every publish event, in order."""
    out = []
    for item_id, data in db_rows(root, "SELECT item_id, data FROM events ORDER BY id"):
        d = json.loads(data) if data else {}
        if d.get("kind") == "publish":
            out.append((item_id, d["scope"], d["date"]))
    return out


def predisclosure_period(root: Path, item_id: str) -> dict:
    for (data,) in db_rows(root, "SELECT data FROM events WHERE item_id=? ORDER BY id", (item_id,)):
        d = json.loads(data) if data else {}
        if d.get("kind") == "predisclose":
            return d
    raise AssertionError(f"no predisclosure recorded for {item_id}")


def cn(iso: str) -> str:
    d = date.fromisoformat(iso[:10])
    return f"{d.year}年{d.month}月{d.day}日"


def this_quarter(today: date | None = None) -> tuple[str, date, date]:
    d = today or date.today()
    q = (d.month - 1) // 3 + 1
    start = date(d.year, 3 * q - 2, 1)
    end = date(d.year + (q == 4), (3 * q) % 12 + 1, 1)
    return f"{d.year}Q{q}", start, date.fromordinal(end.toordinal() - 1)


# ----------------------------------------------------------------------------------------------- drafts
def mask(number: str, head: int = 3, tail: int = 4) -> str:
    """The masked form the 公开稿 must show, computed here independently: the first `head` and last `tail`
    characters kept (mobile 3/4: 138****5678; ID 6/4: 510102********1233), separators kept in place."""
    total = sum(c.isalnum() for c in number)
    out, k = [], 0
    for c in number:
        if c.isalnum():
            out.append(c if k < head or k >= total - tail else "*")
            k += 1
        else:
            out.append(c)
    return "".join(out)


def pii_draft(path: Path, *, id_number: str, phone: str, spaced_phone: str, split_phone: str,
              prop_phone: str) -> Path:
    """A GB/T 9704 draft carrying personal data in every place a Word file can hide it: an ID number and a
    mobile in a body paragraph, a mobile written with spaces in a table cell, a mobile split over three
    runs (one of them bold) and a mobile in the document properties."""
    official_doc(
        path, docno="青科党〔2023〕33号", title="关于发放困难党员补助的通知",
        body=[f"补助对象：王五，身份证号 {id_number}，联系电话 {phone}。", "补助标准为每人两千元，由局机关工会统一发放。"],
        tables=[[["姓名", "联系电话", "备注"], ["王五", spaced_phone, "困难党员"]]],
        core_title=f"困难党员补助名单（联系电话{prop_phone}）",
    )
    document = docx.Document(str(path))
    anchor = next(p for p in document.paragraphs if p.text.startswith("补助标准"))
    p = anchor.insert_paragraph_before("经办人手机：")
    digits = split_phone
    p.add_run(digits[:3])
    p.add_run(digits[3:7]).bold = True
    p.add_run(digits[7:])
    p.add_run("（工作日联系）")
    document.save(str(path))
    return path
