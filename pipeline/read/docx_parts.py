"""The parts of a .docx besides the body: headers and footers of every section (default, first page, even
pages), footnotes, endnotes, comments, the glossary document, custom XML data, the core / extended /
custom properties, embedded objects (.docx, .xlsx, .pptx, .txt read; anything else reported as unchecked),
charts and SmartArt, and altChunk content (HTML, MHT, RTF, text, .docx) that Word imports in place."""
from __future__ import annotations

import posixpath
import re
from pathlib import PurePosixPath
from typing import Iterator

from lxml import etree

from ..errors import InputError
from ..model import Block, Unchecked
from ..textutil import clean
from . import docx as d
from .convert import decode_text, html_lines, mht_lines, rtf_lines
from .ooxml import Package

W = d.W
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NOTE_SPECIAL = ("separator", "continuationSeparator", "continuationNotice")
VARIANTS = {"default": "", "first": "（首页）", "even": "（偶数页）"}
CORE_NAMES = {"title": "标题", "subject": "主题", "creator": "作者", "keywords": "关键词", "description": "备注",
              "lastModifiedBy": "最后修改者", "category": "类别", "contentStatus": "状态", "identifier": "标识",
              "version": "版本"}
APP_NAMES = {"Company": "单位", "Manager": "经理", "HyperlinkBase": "超链接基址"}
HARMLESS_OLE = ("Equation.", "MathType")  # formula objects: no text a clerk could check
MAX_NODES = 2000  # text nodes read from one custom XML part or embedded sheet
MAX_DEPTH = 2  # a .docx embedded in a .docx embedded in a .docx is read; deeper ones are reported


def other_parts(package: Package, document: etree._Element, ctx: d.Context, depth: int) -> list[Block]:
    blocks: list[Block] = []
    for reader in (_headers_footers, _notes, _comments, _glossary, _custom_xml, _properties, _embedded):
        blocks.extend(reader(package, document, ctx, depth))
    return blocks


def _sub(package: Package, part: str, ctx: d.Context, prefix: str, kind: str, name: str) -> d.Context:
    return d.Context(package, package.rel_map(part), ctx.look, prefix=prefix, kind=kind, part=name,
                     hidden_styles=ctx.hidden_styles, unchecked=ctx.unchecked, objects=ctx.objects)


def _targets(ctx: d.Context, *types: str) -> list[str]:
    return list(dict.fromkeys(r.target for r in ctx.rels.values() if r.type in types and not r.external
                              and ctx.package.has(r.target)))


def _lines(el: etree._Element, where: str, ctx: d.Context, kind: str, part: str) -> Iterator[Block]:
    """Each paragraph of a header/footer as a block of its own; extras follow."""
    for p in el.iter(W + "p"):
        para = d.para_text(p, ctx)
        text = clean(para.visible).strip()
        if text:
            yield Block(text=text, location=where, kind=kind, part=part)
        yield from d.extra_blocks(para, where, ctx)


def _note(el: etree._Element, where: str, ctx: d.Context, part: str) -> Iterator[Block]:
    """A footnote, endnote or comment as one block (its paragraphs joined); extras follow."""
    texts, extras = [], []
    for p in el.iter(W + "p"):
        para = d.para_text(p, ctx)
        texts.append(clean(para.visible).strip())
        extras.extend(d.extra_blocks(para, where, ctx))
    text = "\n".join(t for t in texts if t)
    if text:
        yield Block(text=text, location=where, kind="aside", part=part)
    yield from extras


