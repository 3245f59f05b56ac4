"""Read a .docx into located blocks: body paragraphs and table rows in order, content controls and
text boxes included, then headers and footers."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from lxml import etree

from ..errors import InputError
from ..model import Block
from .docx_style import Look
from .limits import Limits
from .safezip import SafeZip

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TXBX = W + "txbxContent"
TEXTPATH = "{urn:schemas-microsoft-com:vml}textpath"  # WordArt, e.g. a 机密 / 内部资料 watermark
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


WP_EXTENT = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
VML_IMAGE = "{urn:schemas-microsoft-com:vml}imagedata"
BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
LOOK_PARAGRAPHS = 40
PAGE_PICTURE_EMU = 9 * 360000  # a picture at least 9 cm × 9 cm: a pasted scan, not a logo or a red banner line


@dataclass(frozen=True)
class DocxText:
    blocks: tuple[Block, ...]
    title: str | None  # core-properties title
    page_pictures: int  # pictures in the body large enough to be a scanned page


def read_docx(path: Path, limits: Limits | None = None) -> tuple[tuple[Block, ...], str | None]:
    """Return (blocks, core-properties title)."""
    text = read_docx_text(path, limits)
    return text.blocks, text.title


def read_docx_text(path: Path, limits: Limits | None = None) -> DocxText:
    import docx  # deferred: python-docx import costs ~100 ms and the CLI may not need it
    from docx.opc.exceptions import PackageNotFoundError

    # python-docx inflates every part in one call and trusts the sizes: it only sees the bytes once the
    # safe zip layer has inflated each part under the caps (the same bytes: nothing can change between)
    data = path.read_bytes()
    with SafeZip(data, limits or Limits()) as z:
        z.validate()
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError) as e:
        raise InputError(
            "Word 文件内容损坏，无法打开；请在 Word 中打开原稿，另存为新的 .docx 后重新放入。", "CORRUPT"
        ) from e
    counter = _Counter(Look(_styles_root(document)))
    blocks = list(_body_blocks(document.element.body, counter))
    blocks += list(_header_footer_blocks(document))
    title = (document.core_properties.title or "").strip() or None
    return DocxText(tuple(blocks), title, _page_pictures(document.element.body))


def _page_pictures(body: etree._Element) -> int:
    """Pictures of page size: DrawingML (wp:extent in EMU, holding an a:blip — not a text box or chart)
    and VML (style width/height in pt, with an image relationship; not the fallback copy of a drawing)."""
    count = sum(1 for e in body.iter(WP_EXTENT) if _big(e.get("cx"), e.get("cy"))
                and next(e.getparent().iter(BLIP), None) is not None)
    for image in body.iter(VML_IMAGE):
        if not image.get(R_ID) or _nearest(image, FALLBACK) is not None:
            continue
        style = image.getparent().get("style") or ""
        w, h = (re.search(rf"(?<![-\w]){k}:\s*([\d.]+)pt", style) for k in ("width", "height"))
        count += bool(w and h and _big(float(w[1]) * 12700, float(h[1]) * 12700))
    return count


def _big(cx, cy) -> bool:
    return min(_emu(cx), _emu(cy)) >= PAGE_PICTURE_EMU


def _emu(value) -> float:
    if isinstance(value, (int, float)):
        return value
    return int(value) if value and value.isdigit() else 0


class _Counter:
    def __init__(self, look: Look) -> None:
        self.para = 0
        self.table = 0
        self.look = look


def _styles_root(document) -> etree._Element | None:
    try:
        return document.styles.element
    except (KeyError, ValueError, AttributeError):
        return None


def _text_of(el: etree._Element) -> str:
    """Text of a paragraph, without the text of text boxes anchored in it."""
    parts: list[str] = []
    for node in el.iter(W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen"):
        if _inside_textbox(node, el) or node.getparent().tag != W + "r":
            continue  # a w:tab under w:pPr/w:tabs is a tab-stop definition, not a character
        tag = node.tag
        if tag == W + "t":
            parts.append(node.text or "")
        elif tag == W + "tab":
            parts.append("\t")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts)


def _inside_textbox(node: etree._Element, stop: etree._Element) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == TXBX:
            return True
        parent = parent.getparent()
    return False


def _body_blocks(container: etree._Element, counter: _Counter) -> Iterator[Block]:
    for child in container:
        tag = child.tag
        if tag == W + "p":
            yield from _paragraph_blocks(child, counter)
        elif tag == W + "tbl":
            counter.table += 1
            yield from _table_blocks(child, counter.table)
        elif tag in (W + "sdt", W + "customXml", W + "smartTag"):
            content = child.find(W + "sdtContent") if tag == W + "sdt" else child
            if content is not None:
                yield from _body_blocks(content, counter)


def _paragraph_blocks(p: etree._Element, counter: _Counter) -> Iterator[Block]:
    text = _text_of(p)
    if text.strip():
        counter.para += 1
        # the look only matters around the title (版头 vs title line): resolve it for the head alone
        size, red = counter.look.of(p) if counter.para <= LOOK_PARAGRAPHS else (None, False)
        yield Block(text=text, location=f"第{counter.para}段", size=size, red=red)
    for box in p.iter(TXBX):
        if _nearest(box, FALLBACK) is not None:
            continue  # Word 2010+ writes each text box twice: the wps choice and a VML fallback
        for inner in box.iter(W + "p"):
            t = _text_of(inner)
            if t.strip():
                counter.para += 1
                yield Block(text=t, location=f"第{counter.para}段（文本框）", part="textbox")


def _table_blocks(tbl: etree._Element, n: int) -> Iterator[Block]:
    for r, tr in enumerate(tbl.iter(W + "tr"), start=1):
        if _nearest(tr, W + "tbl") is not tbl:
            continue  # a row of a nested table: its text is part of the outer cell
        cells = []
        for tc in tr.findall(W + "tc"):
            cells.append("\n".join(_text_of(p) for p in tc.iter(W + "p") if not _inside_textbox(p, tc)).strip())
        cells = _dedupe_merged(cells)
        if any(cells):
            yield Block(text="\t".join(cells), location=f"表{n}第{r}行", kind="row", cells=tuple(cells))


def _nearest(el: etree._Element, tag: str) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _dedupe_merged(cells: list[str]) -> list[str]:
    out: list[str] = []
    for c in cells:
        if not out or c != out[-1] or not c:
            out.append(c)
    return out


def _header_footer_blocks(document) -> Iterator[Block]:
    seen: set[tuple[str, str]] = set()
    for section in document.sections:
        for kind, name, parts in (
            ("header", "页眉", (section.header, section.first_page_header, section.even_page_header)),
            ("footer", "页脚", (section.footer, section.first_page_footer, section.even_page_footer)),
        ):
            for part in parts:
                if part.is_linked_to_previous and part is not section.header and part is not section.footer:
                    continue
                for text in _part_texts(part._element):
                    if (kind, text) not in seen:
                        seen.add((kind, text))
                        yield Block(text=text, location=name, kind=kind, part=kind)


def _part_texts(root: etree._Element) -> Iterator[str]:
    """The lines of a header or footer: its paragraphs, then any WordArt (a watermark)."""
    for p in root.iter(W + "p"):
        text = _text_of(p).strip()
        if text:
            yield text
    for shape in root.iter(TEXTPATH):
        text = (shape.get("string") or "").strip()
        if text:
            yield text
