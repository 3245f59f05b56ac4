"""Clean a .docx the way a document inspector does, working on the package XML itself:

- tracked changes accepted (deletions and moved-away text gone, insertions kept, property-change
  records dropped);
- comments, hidden text (w:vanish), custom properties, customXml data (and data bindings), the
  glossary (building blocks), altChunk parts, embedded objects / ActiveX controls, document variables
  and the attached-template path removed;
- core properties cleared except the title (given, masked); the company / manager of app.xml cleared;
- alt text, field codes, hyperlink targets and every text node masked by the public view.

`sanitize_docx(src, dst, view, title)` writes the cleaned copy and returns what it removed, in
Chinese, for the check report. `residue(path)` lists what a cleaned copy still holds of all that
(the re-check uses it; an empty list means clean)."""
from __future__ import annotations

import posixpath
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .public import PublicView

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{%s}" % W_NS
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"
V = "{urn:schemas-microsoft-com:vml}"
CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
DC = "{http://purl.org/dc/elements/1.1/}"
EP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"

CONTENT = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
# rel types whose targets go with the thing they carry
DROP_REL = {
    "comments": "批注", "commentsExtended": "批注", "commentsIds": "批注", "commentsExtensible": "批注",
    "people": "批注", "glossaryDocument": "词汇表（构建基块）", "aFChunk": "altChunk 嵌入内容",
    "oleObject": "嵌入对象", "package": "嵌入对象", "control": "ActiveX 控件", "customXml": "customXml 数据",
    "custom-properties": "自定义属性", "attachedTemplate": "附加模板路径", "vbaProject": "宏",
}
DROP_PREFIX = {"customXml/": "customXml 数据", "word/glossary/": "词汇表（构建基块）", "word/embeddings/": "嵌入对象",
               "word/activeX/": "ActiveX 控件", "word/comments": "批注", "word/people.xml": "批注",
               "docProps/custom.xml": "自定义属性", "word/vbaProject": "宏", "word/vbaData": "宏"}
UNWRAP = (W + "ins", W + "moveTo", W + "customXml", W + "smartTag")
DELETE = (W + "del", W + "moveFrom", W + "delText", W + "delInstrText", W + "moveFromRangeStart",
          W + "moveFromRangeEnd", W + "moveToRangeStart", W + "moveToRangeEnd", W + "rPrChange", W + "pPrChange",
          W + "sectPrChange", W + "tblPrChange", W + "tcPrChange", W + "trPrChange", W + "tblGridChange",
          W + "tblPrExChange", W + "numberingChange", W + "cellIns", W + "cellDel", W + "cellMerge")
COMMENT_MARKS = (W + "commentRangeStart", W + "commentRangeEnd", W + "commentReference")


@dataclass(frozen=True)
class Sanitized:
    removed: tuple[str, ...]  # what was removed or masked, in Chinese, e.g. "批注 2 条"


def sanitize_docx(src: Path, dst: Path, view: PublicView, title: str | None) -> Sanitized:
    with zipfile.ZipFile(src) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist() if not i.is_dir()}
        infos = {i.filename: i for i in zin.infolist()}
    found: Counter[str] = Counter()
    drop = _parts_to_drop(parts, found)
    out: dict[str, bytes] = {}
    for name, data in parts.items():
        if name in drop:
            continue
        new = data
        if name.endswith(".rels"):
            new = _clean_rels(name, data, drop, view, found)
        elif name == "[Content_Types].xml":
            new = _clean_content_types(data, drop)
        elif CONTENT.match(name):
            new = _clean_content(data, view, found)
        elif name == "docProps/core.xml":
            new = _core_properties(data, view, title, found)
        elif name == "docProps/app.xml":
            new = _app_properties(data, found)
        elif name == "word/settings.xml":
            new = _settings(data, found)
        elif name.startswith("word/media/"):
            out[name] = _picture(name, data, view, found)
            continue
        # a part the cleaning did not change keeps its bytes (styles, settings … stay as Word wrote them)
        out[name] = data if new is data or new == _bytes(_xml(data)) else new
    dst.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in out.items():
            zout.writestr(infos[name], data)
    return Sanitized(tuple(f"{k} {v} 处" if v > 1 else k for k, v in found.items()))


def _picture(name: str, data: bytes, view: PublicView, found: Counter[str]) -> bytes:
    """A pasted picture with a personal number in it: the number blacked out in the pixels (OCR boxes)."""
    from .read.pictures import redact_picture_bounded

    new = redact_picture_bounded(name, data, view.rules)
    if new is None:
        return data
    found["图片中的个人信息（已涂黑）"] += 1
    return new


# ----------------------------------------------------------------------------- package level
def _rel_kind(rel_type: str) -> str:
    return rel_type.rsplit("/", 1)[-1]


