"""PDFium's readings of a PDF. The middle pages of a long PDF, read through PDFium (pypdfium2, already pdfplumber's renderer): its
text engine is C, about 30 times faster than pdfminer's content-stream parser, which is most of the time a
100-page report takes (7 of 7.4 s of CPU on a 113-page one).

pdfminer stays the reader wherever its extra knowledge counts: the first HEAD and last TAIL pages (the
title, 文号, 版头 colours and sizes, the signature and date), every page of a file whose page tree is not
plain (a page listed twice or a typeless kid: pdfminer skips them, PDFium counts them, and every page after
would be another), and every page PDFium's reading cannot be trusted on as it stands. A middle page is
read here only when
- it is upright (/Rotate 0: PDFium's picture boxes are in the unrotated page);
- every font it uses (its forms' too) carries a /ToUnicode map, or is a simple font with an /Encoding; and
  no character has a code that map does not cover (PDFium gives the raw code, pdfminer (cid:N)) — those
  pages go to pdfminer and read/textlayer.py;
- nothing it draws carries /ActualText (PDFium shows it instead of the glyphs);
- no picture is drawn inside a form (its box would be in the form's space);
- it holds at most MAX_OBJECTS page objects (PDFium's text page is quadratic on a crowded line, and its C
  code cannot be interrupted by the page's budget), and its streams inflate under pdfminer's caps (checked
  first, by pdfminer);
- its text has no rotated characters, no replacement or non-characters and hardly any Latin-1 letters (GBK
  bytes shown through a Latin font, È«ÊÀ½ç…: pdfminer's path and read/textlayer.py decode them back).
Otherwise `read` answers None and the caller reads the page with pdfminer as before. Fake-bold doubles
are removed by pdf._without_doubles as for pdfminer's characters (PDFium's have no font name: a glyph drawn
twice at the same place in two fonts is one).

And the whole file (`whole_file`), when pdfminer cannot open it at all."""
from __future__ import annotations

import ctypes
import math
import re
from typing import TYPE_CHECKING

from ..errors import InputError
from ..model import Block, Unchecked
from . import textlayer

if TYPE_CHECKING:
    from .pdf import PdfText

HEAD, TAIL = 3, 2  # pages always read by pdfminer at the start and the end of the file
SIMPLE = {"Type1", "TrueType", "MMType1"}  # fonts whose codes an /Encoding maps
LATIN1 = re.compile(r"[\u00a1-\u00ff]")  # ã ç é in Portuguese or French are a few per cent, never a tenth
UNMAPPED = re.compile(r"[\ufffd\ufffe\uffff]")
INLINE_IMAGE = re.compile(rb"BI(?=[\s/])")  # an inline picture (or a string that looks like one: pdfminer then)
ESCAPED_NAME = re.compile(rb"/[^\s/\[\]()<>{}%]*#[0-9A-Fa-f]{2}")  # /Actual#54ext is /ActualText
NUMBERISH = re.compile(r"[0-9０-９Xx]")  # what a personal number is made of
WORD_GAP = 3.0  # pdfplumber's x_tolerance: a wider gap between two characters is a word break
MAX_OBJECTS = 20_000  # page objects (forms' included) PDFium is given; a page with more goes to pdfminer


class FastPages:
    """PDFium's view of one PDF, opened on the first middle page asked for."""

    def __init__(self, source, count: int, miner_doc=None) -> None:
        self._source = source
        self._count = count
        self._doc = None
        # the two engines must see the same pages in the same order: pdfminer walks /Kids and skips a
        # repeated or typeless kid, PDFium trusts /Count; only a plain page tree is read by both
        self._failed = count <= HEAD + TAIL or miner_doc is None or not _plain_tree(miner_doc, count)

    def wanted(self, number: int) -> bool:
        return not self._failed and HEAD < number <= self._count - TAIL

    def read(self, number: int, plumber_page) -> tuple[list, int, int, list[dict]] | None:
        """What pdf._page_lines gives for the page, read through PDFium; None: read it with pdfminer."""
        if not self.wanted(number) or not _plain_page(plumber_page):
            return None
        doc = self._open()
        if doc is None:
            return None
        from .pdf import _page_lines

        try:
            page = doc[number - 1]
        except Exception:  # noqa: BLE001 — PDFium's errors have no common base: pdfminer reads the page
            return None
        try:
            if _objects(page.raw, 0) > MAX_OBJECTS:  # PDFium's text page is quadratic on a crowded line
                return None
            textpage = page.get_textpage()
            try:
                harvested = _harvest(page, textpage.raw, float(plumber_page.height))
                return _page_lines(plumber_page, harvested) if harvested else None
            finally:
                textpage.close()
        finally:
            page.close()

    def _open(self):
        if self._doc is None and not self._failed:
            import pypdfium2 as pdfium

            source = self._source
            if hasattr(source, "getvalue"):
                source = source.getvalue()
            try:
                self._doc = pdfium.PdfDocument(source)
            except Exception:  # noqa: BLE001 — PDFium refuses a file pdfminer opened: pdfminer reads it all
                self._failed = True
            else:
                if len(self._doc) != self._count:  # the two engines disagree on the pages: trust neither's mix
                    self.close()
                    self._failed = True
        return self._doc

    def close(self) -> None:
        if self._doc is not None:
            self._doc.close()
            self._doc = None


