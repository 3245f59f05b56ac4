"""Read an OFD (GB/T 33190) into located blocks: the ofd:TextCode of every page (and of the page's
template), in reading order, rejoined into paragraphs like a PDF page; the title from OFD.xml's DocInfo;
electronic signatures and seals (Signatures.xml) noted for the report.

A small reader over safezip (zipfile) + lxml: the PyPI OFD packages (easyofd, ofdparser …) are
unmaintained, pull in heavy rendering stacks, or fail on valid files from common producers, and only the
text is needed. Every part is inflated under the package's caps by SafeZip; DOCTYPEs are refused.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import InputError
from ..model import Block, Draft
from .pdf import _is_red, _Line, _paragraphs
from .safezip import SafeZip

NS = "{http://www.ofdspec.org/2016}"
MM_TO_PT = 72 / 25.4
WHAT = "OFD 文件"


@dataclass(frozen=True)
class _Glyphs:
    text: str
    x0: float
    x1: float
    y: float
    size: float
    red: bool


def read_ofd(path: Path, digest: str, limits) -> Draft:
    try:
        with SafeZip(path, limits, what=WHAT) as z:
            return _read(z, path, digest, limits)
    except (KeyError, ValueError) as e:
        raise InputError("OFD 文件已损坏或结构不完整，无法读取；请重新导出 OFD，或放入同一文件的 PDF/.docx 版本。",
                         "CORRUPT") from e


def _read(z: SafeZip, path: Path, digest: str, limits) -> Draft:
    root = _xml(z, "OFD.xml")
    body = root.find(f"{NS}DocBody")
    if body is None:
        raise ValueError("no DocBody")
    title = (body.findtext(f"{NS}DocInfo/{NS}Title") or "").strip() or None
    doc_path = _norm("", body.findtext(f"{NS}DocRoot") or "")
    doc = _xml(z, doc_path)
    base = posixpath.dirname(doc_path)
    templates = {t.get("ID"): _norm(base, t.get("BaseLoc", ""))
                 for t in doc.iter(f"{NS}TemplatePage")}
    pages = doc.findall(f"{NS}Pages/{NS}Page")
    if len(pages) > limits.max_pages:
        raise InputError(f"OFD 页数过多（{len(pages)} 页，上限 {limits.max_pages} 页）；请拆分后再放入。", "TOO_LARGE")
    blocks: list[Block] = []
    for number, page in enumerate(pages, start=1):
        content_path = _norm(base, page.get("BaseLoc", ""))
        content = _xml(z, content_path)
        glyphs = _glyphs(content)
        for tpl in content.iter(f"{NS}Template"):
            if tpl.get("TemplateID") in templates:
                glyphs += _glyphs(_xml(z, templates[tpl.get("TemplateID")]))
        blocks += _page_blocks(glyphs, number, _page_width(content, doc))
    notes = _signatures(z, body, doc_path)
    reason = None if any(b.text.strip() for b in blocks) else \
        "OFD 没有文字（可能是扫描件或图片），无法检查内容"
    return Draft(str(path), "ofd", digest, tuple(blocks), len(pages), title, reason, notes=notes)


def _xml(z: SafeZip, name: str) -> etree._Element:
    return z.xml(name)


def _norm(base: str, loc: str) -> str:
    """A BaseLoc is absolute from the package root (/Doc_0/…) or relative to the referring part's folder."""
    loc = loc.strip()
    joined = loc.lstrip("/") if loc.startswith("/") else posixpath.join(base, loc)
    norm = posixpath.normpath(joined)
    if norm.startswith(".."):
        raise ValueError(f"part outside the package: {loc}")
    return norm


def _numbers(text: str | None) -> list[float]:
    return [float(v) for v in (text or "").split() if _is_number(v)]


def _is_number(v: str) -> bool:
    try:
        float(v)
        return True
    except ValueError:
        return False


def _deltas(text: str | None) -> list[float]:
    """DeltaX/DeltaY: numbers, where `g N v` stands for N times v."""
    out: list[float] = []
    parts = (text or "").split()
    i = 0
    while i < len(parts):
        if parts[i] == "g" and i + 2 < len(parts):
            out += [float(parts[i + 2])] * int(float(parts[i + 1]))
            i += 3
        else:
            out.append(float(parts[i]) if _is_number(parts[i]) else 0.0)
            i += 1
    return out