def _parts_to_drop(parts: dict[str, bytes], found: Counter[str]) -> set[str]:
    drop: set[str] = set()
    for name in parts:
        label = next((v for k, v in DROP_PREFIX.items() if name.startswith(k)), None)
        if label and not name.endswith(".rels"):
            drop.add(name)
            found[label] += 0  # listed once per kind; counts come from the body
    for name, data in parts.items():
        if not name.endswith(".rels"):
            continue
        base = posixpath.dirname(posixpath.dirname(name))
        for rel in _xml(data).iter(f"{{{REL_NS}}}Relationship"):
            kind = _rel_kind(rel.get("Type", ""))
            if kind in DROP_REL and rel.get("TargetMode") != "External":
                target = posixpath.normpath(posixpath.join(base, rel.get("Target", "").lstrip("/")))
                if target in parts:
                    drop.add(target)
                    found[DROP_REL[kind]] += 0
    # a dropped part's own relationships go with it
    drop |= {f"{posixpath.dirname(p)}/_rels/{posixpath.basename(p)}.rels".lstrip("/") for p in drop}
    return {p for p in drop if p in parts}


def _clean_rels(name: str, data: bytes, drop: set[str], view: PublicView, found: Counter[str]) -> bytes:
    root = _xml(data)
    source_dir = posixpath.dirname(posixpath.dirname(name))
    for rel in list(root):
        kind, target = _rel_kind(rel.get("Type", "")), rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            if kind in DROP_REL:
                root.remove(rel)
                found[DROP_REL[kind]] += 1
                continue
            masked = view.text(target)
            if masked != target:
                rel.set("Target", masked)
                found["超链接地址中的个人信息已遮盖"] += 1
            continue
        resolved = posixpath.normpath(posixpath.join(source_dir, target.lstrip("/"))) if not target.startswith("/") \
            else target.lstrip("/")
        if resolved in drop or kind in DROP_REL:
            root.remove(rel)
    return _bytes(root)


def _clean_content_types(data: bytes, drop: set[str]) -> bytes:
    root = _xml(data)
    for el in list(root):
        if el.tag == f"{{{CT_NS}}}Override" and el.get("PartName", "").lstrip("/") in drop:
            root.remove(el)
    return _bytes(root)


# ----------------------------------------------------------------------------- body parts
def _clean_content(data: bytes, view: PublicView, found: Counter[str]) -> bytes:
    root = _xml(data)
    _accept_revisions(root, found)
    for tag in COMMENT_MARKS:
        for el in list(root.iter(tag)):
            _drop_with_empty_run(el)
            if tag == W + "commentReference":
                found["批注"] += 1
    for vanish in list(root.iter(W + "vanish")):
        if vanish.get(W + "val") in ("0", "false", "off"):
            continue
        rpr = vanish.getparent()
        holder = rpr.getparent() if rpr is not None else None
        if holder is not None and holder.tag == W + "r":
            _remove(holder)
            found["隐藏文字"] += 1
        elif rpr is not None:  # a hidden paragraph mark: keep the paragraph, drop the flag
            rpr.remove(vanish)
    for tag, label in ((W + "altChunk", "altChunk 嵌入内容"), (W + "object", "嵌入对象"),
                       (W + "control", "ActiveX 控件"), (W + "dataBinding", "customXml 数据")):
        for el in list(root.iter(tag)):
            _drop_with_empty_run(el)
            found[label] += 1
    for tag in UNWRAP[2:]:
        for el in list(root.iter(tag)):
            _unwrap(el)
    _mask_attributes(root, view, found)
    for p in root.iter(W + "p"):
        for tag in (W + "t", W + "instrText"):
            _mask_paragraph(p, tag, view)
    return _bytes(root)


def _accept_revisions(root: etree._Element, found: Counter[str]) -> None:
    for tr in list(root.iter(W + "tr")):  # a deleted table row goes whole
        trpr = tr.find(W + "trPr")
        if trpr is not None and trpr.find(W + "del") is not None:
            _remove(tr)
            found["修订（已接受）"] += 1
    for tag in DELETE:
        for el in list(root.iter(tag)):
            if tag in (W + "del", W + "moveFrom"):
                found["修订（已接受）"] += 1
            _remove(el)
    for tag in UNWRAP[:2]:
        for el in list(root.iter(tag)):
            parent = el.getparent()
            if parent is not None and parent.tag in (W + "rPr", W + "trPr", W + "pPr"):
                parent.remove(el)  # an insertion mark on a paragraph mark or row
            else:
                _unwrap(el)
            found["修订（已接受）"] += 1


def _mask_attributes(root: etree._Element, view: PublicView, found: Counter[str]) -> None:
    targets = ((WP + "docPr", ("descr", "title", "name")), (PIC + "cNvPr", ("descr", "title", "name")),
               (V + "shape", ("alt", "title")), (V + "imagedata", ("title",)),
               (W + "fldSimple", (W + "instr",)), (W + "hyperlink", (W + "anchor", W + "tooltip")))
    for tag, attrs in targets:
        for el in root.iter(tag):
            for a in attrs:
                value = el.get(a)
                if value and view.has_pii(value):
                    el.set(a, view.text(value))
                    found["替代文字、域代码或超链接中的个人信息已遮盖"] += 1