# ------------------------------------------------------------------ headers and footers
def _headers_footers(package: Package, document: etree._Element, ctx: d.Context, depth: int) -> Iterator[Block]:
    sections = [s for s in document.iter(W + "sectPr") if s.getparent().tag != W + "sectPrChange"]
    done: set[str] = set()
    seen: set[tuple[str, str]] = set()
    places: list[tuple[str, str, str]] = []  # (part name, kind, location)
    for number, sect in enumerate(sections, start=1):
        for ref in sect:
            kind = {W + "headerReference": "header", W + "footerReference": "footer"}.get(ref.tag)
            rel = ctx.rels.get(ref.get(d.R_ID) or "") if kind else None
            if rel is None or rel.external or rel.target in done or not package.has(rel.target):
                continue
            done.add(rel.target)
            section = f"第{number}节" if number > 1 else ""
            name = "页眉" if kind == "header" else "页脚"
            places.append((rel.target, kind, f"{section}{name}{VARIANTS.get(ref.get(W + 'type') or 'default', '')}"))
    for kind, name in (("header", "页眉"), ("footer", "页脚")):
        places += [(t, kind, f"{name}（未使用）") for t in _targets(ctx, kind) if t not in done]
    for target, kind, where in places:
        root = package.xml(target)
        if root is None:
            continue
        sub = _sub(package, target, ctx, "", kind, kind)
        for block in _lines(root, where, sub, kind, kind):
            key = (block.part, block.text)
            if key not in seen:
                seen.add(key)
                yield block


# ------------------------------------------------------------------ notes, comments, glossary
def _notes(package: Package, document: etree._Element, ctx: d.Context, depth: int) -> Iterator[Block]:
    for part, rel_type, name in (("footnote", "footnotes", "脚注"), ("endnote", "endnotes", "尾注")):
        for target in _targets(ctx, rel_type):
            root = package.xml(target)
            if root is None:
                continue
            sub = _sub(package, target, ctx, "", "aside", part)
            number = 0
            for note in root.findall(W + part):
                if note.get(W + "type") in NOTE_SPECIAL:
                    continue
                number += 1
                yield from _note(note, f"{name}{number}", sub, part)


def _comments(package: Package, document: etree._Element, ctx: d.Context, depth: int) -> Iterator[Block]:
    for target in _targets(ctx, "comments"):
        root = package.xml(target)
        if root is None:
            continue
        sub = _sub(package, target, ctx, "", "aside", "comment")
        for number, comment in enumerate(root.findall(W + "comment"), start=1):
            yield from _note(comment, f"批注{number}", sub, "comment")


def _glossary(package: Package, document: etree._Element, ctx: d.Context, depth: int) -> Iterator[Block]:
    for target in _targets(ctx, "glossaryDocument"):
        root = package.xml(target)
        if root is None:
            continue
        for number, part in enumerate(root.iter(W + "docPart"), start=1):
            name_el = part.find(f"{W}docPartPr/{W}name")
            name = (name_el.get(W + "val") if name_el is not None else None) or str(number)
            body = part.find(W + "docPartBody")
            if body is not None:
                sub = _sub(package, target, ctx, f"文档部件「{name}」·", "aside", "glossary")
                yield from d.body_blocks(body, sub)


# ------------------------------------------------------------------ custom XML and properties
def _custom_xml(package: Package, document: etree._Element, ctx: d.Context, depth: int) -> Iterator[Block]:
    items = sorted((n for n in package.names if re.fullmatch(r"customXml/item\d+\.xml", n)),
                   key=lambda n: int(re.sub(r"\D", "", n)))
    for number, name in enumerate(items, start=1):
        try:
            root = package.xml(name)
        except InputError:
            continue  # data Word would refuse to bind: nothing shows from it
        if root is None:
            continue
        count = 0
        for el in root.iter():
            if isinstance(el.tag, str) and el.text and el.text.strip() and count < MAX_NODES:
                count += 1
                yield Block(text=clean(el.text).strip(), location=f"自定义XML数据{number}·{etree.QName(el).localname}",
                            kind="aside", part="custom_xml")


def core_title(package: Package) -> str | None:
    for block in _core(package):
        if block.location == "文档属性·标题":
            return block.text
    return None


def _core(package: Package) -> Iterator[Block]:
    target = next((r.target for r in package.root_rels if r.type == "core-properties"), "docProps/core.xml")
    root = _tolerant(package, target)
    for el in root.iterchildren() if root is not None else ():
        if not isinstance(el.tag, str):
            continue
        name = CORE_NAMES.get(etree.QName(el).localname)
        text = clean(el.text or "").strip()
        if name and text:
            yield Block(text=text, location=f"文档属性·{name}", kind="aside", part="property")


def _tolerant(package: Package, name: str) -> etree._Element | None:
    try:
        return package.xml(name)
    except InputError:
        return None  # damaged properties: Word opens the file without them


