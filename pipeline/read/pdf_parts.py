"""The parts of a PDF besides its page text: annotations (text notes, FreeText, stamps, popups, links,
file attachments), AcroForm field values, the document info and XMP metadata, embedded files (read
when .docx / .pdf / .txt / .xlsx, reported otherwise) and XFA form data. Every object is resolved
with loop and count limits: a hostile file's object graph is never walked without bound."""
from __future__ import annotations

import hashlib
import re
from typing import Any, Iterator

from lxml import etree

from ..model import Block, Unchecked
from ..textutil import clean

INFO_NAMES = {"Title": "标题", "Subject": "主题", "Keywords": "关键词", "Author": "作者", "Creator": "创建程序",
              "Producer": "生成程序"}
XMP_NAMES = {"title": "标题", "description": "主题", "subject": "关键词", "Keywords": "关键词", "creator": "作者"}
STAMPS = {"NotForPublicRelease": "不得公开", "Confidential": "内部资料", "TopSecret": "绝密"}  # standard stamp names
SKIP_ANNOTS = {"Widget", "Link", "Popup"}  # form widgets are read as fields; popups repeat their parent
MAX_OBJECTS = 5000
XFA_PLACEHOLDER = ("please wait", "adobe reader 8", "adobe reader or", "requires adobe", "to view the full contents",
                   "your pdf viewer may not be able", "upgrade to the latest version of adobe")
_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True)


def _resolve(obj: Any) -> Any:
    from pdfminer.pdftypes import resolve1

    return resolve1(obj)


def text_of(value: Any) -> str:
    """A PDF string (PDFDocEncoding or UTF-16 with BOM), name or number as text."""
    from pdfminer.psparser import PSLiteral
    from pdfminer.utils import decode_text

    value = _resolve(value)
    if isinstance(value, bytes):
        return clean(decode_text(value))
    if isinstance(value, PSLiteral):
        return clean(value.name if isinstance(value.name, str) else value.name.decode("latin-1"))
    if isinstance(value, str):
        return clean(value)
    return ""


def annotation_blocks(page, number: int, doc_state: dict) -> Iterator[Block]:
    """The notes, stamps and links of one page, in the order they stand in the page's /Annots."""
    count = doc_state.setdefault("comments", 0)
    for annot in page.annots:
        raw = annot.get("data") or {}
        kind = text_of(raw.get("Subtype"))
        if kind == "Link":
            uri = annot.get("uri")
            if uri:
                yield Block(text=clean(uri), location=f"第{number}页·超链接地址", kind="aside", part="hyperlink")
            continue
        if kind == "FileAttachment":
            doc_state.setdefault("file_annots", []).append(raw.get("FS"))
        if kind in SKIP_ANNOTS:
            continue
        texts = [text_of(raw.get(k)) for k in ("Subj", "Contents", "RC")]
        if kind == "Stamp":
            name = text_of(raw.get("Name"))
            texts.insert(0, f"{STAMPS[name]}（{name} 印章）" if name in STAMPS else name)
        texts = list(dict.fromkeys(t.strip() for t in texts if t and t.strip()))
        if kind == "FileAttachment" or not texts:
            continue
        count += 1
        doc_state["comments"] = count
        yield Block(text="\n".join(texts), location=f"第{number}页·批注{count}", kind="aside", part="comment")


def form_blocks(doc) -> Iterator[Block]:
    """AcroForm field values (and their tooltips): a filled-in form's answers are not in the page text."""
    form = _resolve(doc.catalog.get("AcroForm"))
    if not isinstance(form, dict):
        return
    stack = [(f, "") for f in reversed(_resolve(form.get("Fields")) or [])]
    seen: set[int] = set()
    while stack and len(seen) < MAX_OBJECTS:
        ref, parent = stack.pop()
        key = getattr(ref, "objid", None) or id(ref)
        if key in seen:
            continue
        seen.add(key)
        field = _resolve(ref)
        if not isinstance(field, dict):
            continue
        name = ".".join(p for p in (parent, text_of(field.get("T"))) if p)
        for value in (field.get("V"), field.get("TU")):
            text = _field_value(value)
            if text:
                yield Block(text=text, location=f"表单域「{name or '未命名'}」", kind="aside", part="form_field")
        stack.extend((k, name) for k in reversed(_resolve(field.get("Kids")) or []))


def _field_value(value: Any) -> str:
    value = _resolve(value)
    if isinstance(value, list):
        return "、".join(t for t in (text_of(v) for v in value) if t)
    text = text_of(value)
    return "" if text in ("Off", "") else text.strip()


