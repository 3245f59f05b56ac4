"""Read a .docx into located blocks: the body (paragraphs and table rows in order, content controls, text
boxes and imported altChunk content in place), and with each paragraph what it carries besides its
visible text — tracked deletions, hidden text, field codes, hyperlink targets, image alt text; then the
other parts of the package (docx_parts.py): headers and footers, footnotes, endnotes, comments, the
glossary, custom XML data, document properties and embedded objects."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote

from lxml import etree

from ..errors import InputError
from ..model import PARTS, Block, PictureRef, Unchecked
from ..textutil import clean
from .docx_style import Look
from .limits import Limits
from .ooxml import BROKEN, Package, Rel, corrupt

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
V = "{urn:schemas-microsoft-com:vml}"
O = "{urn:schemas-microsoft-com:office:office}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
TXBX = W + "txbxContent"
TEXTPATH = V + "textpath"  # WordArt, e.g. a 机密 / 内部资料 watermark
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
WP_EXTENT = WP + "extent"
VML_IMAGE = V + "imagedata"
BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
R_ID = R_NS + "id"
R_EMBED = R_NS + "embed"
LOOK_PARAGRAPHS = 40
PAGE_PICTURE_EMU = 9 * 360000  # a picture at least 9 cm × 9 cm: a pasted scan, not a logo or a red banner line
DELETED = (W + "del", W + "moveFrom")
INSERTED = (W + "ins", W + "moveTo")
CHAR_TAGS = (W + "t", W + "delText", W + "tab", W + "br", W + "cr", W + "noBreakHyphen", W + "sym")
EXTRA_TAGS = (W + "instrText", W + "delInstrText", W + "fldChar", W + "fldSimple", W + "hyperlink",
              WP + "docPr", V + "shape", VML_IMAGE, TEXTPATH, W + "altChunk", O + "OLEObject", BLIP)


@dataclass
class Context:
    """What reading one part needs: the package, the part's relationships, the styles, the counters."""

    package: Package
    rels: dict[str, Rel]
    look: Look
    prefix: str = ""  # location prefix for parts other than the body: 脚注1 / 批注2 / 文档部件·
    kind: str = "para"  # layout role of the part's paragraphs
    part: str = "body"
    para: int = 0
    table: int = 0
    hidden_styles: bool = False  # w:vanish occurs in the document or its styles: resolve it per run
    unchecked: list[Unchecked] = field(default_factory=list)
    objects: list[tuple[str, str | None]] = field(default_factory=list)  # (relationship id, ProgID) of OLE objects
    chunks: list[Block] = field(default_factory=list)
    pictures: list[PictureRef] = field(default_factory=list)  # each picture shown, for OCR


@dataclass(frozen=True)
class DocxText:
    blocks: tuple[Block, ...]
    title: str | None  # core-properties title
    page_pictures: int  # pictures in the body large enough to be a scanned page
    unchecked: tuple[Unchecked, ...] = ()
    pictures: tuple[PictureRef, ...] = ()  # for OCR (read/pictures.py)


@dataclass
class ParaText:
    visible: str = ""
    extras: dict[str, list[str]] = field(default_factory=dict)  # part → texts
    pictures: list[str] = field(default_factory=list)  # relationship ids of the pictures the paragraph shows

    def add(self, part: str, text: str | None) -> None:
        text = clean(text or "").strip()
        if text and text not in self.extras.setdefault(part, []):
            self.extras[part].append(text)


def read_docx(path: Path, limits: Limits | None = None) -> tuple[tuple[Block, ...], str | None]:
    """Return (blocks, core-properties title)."""
    text = read_docx_text(path, limits)
    return text.blocks, text.title


def read_docx_text(source: Path | bytes | Package, limits: Limits | None = None, depth: int = 0) -> DocxText:
    """`source`: a file, the bytes of an embedded .docx, or a package nested in another (same budget)."""
    try:
        if isinstance(source, Package):
            with source:
                return _read(source, depth)
        with Package(source, limits) as package:
            package.zip.validate()  # every part once under the caps, read or not (CRCs, DOCTYPEs, element count)
            return _read(package, depth)
    except InputError:
        raise
    except BROKEN as e:
        raise corrupt() from e