def _plain_tree(doc, count: int) -> bool:
    """The page tree is plain: every /Kids entry a distinct /Page or /Pages, the leaves as many as pdfminer's
    pages and as the root's /Count."""
    from pdfminer.pdftypes import PDFObjRef, resolve1

    try:
        root = resolve1(doc.catalog.get("Pages"))
        if not isinstance(root, dict) or resolve1(root.get("Count")) != count:
            return False
        seen: set[int] = set()
        leaves = 0
        stack = [(root, 0)]
        while stack:
            node, depth = stack.pop()
            kind = getattr(node.get("Type"), "name", None)
            kids = resolve1(node.get("Kids"))
            if kids is None:
                if kind != "Page":
                    return False
                leaves += 1
                continue
            if kind != "Pages" or not isinstance(kids, list) or depth > 32:
                return False
            for kid in kids:
                if not isinstance(kid, PDFObjRef) or kid.objid in seen:
                    return False
                seen.add(kid.objid)
                child = resolve1(kid)
                if not isinstance(child, dict):
                    return False
                stack.append((child, depth + 1))
        return leaves == count
    except Exception:  # noqa: BLE001 — a damaged tree: pdfminer reads every page
        return False


def _plain_page(plumber_page) -> bool:
    """The page may be read by PDFium: upright, every font (its forms' too) mapped to Unicode, no picture
    inside a form, and no /ActualText anywhere in what it draws (PDFium shows the ActualText instead of
    the glyphs; pdfminer reads the glyphs)."""
    from pdfminer.pdftypes import resolve1

    try:
        if (getattr(plumber_page, "rotation", 0) or 0) % 360:
            return False  # PDFium's boxes are in the unrotated page: a picture's crop would miss it
        page = plumber_page.page_obj
        streams: list = []
        if not _mapped(resolve1(getattr(page, "resources", None)) or {}, 0, resolve1, streams):
            return False
        contents = page.contents if isinstance(page.contents, list) else [page.contents]
        for stream, form in [*((resolve1(c), False) for c in contents), *((s, True) for s in streams)]:
            data = stream.get_data() if hasattr(stream, "get_data") else b""  # pdfminer's capped inflation
            if b"ActualText" in data or ESCAPED_NAME.search(data) or (form and INLINE_IMAGE.search(data)):
                return False  # PDFium would show the ActualText; a picture drawn inside a form
        return True
    except Exception:  # noqa: BLE001 — a damaged resource dictionary, a stream over the cap: pdfminer's path
        return False    # copes or says why


def _mapped(resources, depth: int, resolve1, forms: list) -> bool:
    """Fonts mapped, here and in the forms (whose streams are added to `forms`); no picture XObject where a
    form could draw it (a form's own resources, or a page's that also has forms)."""
    if not isinstance(resources, dict) or depth > 3:
        return False
    xobjects = resolve1(resources.get("XObject")) or {}
    fonts = resolve1(resources.get("Font")) or {}
    properties = resolve1(resources.get("Properties")) or {}
    if not isinstance(xobjects, dict) or not isinstance(fonts, dict) or not isinstance(properties, dict):
        return False
    if any("ActualText" in (resolve1(p) or {}) for p in properties.values()):
        return False
    kinds = [getattr(getattr(resolve1(x), "attrs", {}).get("Subtype"), "name", None) for x in xobjects.values()]
    if any(k not in ("Image", "Form") for k in kinds) or ("Image" in kinds and ("Form" in kinds or depth)):
        return False
    for xobject in xobjects.values():
        stream = resolve1(xobject)
        if getattr(stream.attrs.get("Subtype"), "name", None) != "Form":
            continue
        if len(forms) > 64:
            return False
        forms.append(stream)
        inner = resolve1(stream.attrs.get("Resources"))
        if inner is not None and inner is not resources and not _mapped(inner, depth + 1, resolve1, forms):
            return False
    for font in fonts.values():
        font = resolve1(font)
        if not isinstance(font, dict):
            return False
        subtype = getattr(font.get("Subtype"), "name", None)
        if "ToUnicode" in font and subtype != "Type3":
            continue
        if subtype in SIMPLE and font.get("Encoding") is not None:
            continue  # a Latin encoding; a Chinese font behind one shows as Latin-1 letters: LATIN1
        return False
    return True