def info_blocks(doc) -> Iterator[Block]:
    """The document info dictionary and the XMP metadata packet (each value once)."""
    seen: set[str] = set()
    for info in doc.info or []:
        for key, name in INFO_NAMES.items():
            text = text_of(info.get(key)).strip() if isinstance(info, dict) else ""
            if text and text not in seen:
                seen.add(text)
                yield Block(text=text, location=f"文档属性·{name}", kind="aside", part="property")
    stream = _resolve(doc.catalog.get("Metadata"))
    try:
        data = stream.get_data() if hasattr(stream, "get_data") else None
    except Exception:  # noqa: BLE001 — pdfminer raises many kinds on a damaged stream; metadata is optional
        data = None
    root = etree.fromstring(data, _XML) if data and data.strip() else None
    for el in root.iter() if root is not None else ():
        if not isinstance(el.tag, str) or not el.text or not el.text.strip():
            continue
        owner = el.getparent()
        while owner is not None and etree.QName(owner).localname in ("li", "Alt", "Seq", "Bag"):
            owner = owner.getparent()
        local = etree.QName(owner if owner is not None else el).localname
        name = XMP_NAMES.get(local)
        text = clean(el.text).strip()
        if name and text not in seen:
            seen.add(text)
            yield Block(text=text, location=f"文档属性·{name}", kind="aside", part="property")


def attachment_blocks(doc, file_annots: list, depth: int, unchecked: list[Unchecked]) -> Iterator[Block]:
    """Files embedded in the PDF (the EmbeddedFiles name tree and file-attachment annotations)."""
    from .docx_parts import embedded_file

    specs = list(_name_tree(_resolve(doc.catalog.get("Names") or {}).get("EmbeddedFiles")
                            if isinstance(_resolve(doc.catalog.get("Names")), dict) else None))
    specs += [(None, fs) for fs in file_annots]
    done: set[int] = set()
    places: set[tuple[str, str]] = set()
    for label, spec in specs:
        key = getattr(spec, "objid", None) or id(spec)
        spec = _resolve(spec)
        if key in done or not isinstance(spec, dict):
            continue
        done.add(key)
        name = text_of(spec.get("UF")) or text_of(spec.get("F")) or label or "未命名"
        ef = _resolve(spec.get("EF"))
        stream = _resolve(ef.get("F") or ef.get("UF")) if isinstance(ef, dict) else None
        try:
            data = stream.get_data() if hasattr(stream, "get_data") else None
        except Exception:  # noqa: BLE001 — an encrypted or damaged attachment stream
            data = None
        same = (name, hashlib.sha1(data or b"").hexdigest())
        if same in places:
            continue  # the same file attached twice (once per page, or as an annotation too)
        where = f"附件 {name}" + (f"（{len(places) + 1}）" if any(p[0] == name for p in places) else "")
        places.add(same)
        if not data:
            unchecked.append(Unchecked(where, "附件内容无法读取（可能已加密或损坏）", "attachment"))
            continue
        yield from embedded_file(data, name, where, depth, unchecked, part="attachment")


def _name_tree(node: Any) -> Iterator[tuple[str, Any]]:
    stack, seen = [node], 0
    while stack and seen < MAX_OBJECTS:
        node = _resolve(stack.pop())
        seen += 1
        if not isinstance(node, dict):
            continue
        names = _resolve(node.get("Names")) or []
        for i in range(0, len(names) - 1, 2):
            yield text_of(names[i]), names[i + 1]
        stack.extend(_resolve(node.get("Kids")) or [])


def xfa_text(doc) -> list[str] | None:
    """The text of an XFA form (template captions and texts, dataset values); None when there is no XFA."""
    form = _resolve(doc.catalog.get("AcroForm"))
    xfa = _resolve(form.get("XFA")) if isinstance(form, dict) else None
    if xfa is None:
        return None
    if isinstance(xfa, list):
        packets = [(text_of(xfa[i]), _resolve(xfa[i + 1])) for i in range(0, len(xfa) - 1, 2)]
    else:
        packets = [("", xfa)]
    lines: list[str] = []
    for name, stream in packets:
        if name and name not in ("template", "datasets", "form"):
            continue  # config, localeSet, xmpmeta …: settings, not the form's words
        try:
            data = stream.get_data() if hasattr(stream, "get_data") else None
        except Exception:  # noqa: BLE001 — a damaged XFA packet: the form is not read
            data = None
        if not data or not data.strip():
            continue
        data = re.sub(rb"<\?xml[^>]*\?>", b"", data)
        root = etree.fromstring(b"<xfa-packets>" + data + b"</xfa-packets>", _XML)
        if root is None:
            continue
        for el in root.iter():
            if not isinstance(el.tag, str) or not el.text or not el.text.strip():
                continue
            local = etree.QName(el).localname
            if local in ("script", "picture", "image") or (name != "datasets" and not _xfa_words(el)):
                continue
            lines.append(clean(el.text).strip())
    return lines


def _xfa_words(el: etree._Element) -> bool:
    """In a template (or a whole XDP), only the texts a reader sees: captions, static texts, tooltips, data —
    not the designer's notes (desc, extras), scripts' variables or settings."""
    names = {etree.QName(n).localname for n in (el, *el.iterancestors())}
    if names & {"config", "localeSet", "xmpmeta", "connectionSet", "sourceSet", "desc", "extras", "variables"}:
        return False
    return bool(names & {"text", "exData", "toolTip", "speak", "data", "datasets"})


def is_placeholder(text: str) -> bool:
    flat = " ".join(text.lower().split())
    return any(p in flat for p in XFA_PLACEHOLDER)