def _read(package: Package, depth: int) -> DocxText:
    from . import docx_parts

    if package.main is None:
        raise InputError("这个压缩包不是 Word 文档（缺少正文部分）；请用 Word 另存为 .docx 后再放入。", "NOT_A_DOCUMENT")
    document = package.xml(package.main)
    body = document.find(W + "body") if document is not None else None
    if body is None:
        raise corrupt()
    rels = package.rel_map(package.main)
    styles_name = next((r.target for r in rels.values() if r.type == "styles" and not r.external), None)
    styles = _optional_xml(package, styles_name)
    ctx = Context(package, rels, Look(styles))
    ctx.hidden_styles = b"vanish" in package.data(package.main) or (
        styles_name is not None and b"vanish" in package.data(styles_name))
    blocks = list(body_blocks(body, ctx))
    blocks += docx_parts.other_parts(package, document, ctx, depth)
    title = docx_parts.core_title(package)
    return DocxText(tuple(blocks), title, _page_pictures(body), tuple(ctx.unchecked),
                    tuple(dict.fromkeys(ctx.pictures)))


def _optional_xml(package: Package, name: str | None) -> etree._Element | None:
    """A part the text does not depend on (styles): damaged, it is left out rather than failing the file."""
    if not name:
        return None
    try:
        return package.xml(name)
    except InputError:
        return None


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


# ------------------------------------------------------------------ one paragraph
def para_text(p: etree._Element, ctx: Context) -> ParaText:
    """The visible text of a paragraph (tracked insertions accepted, deletions and hidden runs left out,
    text boxes anchored in it excluded), and what else it carries, by part."""
    out = ParaText()
    chars: list[str] = []
    hidden: list[str] = []
    deleted: list[str] = []
    inserted: list[str] = []
    codes: list[str] = []
    for node in p.iter(*CHAR_TAGS, *EXTRA_TAGS):
        if _owner(node) is not p:
            continue  # a paragraph of a text box anchored here: read as a paragraph of its own
        tag = node.tag
        if tag in CHAR_TAGS:
            run = node.getparent()
            if run is None or run.tag != W + "r":
                continue  # a w:tab under w:pPr/w:tabs is a tab-stop definition, not a character
            ch = _char(node)
            state = _state(node, p)
            if state == "deleted" or tag == W + "delText":
                deleted.append(ch)
            elif ctx.hidden_styles and ctx.look.hidden(p, run):
                hidden.append(ch)
            else:
                chars.append(ch)
                if state == "inserted":
                    inserted.append(ch)
        elif tag in (W + "instrText", W + "delInstrText"):
            (deleted if tag == W + "delInstrText" else codes).append(node.text or "")
        elif tag == W + "fldChar":
            if node.get(W + "fldCharType") == "begin":
                codes.append(" ")
        else:
            _extra(node, ctx, out)
    out.visible = "".join(chars)
    out.add("field_code", "".join(codes))
    out.add("revision_deleted", "".join(deleted))
    out.add("revision_inserted", "".join(inserted))
    out.add("hidden", "".join(hidden))
    return out


def _char(node: etree._Element) -> str:
    tag = node.tag
    if tag in (W + "t", W + "delText"):
        return node.text or ""
    if tag == W + "tab":
        return "\t"
    if tag == W + "noBreakHyphen":
        return "-"
    if tag == W + "sym":
        code = node.get(W + "char") or ""
        try:
            value = int(code, 16)
        except ValueError:
            return ""
        return chr(value - 0xF000) if 0xF020 <= value <= 0xF0FF else chr(value) if 0 < value < 0x110000 else ""
    return "\n"


def _state(node: etree._Element, stop: etree._Element) -> str | None:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in DELETED:
            return "deleted"
        if parent.tag in INSERTED:
            return "inserted"
        parent = parent.getparent()
    return None


def _extra(node: etree._Element, ctx: Context, out: ParaText) -> None:
    tag = node.tag
    if tag == W + "fldSimple":
        out.add("field_code", node.get(W + "instr"))
    elif tag == W + "hyperlink":
        rel = ctx.rels.get(node.get(R_ID) or "")
        if rel is not None and rel.external:
            out.add("hyperlink", unquote(rel.target))
    elif tag == BLIP:
        if node.get(R_EMBED) and _nearest(node, FALLBACK) is None:  # a VML fallback shows the same picture
            out.pictures.append(node.get(R_EMBED))
    elif tag == WP + "docPr":
        out.add("alt_text", node.get("title"))
        out.add("alt_text", node.get("descr"))
    elif tag == V + "shape":
        out.add("alt_text", node.get("alt"))
    elif tag == VML_IMAGE:
        out.add("alt_text", node.get(O + "title"))
        if node.get(R_ID) and _nearest(node, FALLBACK) is None:
            out.pictures.append(node.get(R_ID))
    elif tag == TEXTPATH:
        out.add("textbox", node.get("string"))
    elif tag == O + "OLEObject":
        if node.get(R_ID):
            ctx.objects.append((node.get(R_ID), node.get("ProgID")))