def _glyphs(content: etree._Element) -> list[_Glyphs]:
    out = []
    for obj in content.iter(f"{NS}TextObject"):
        box = _numbers(obj.get("Boundary")) or [0, 0, 0, 0]
        size = float(obj.get("Size") or 3.5)
        fill = obj.find(f"{NS}FillColor")
        rgb = _numbers(fill.get("Value")) if fill is not None else []
        red = len(rgb) == 3 and _is_red(tuple(v / 255 for v in rgb))
        for code in obj.iter(f"{NS}TextCode"):
            text = code.text or ""
            if not text.strip():
                continue
            x = box[0] + float(code.get("X") or 0)
            y = box[1] + float(code.get("Y") or 0)
            width = sum(_deltas(code.get("DeltaX"))[: max(0, len(text) - 1)]) + size
            out.append(_Glyphs(text, x * MM_TO_PT, (x + width) * MM_TO_PT, y * MM_TO_PT, size * MM_TO_PT, red))
    return out


def _page_width(content: etree._Element, doc: etree._Element) -> float:
    for area in (content.find(f"{NS}Area/{NS}PhysicalBox"), doc.find(f"{NS}CommonData/{NS}PageArea/{NS}PhysicalBox")):
        box = _numbers(area.text) if area is not None else []
        if len(box) == 4:
            return box[2] * MM_TO_PT
    return 210 * MM_TO_PT


def _page_blocks(glyphs: list[_Glyphs], number: int, width: float) -> list[Block]:
    """Glyph runs on one baseline (within a third of the text size) make a line; lines top to bottom."""
    lines: list[list[_Glyphs]] = []
    for g in sorted(glyphs, key=lambda g: (g.y, g.x0)):
        if lines and abs(lines[-1][0].y - g.y) <= max(lines[-1][0].size, g.size) / 3:
            lines[-1].append(g)
        else:
            lines.append([g])
    joined = []
    for line in lines:
        line.sort(key=lambda g: g.x0)
        text = re.sub(r"\s+", " ", _join_runs(line)).strip()
        joined.append(_Line(text, line[0].x0, max(g.x1 for g in line), round(line[0].size, 1), line[0].red))
    return [Block(p.text, f"第{number}页", "page", size=p.size, red=p.red) for p in _paragraphs(joined, width)]


def _join_runs(line: list[_Glyphs]) -> str:
    """The runs of one line, left to right; a run that starts more than a character's width after the last
    one ended is another cell or column (a table drawn as text objects: 数量 1, 单价 4197.17 …), kept apart
    by a space, so that a number never runs into its neighbour's digits."""
    out = [line[0].text]
    for prev, g in zip(line, line[1:]):
        out.append((" " if g.x0 - prev.x1 > max(prev.size, g.size) else "") + g.text)
    return "".join(out)


def _signatures(z: SafeZip, body: etree._Element, doc_path: str) -> tuple[str, ...]:
    """One note per electronic signature or seal: its type, provider and the page its stamp is on."""
    loc = body.findtext(f"{NS}Signatures")
    if not loc:
        return ()
    sigs_path = _norm("", loc)
    if not z.has(sigs_path):
        return ("OFD 声明有电子签章，但签章文件缺失",)
    sigs = _xml(z, sigs_path)
    notes = []
    for sig in sigs.iter(f"{NS}Signature"):
        kind = "电子印章" if (sig.get("Type") or "Seal") == "Seal" else "电子签名"
        detail = []
        try:
            one = _xml(z, _norm(posixpath.dirname(sigs_path), sig.get("BaseLoc", "")))
            provider = one.find(f".//{NS}Provider")
            if provider is not None and provider.get("ProviderName"):
                detail.append(f"签章系统：{provider.get('ProviderName')}")
            pages = sorted({a.get("PageRef") for a in one.iter(f"{NS}StampAnnot") if a.get("PageRef")})
            if pages:
                detail.append("位于页面 ID " + "、".join(pages))
        except (InputError, ValueError):
            detail.append("签章文件无法读取")
        notes.append(f"含{kind}" + (f"（{'；'.join(detail)}）" if detail else "") + "，签章真伪须在 OFD 阅读器中核验")
    return tuple(notes)