def _properties(package: Package, document: etree._Element, ctx: d.Context, depth: int) -> Iterator[Block]:
    yield from _core(package)
    app = next((r.target for r in package.root_rels if r.type in ("extended-properties", "extendedProperties")),
               "docProps/app.xml")
    root = _tolerant(package, app)
    for el in root.iterchildren() if root is not None else ():
        name = APP_NAMES.get(etree.QName(el).localname) if isinstance(el.tag, str) else None
        text = clean(el.text or "").strip()
        if name and text:
            yield Block(text=text, location=f"文档属性·{name}", kind="aside", part="property")
    custom = next((r.target for r in package.root_rels if r.type in ("custom-properties", "customProperties")),
                  "docProps/custom.xml")
    root = _tolerant(package, custom)
    for prop in root.iterchildren() if root is not None else ():
        text = clean(" ".join(t.strip() for t in prop.itertext() if t.strip()))
        if text:
            yield Block(text=text, location=f"文档属性·自定义·{prop.get('name') or ''}", kind="aside", part="property")


# ------------------------------------------------------------------ embedded objects, charts, altChunk
def _embedded(package: Package, document: etree._Element, ctx: d.Context, depth: int) -> Iterator[Block]:
    progids = dict(ctx.objects)
    for kind, label in (("chart", "图表"), ("diagramData", "SmartArt图形")):
        for number, target in enumerate(_targets(ctx, kind), start=1):
            root = _tolerant(package, target)
            texts = [t.text for t in root.iter(A + "t", C + "v") if t.text and t.text.strip()] if root is not None else []
            if texts:
                yield Block(text=clean("\n".join(texts[:MAX_NODES])), location=f"{label}{number}", kind="aside",
                            part="embedded")
    for rid, rel in ctx.rels.items():
        if rel.type not in ("package", "oleObject") or rel.external or not package.has(rel.target):
            continue
        progid = progids.get(rid)
        if progid and progid.startswith(HARMLESS_OLE):
            continue
        name = PurePosixPath(rel.target).name
        where = f"嵌入对象 {name}" + (f"（{progid}）" if progid else "")
        yield from embedded_file(package.data(rel.target), name, where, depth, ctx.unchecked,
                                 nested=lambda t=rel.target: package.nested(t))


def embedded_file(data: bytes, name: str, where: str, depth: int, unchecked: list[Unchecked],
                  part: str = "embedded", nested=None) -> Iterator[Block]:
    """The text of a file carried inside another (an embedded object, a PDF attachment), located under
    `where`; a file that cannot be read is added to `unchecked`. `nested` opens a zip-based file as a
    package under its container's budget (else it gets a budget of its own)."""
    ext = posixpath.splitext(name.lower())[1]
    zipped = data[:4] == b"PK\x03\x04"

    def package() -> Package:
        return nested() if nested is not None else Package(data)

    try:
        if zipped and ext in (".docx", ".docm", ".dotx", ".dotm") and depth < MAX_DEPTH:
            inner = d.read_docx_text(package(), None, depth + 1)
            unchecked.extend(Unchecked(f"{where}·{u.location}", u.reason, part) for u in inner.unchecked)
            yield from (_moved(b, where, part) for b in inner.blocks)
            return
        if zipped and ext in (".xlsx", ".xlsm"):
            yield from (_moved(b, where, part) for b in _sheet_rows(package()))
            return
        if zipped and ext in (".pptx", ".pptm"):
            yield from (_moved(b, where, part) for b in _slides(package()))
            return
        if ext in (".htm", ".html", ".xhtml"):
            lines = html_lines(data)
        elif ext in (".txt", ".csv", ".xml", ".json") or _looks_like_text(data):
            lines = decode_text(data).splitlines()
        else:
            lines = None
        if lines is not None:
            for n, line in enumerate(t for t in lines if t.strip()):
                yield Block(text=clean(line), location=f"{where}·第{n + 1}行", kind="aside", part=part)
            return
        if ext == ".pdf" and depth < MAX_DEPTH:
            from .pdf import read_pdf_bytes

            pdf = read_pdf_bytes(data, depth + 1)
            if pdf.no_text_reason:
                unchecked.append(Unchecked(where, pdf.no_text_reason, part))
            yield from (_moved(b, where, part) for b in pdf.blocks)
            return
    except InputError as e:
        unchecked.append(Unchecked(where, e.message, part))
        return
    unchecked.append(Unchecked(where, "这种嵌入文件的内容无法读取和检查", part))