def _harvest(page, tp, height: float):
    """(characters as pdfplumber's dicts, images, style) of a page, or None when its text is suspect (see
    the module's docstring). Lines are made from the characters' boxes by pdfplumber's own clustering, as for
    pdfminer's characters. PDFium's line breaks are left out; its spaces are kept, as a word break (an ID
    after 身份证号 or a letter stays a number of its own), except between two digits where pdfplumber sees no
    gap. Inside one text object such a space is made up from a kern (1 3 9… of a letter-spaced number: a
    space of the PDF's own there is never marked generated) and is dropped; between two text objects it may
    also be the PDF's own space glyph, trimmed from the end of the first object and generated again (which
    keeps two numbers apart): PDFium cannot tell which, so that page is pdfminer's. Boxes are pdfminer's vertically (the font size about
    the baseline, not each font's ascent: an ID in two fonts must stay one line)."""
    import pypdfium2.raw as raw

    count = raw.FPDFText_CountChars(tp)
    if count <= 0:
        return None  # a page without text: a scan, a blank page, outlines — pdfminer's path judges
    box = raw.FS_RECTF()
    matrix = raw.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    chars: list[dict] = []
    made_up = False  # PDFium generated a space before the next character
    k = 0
    while k < count:
        code = raw.FPDFText_GetUnicode(tp, k)
        if raw.FPDFText_IsGenerated(tp, k):
            made_up = made_up or code == 32
            k += 1
            continue
        if raw.FPDFText_HasUnicodeMapError(tp, k):
            return None  # a code the font's /ToUnicode does not map: pdfminer says (cid:N), NO_TEXT
        if (raw.FPDFText_GetCharAngle(tp, k) != 0 or not raw.FPDFText_GetLooseCharBox(tp, k, box)
                or not raw.FPDFText_GetCharOrigin(tp, k, ox, oy) or not raw.FPDFText_GetMatrix(tp, k, matrix)):
            return None  # rotated or vertical text: pdfminer's path
        text, step = chr(code), 1
        if 0xD800 <= code < 0xDC00 and k + 1 < count:  # a character beyond the BMP: two UTF-16 units
            low = raw.FPDFText_GetUnicode(tp, k + 1)
            if 0xDC00 <= low < 0xE000:
                text, step = chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), 2
        # vertically as pdfminer: the font size above and below the baseline, whatever the font's ascent says
        size = raw.FPDFText_GetFontSize(tp, k) * math.hypot(matrix.c, matrix.d)
        x0, x1, top, bottom = box.left, box.right, height - oy.value - 0.8 * size, height - oy.value + 0.2 * size
        if made_up and chars:
            last = chars[-1]
            if (abs(last["top"] - top) < 1.0 and x0 - last["x1"] < WORD_GAP and NUMBERISH.match(text)
                    and NUMBERISH.match(last["text"])):
                if not _same_object(raw, tp, last["index"], k):
                    return None  # between two text objects: made up, or the PDF's own space trimmed? pdfminer
                # within one text object a space of the PDF's own is never generated: a kern, dropped
            else:
                chars.append({**last, "text": " ", "x0": last["x1"], "width": 0.0, "index": None})
        made_up = False
        chars.append({"object_type": "char", "text": text, "fontname": None, "upright": True,
                      "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "width": x1 - x0,
                      "height": bottom - top, "index": k, "size": size})
        k += step
    text = "".join(c["text"] for c in chars)
    if not text.strip():
        return None
    if len(LATIN1.findall(text)) > len(text) // 10 or len(UNMAPPED.findall(text)) > max(3, len(text) // 100):
        return None  # GBK through a Latin font (every Chinese character two Latin-1 letters), or no map

    def style(char: dict):
        k = char.get("index")
        if k is None:
            return None, None
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        color = (r.value / 255, g.value / 255, b.value / 255) if raw.FPDFText_GetFillColor(tp, k, r, g, b, a) \
            else None
        return char.get("size") or None, color

    return chars, _images(page, height), style