def _mask_paragraph(p: etree._Element, tag: str, view: PublicView) -> None:
    """Mask character for character over the paragraph's own text nodes: a number split across runs
    is masked too, and every run keeps its formatting."""
    nodes = [t for t in p.iter(tag) if _own_paragraph(t, p)]
    text = "".join(t.text or "" for t in nodes)
    masked = view.text(text)
    if masked == text:
        return
    pos = 0
    for t in nodes:
        n = len(t.text or "")
        t.text = masked[pos:pos + n]
        pos += n


def _own_paragraph(node: etree._Element, p: etree._Element) -> bool:
    parent = node.getparent()
    while parent is not None and parent.tag != W + "p":
        parent = parent.getparent()
    return parent is p


# ----------------------------------------------------------------------------- properties
def _core_properties(data: bytes, view: PublicView, fallback: str | None, found: Counter[str]) -> bytes:
    """Only the title survives, masked: the document's own, else the item's."""
    root = _xml(data)
    own = root.find(DC + "title")
    title = view.text((own.text or "").strip() if own is not None and (own.text or "").strip() else fallback)
    had = [el for el in root if el.tag != DC + "title" and (el.text or "").strip()]
    for el in list(root):
        root.remove(el)
    if title:
        el = etree.SubElement(root, DC + "title")
        el.text = title
    if had:
        found["文档属性（作者、修改者、关键词等）"] += len(had)
    return _bytes(root)


def _app_properties(data: bytes, found: Counter[str]) -> bytes:
    root = _xml(data)
    for name in ("Company", "Manager", "HyperlinkBase", "Template"):
        el = root.find(EP + name)
        if el is not None and (el.text or "").strip():
            el.text = ""
            found["文档属性（作者、修改者、关键词等）"] += 1
    return _bytes(root)


def _settings(data: bytes, found: Counter[str]) -> bytes:
    root = _xml(data)
    for tag, label in ((W + "docVars", "文档变量"), (W + "attachedTemplate", "附加模板路径"),
                       (W + "trackRevisions", None), (W + "documentProtection", None)):
        for el in list(root.iter(tag)):
            _remove(el)
            if label:
                found[label] += 1
    return _bytes(root)


# ----------------------------------------------------------------------------- residue
RESIDUE_TAGS = {W + "del": "修订（删除）", W + "ins": "修订（插入）", W + "moveFrom": "修订（移动）",
                W + "delText": "修订（删除）", W + "commentReference": "批注", W + "commentRangeStart": "批注",
                W + "altChunk": "altChunk 嵌入内容", W + "object": "嵌入对象", W + "control": "ActiveX 控件",
                W + "customXml": "customXml 数据", W + "dataBinding": "customXml 数据"}


def residue(path: Path) -> list[str]:
    """What a cleaned copy still holds of the parts the sanitiser removes (empty: clean)."""
    left: list[str] = []
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        for name in names:
            label = next((v for k, v in DROP_PREFIX.items() if name.startswith(k)), None)
            if label and label not in left:
                left.append(label)
        for name in names:
            if not CONTENT.match(name):
                continue
            root = _xml(z.read(name))
            for el in root.iter():
                label = RESIDUE_TAGS.get(el.tag)
                if el.tag == W + "vanish" and el.get(W + "val") not in ("0", "false", "off") \
                        and el.getparent() is not None and el.getparent().getparent() is not None \
                        and el.getparent().getparent().tag == W + "r":
                    label = "隐藏文字"
                if label and label not in left:
                    left.append(label)
        if "docProps/core.xml" in names:
            core = _xml(z.read("docProps/core.xml"))
            if any(el.tag != DC + "title" and (el.text or "").strip() for el in core):
                left.append("文档属性")
    return left


# ----------------------------------------------------------------------------- helpers
def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=False))


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _remove(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is not None:
        _keep_tail(el)
        parent.remove(el)


def _keep_tail(el: etree._Element) -> None:
    if el.tail:
        prev = el.getprevious()
        parent = el.getparent()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        elif parent is not None:
            parent.text = (parent.text or "") + el.tail


def _unwrap(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    at = parent.index(el)
    for child in list(el):
        if child.tag in (W + "customXmlPr", W + "smartTagPr"):
            continue
        parent.insert(at, child)
        at += 1
    parent.remove(el)


def _drop_with_empty_run(el: etree._Element) -> None:
    """Remove el; its run too when nothing but run properties is left in it."""
    run = el.getparent()
    _remove(el)
    if run is not None and run.tag == W + "r" and all(c.tag == W + "rPr" for c in run):
        _remove(run)