def _looks_like_text(data: bytes) -> bool:
    """No NUL and no other C0 control in the first 4 KB, and it decodes: a text file whatever its name."""
    head = data[:4096]
    if not head or re.search(rb"[\x00-\x08\x0e-\x1f]", head):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 4:
            try:
                head.decode("gb18030")
            except UnicodeDecodeError:
                return False
    return True


def _moved(block: Block, where: str, part: str) -> Block:
    return Block(text=block.text, location=f"{where}·{block.location}", kind="aside", cells=block.cells, part=part)


def _sheet_rows(pkg: Package) -> Iterator[Block]:
    with pkg:
        shared_root = pkg.xml("xl/sharedStrings.xml")
        shared = ["".join(si.itertext()) for si in shared_root.iter(S + "si")] if shared_root is not None else []
        sheets = sorted((n for n in pkg.names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                        key=lambda n: int(re.sub(r"\D", "", n)))
        count = 0
        for number, name in enumerate(sheets, start=1):
            for row in pkg.xml(name).iter(S + "row"):
                cells = [_cell(c, shared) for c in row.iter(S + "c")]
                cells = [clean(c) for c in cells if c and c.strip()]
                count += 1
                if cells and count < MAX_NODES:
                    yield Block(text="\t".join(cells), location=f"工作表{number}第{row.get('r') or count}行",
                                kind="row", cells=tuple(cells))


def _cell(c: etree._Element, shared: list[str]) -> str:
    if c.get("t") == "inlineStr":
        return "".join(c.find(S + "is").itertext()) if c.find(S + "is") is not None else ""
    v = c.find(S + "v")
    if v is None or v.text is None:
        return ""
    if c.get("t") == "s":
        return shared[int(v.text)] if v.text.isdigit() and int(v.text) < len(shared) else ""
    return v.text


def _slides(pkg: Package) -> Iterator[Block]:
    with pkg:
        slides = sorted((n for n in pkg.names if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)),
                        key=lambda n: int(re.sub(r"\D", "", n)))
        for number, name in enumerate(slides, start=1):
            for p in pkg.xml(name).iter(A + "p"):
                text = clean("".join(t.text or "" for t in p.iter(A + "t"))).strip()
                if text:
                    yield Block(text=text, location=f"第{number}张幻灯片", kind="aside")


def alt_chunk_blocks(chunk: etree._Element, ctx: d.Context) -> Iterator[Block]:
    """altChunk: content in another format that Word imports at this place when it opens the file."""
    rel = ctx.rels.get(chunk.get(d.R_ID) or "")
    if rel is None or rel.external or not ctx.package.has(rel.target):
        return
    data = ctx.package.data(rel.target)
    name = PurePosixPath(rel.target).name
    ext = posixpath.splitext(name.lower())[1]
    head = data[:512].lstrip().lower()
    if ext in (".docx", ".docm", ".dotx") or data[:4] == b"PK\x03\x04":
        lines = []
        for b in embedded_file(data, name, f"导入内容 {name}", 0, ctx.unchecked, "alt_chunk",
                               nested=lambda: ctx.package.nested(rel.target)):
            lines.append(b.text)
    elif ext in (".mht", ".mhtml") or head.startswith((b"mime-version", b"content-")):
        lines = mht_lines(data)
    elif ext == ".rtf" or head.startswith(b"{\\rtf"):
        lines = rtf_lines(data)
    elif ext in (".htm", ".html", ".xhtml", ".xml") or b"<html" in head or b"<!doctype" in head:
        lines = html_lines(data)
    else:
        lines = decode_text(data).splitlines()
    for line in lines:
        text = clean(line).strip()
        if text:
            ctx.para += 1
            yield Block(text=text, location=f"{ctx.prefix}第{ctx.para}段（导入内容）", kind=ctx.kind, part="alt_chunk")