def _same_object(raw, tp, a: int | None, b: int) -> bool:
    """Characters a and b of the text page were drawn by one text object (one Tj or TJ)."""
    if a is None:
        return False
    first, second = raw.FPDFText_GetTextObject(tp, a), raw.FPDFText_GetTextObject(tp, b)
    return bool(first) and bool(second) and ctypes.addressof(first.contents) == ctypes.addressof(second.contents)


def _objects(parent, depth: int, form: bool = False) -> int:
    """How many page objects a page (or a form) holds, its forms' own included."""
    import pypdfium2.raw as raw

    count_of, get = (raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject) if form else \
        (raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject)
    n = max(0, count_of(parent))
    if n > MAX_OBJECTS:
        return n
    total = n
    for k in range(n):
        obj = get(parent, k)
        if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_FORM and depth < 4:
            total += _objects(obj, depth + 1, form=True)
            if total > MAX_OBJECTS:
                break
    return total


def _images(page, height: float) -> tuple[dict, ...]:
    import pypdfium2.raw as raw

    out = []
    l, b, r, t = (ctypes.c_float() for _ in range(4))
    for k in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, k)
        if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_IMAGE and raw.FPDFPageObj_GetBounds(obj, l, b, r, t):
            out.append({"x0": l.value, "x1": r.value, "top": height - t.value, "bottom": height - b.value})
    return tuple(out)


def whole_file(source, error: Exception | None, max_pages: int) -> PdfText | None:
    """pdfminer refuses some files PDFium opens: security handlers it does not know (an RC4 file that opens
    without a password), an /Encrypt entry on a file that is not encrypted, a page without a MediaBox. Their
    page text and attachments are read with PDFium. A file that needs a password is ENCRYPTED; one PDFium
    cannot read either (or finds no page in) keeps pdfminer's error."""
    import pypdfium2 as pdfium

    if hasattr(source, "seek"):
        source.seek(0)
        source = source.read()
    try:
        pdf = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            from .pdf import encrypted

            raise encrypted() from error
        return None
    try:
        return _whole_text(pdf, max_pages)
    except pdfium.PdfiumError:
        return None  # PDFium gives up on this file too: pdfminer's error stands
    finally:
        pdf.close()


def _whole_text(pdf, max_pages: int) -> PdfText | None:
    """Page text and attachments through PDFium, and how many annotations it could not read."""
    import pypdfium2 as pdfium

    from .docx_parts import embedded_file
    from .pdf import PdfText

    count = len(pdf)
    if not count:
        return None
    if count > max_pages:
        raise InputError(f"PDF 页数过多（{count} 页，上限 {max_pages} 页）；请拆分后再放入。", "TOO_LARGE")
    blocks, notes = [], 0
    for number in range(count):
        page = pdf[number]
        text = page.get_textpage().get_text_range()
        blocks += [Block(text=ln, location=f"第{number + 1}页", kind="page") for ln in text.splitlines() if ln.strip()]
        notes += sum(pdfium.raw.FPDFAnnot_GetSubtype(pdfium.raw.FPDFPage_GetAnnot(page.raw, i)) not in (2, 16)
                     for i in range(pdfium.raw.FPDFPage_GetAnnotCount(page.raw)))
    unchecked: list[Unchecked] = []
    extras = []
    for i in range(pdf.count_attachments()):
        attachment = pdf.get_attachment(i)
        name = attachment.get_name() or f"附件{i + 1}"
        try:
            data = bytes(attachment.get_data())
        except pdfium.PdfiumError:
            unchecked.append(Unchecked(f"附件 {name}", "附件内容无法读取（可能已加密或损坏）", "attachment"))
            continue
        extras += embedded_file(data, name, f"附件 {name}", 1, unchecked, part="attachment")
    if notes:
        unchecked.append(Unchecked(f"批注或表单域 {notes} 个", "这个 PDF 只能用另一种方式打开，批注和表单域的内容未能读取",
                                   "comment"))
    body, reason = textlayer.judge(blocks, 0.0)
    if not body and reason is None:
        reason = "PDF 没有文字层（可能是扫描件或图片），无法检查内容"
    return PdfText(tuple(body + extras), count, reason, tuple(unchecked))