def _owner(node: etree._Element) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None and parent.tag != W + "p":
        parent = parent.getparent()
    return parent


def extra_blocks(para: ParaText, where: str, ctx: Context) -> Iterator[Block]:
    for rid in para.pictures:  # the pictures it shows, located like its alt text, read later by OCR
        rel = ctx.rels.get(rid)
        if rel is not None and not rel.external and rel.type == "image":
            ctx.pictures.append(PictureRef(f"{where}·图片", part=rel.target))
    for part, texts in para.extras.items():
        for text in texts:
            yield Block(text=text, location=f"{where}·{PARTS[part]}", kind="aside", part=part)


# ------------------------------------------------------------------ the body
def body_blocks(container: etree._Element, ctx: Context) -> Iterator[Block]:
    for child in container:
        tag = child.tag
        if tag == W + "p":
            yield from _paragraph_blocks(child, ctx)
        elif tag == W + "tbl":
            ctx.table += 1
            yield from _table_blocks(child, ctx.table, ctx)
        elif tag in (W + "sdt", W + "customXml", W + "smartTag", W + "ins", W + "moveTo"):
            content = child.find(W + "sdtContent") if tag == W + "sdt" else child
            if content is not None:
                yield from body_blocks(content, ctx)
        elif tag == W + "altChunk":
            from .docx_parts import alt_chunk_blocks

            yield from alt_chunk_blocks(child, ctx)


def _where(ctx: Context) -> str:
    if ctx.prefix and not ctx.para:
        return ctx.prefix.rstrip("·")
    return f"{ctx.prefix}第{ctx.para}段" if ctx.para else f"{ctx.prefix}正文开头"


def _paragraph_blocks(p: etree._Element, ctx: Context) -> Iterator[Block]:
    para = para_text(p, ctx)
    text = clean(para.visible)
    if text.strip():
        ctx.para += 1
        # the look only matters around the title (版头 vs title line): resolve it for the head alone
        size, red = ctx.look.of(p) if ctx.part == "body" and ctx.para <= LOOK_PARAGRAPHS else (None, False)
        yield Block(text=text, location=_where(ctx), kind=ctx.kind, size=size, red=red, part=ctx.part)
    # a paragraph without visible text (a picture, a deleted line) is found after the last one that has text
    yield from extra_blocks(para, _where(ctx) + ("" if text.strip() or not ctx.para else "后"), ctx)
    for box in p.iter(TXBX):
        if _nearest(box, FALLBACK) is not None:
            continue  # Word 2010+ writes each text box twice: the wps choice and a VML fallback
        for inner in box.iter(W + "p"):
            if _nearest(inner, TXBX) is not box:
                continue  # a box nested in this box: reached by the outer loop on its own
            sub = para_text(inner, ctx)
            t = clean(sub.visible)
            if t.strip():
                ctx.para += 1
                yield Block(text=t, location=f"{_where(ctx)}（文本框）", kind=ctx.kind,
                            part="textbox" if ctx.part == "body" else ctx.part)
            yield from extra_blocks(sub, f"{_where(ctx)}（文本框）", ctx)


def _table_blocks(tbl: etree._Element, n: int, ctx: Context) -> Iterator[Block]:
    for r, tr in enumerate(tbl.iter(W + "tr"), start=1):
        if _nearest(tr, W + "tbl") is not tbl:
            continue  # a row of a nested table: its text is part of the outer cell
        cells = []
        extras: list[Block] = []
        where = f"{ctx.prefix}表{n}第{r}行"
        for tc in _cells(tr):
            texts = []
            for p in tc.iter(W + "p"):
                box = _nearest(p, TXBX)
                para = para_text(p, ctx)
                if box is None:
                    texts.append(clean(para.visible))
                elif _nearest(box, FALLBACK) is None and clean(para.visible).strip():
                    extras.append(Block(text=clean(para.visible), location=f"{where}（文本框）", kind=ctx.kind,
                                        part="textbox"))
                extras.extend(extra_blocks(para, where, ctx))
            cells.append("\n".join(texts).strip())
        cells = _dedupe_merged(cells)
        if any(cells):
            yield Block(text="\t".join(cells), location=where, kind="row" if ctx.kind == "para" else ctx.kind,
                        cells=tuple(cells), part=ctx.part)
        yield from extras


def _cells(tr: etree._Element) -> Iterator[etree._Element]:
    for child in tr:
        if child.tag == W + "tc":
            yield child
        elif child.tag in (W + "sdt", W + "customXml"):
            yield from (tc for tc in child.iter(W + "tc") if _nearest(tc, W + "tr") is tr)


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
