"""PDFium's readings of a PDF. The middle pages of a long PDF, read through PDFium (pypdfium2, already pdfplumber's renderer): its
text engine is C, about 30 times faster than pdfminer's content-stream parser, which is most of the time a
100-page report takes (7 of 7.4 s of CPU on a 113-page one).

pdfminer stays the reader wherever its extra knowledge counts: the first HEAD and last TAIL pages (the
title, 文号, 版头 colours and sizes, the signature and date), and every page PDFium's reading cannot be
trusted on as it stands. A middle page is read here only when
- every font it uses (its forms' too) carries a /ToUnicode map, or is a simple font with an /Encoding: no (cid:N) codes,
  no glyph numbers — those pages go to pdfminer and read/textlayer.py;
- its pictures stand on the page itself, not inside a form (whose box would be in the form's space);
- its text has lines, no replacement or non-characters and hardly any Latin-1 letters (GBK bytes shown
  through a Latin font, È«ÊÀ½ç…: pdfminer's path and read/textlayer.py decode them back);
- no glyph is drawn twice at the same place (fake bold: pdfminer's path removes the doubles).
Otherwise `read` answers None and the caller reads the page with pdfminer as before.

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


class FastPages:
    """PDFium's view of one PDF, opened on the first middle page asked for."""

    def __init__(self, source, count: int) -> None:
        self._source = source
        self._count = count
        self._doc = None
        self._failed = False

    def wanted(self, number: int) -> bool:
        return self._count > HEAD + TAIL and HEAD < number <= self._count - TAIL and not self._failed

    def read(self, number: int, plumber_page) -> tuple[list, int, int, list[dict]] | None:
        """What pdf._page_lines gives for the page, read through PDFium; None: read it with pdfminer."""
        if not self.wanted(number) or not _mapped_fonts_only(plumber_page):
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
            textpage = page.get_textpage()
            try:
                harvested = _harvest(page, textpage.raw, float(plumber_page.height))
                if harvested is None:
                    return None
                return _page_lines(plumber_page, lambda: harvested)
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


def _mapped_fonts_only(plumber_page) -> bool:
    """Every font of the page and of its forms has a /ToUnicode map or a Latin /Encoding; pictures stand
    on the page itself (a picture inside a form has its box in the form's space)."""
    from pdfminer.pdftypes import resolve1

    try:
        return _mapped(resolve1(getattr(plumber_page.page_obj, "resources", None)) or {}, 0, resolve1)
    except Exception:  # noqa: BLE001 — a damaged resource dictionary: pdfminer's path copes or says why
        return False


def _mapped(resources, depth: int, resolve1) -> bool:
    if not isinstance(resources, dict) or depth > 3:
        return False
    xobjects = resolve1(resources.get("XObject")) or {}
    fonts = resolve1(resources.get("Font")) or {}
    if not isinstance(xobjects, dict) or not isinstance(fonts, dict):
        return False
    for xobject in xobjects.values():
        attrs = getattr(resolve1(xobject), "attrs", {})
        subtype = getattr(attrs.get("Subtype"), "name", None)
        if subtype == "Image" and depth == 0:
            continue
        if subtype != "Form":
            return False
        inner = resolve1(attrs.get("Resources"))
        if inner is not None and inner is not resources and not _mapped(inner, depth + 1, resolve1):
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
    the module's docstring). PDFium's line breaks are left out, its spaces kept (it marks a PDF's own space
    glyphs as generated): the lines are made from the characters' boxes by pdfplumber's own clustering, as
    for pdfminer's characters."""
    import pypdfium2.raw as raw

    count = raw.FPDFText_CountChars(tp)
    if count <= 0:
        return None  # a page without text: a scan, a blank page, outlines — pdfminer's path judges
    box = raw.FS_RECTF()
    chars: list[dict] = []
    for k in range(count):
        code = raw.FPDFText_GetUnicode(tp, k)
        if code in (10, 13):
            continue
        if raw.FPDFText_IsGenerated(tp, k):  # PDFium takes a PDF's own spaces for its own, without a box
            if code != 32 or not chars:
                continue
            last = chars[-1]
            x0 = x1 = last["x1"]
            top, bottom = last["top"], last["bottom"]
        elif raw.FPDFText_GetCharAngle(tp, k) != 0 or not raw.FPDFText_GetLooseCharBox(tp, k, box):
            return None  # rotated or vertical text: pdfminer's path
        else:
            x0, x1, top, bottom = box.left, box.right, height - box.top, height - box.bottom
        chars.append({"object_type": "char", "text": chr(code), "fontname": None, "upright": True,
                      "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "width": x1 - x0,
                      "height": bottom - top, "index": k})
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
        size = raw.FPDFText_GetFontSize(tp, k)  # in text space: 360 under a text matrix of 0.05 is 18 pt
        matrix = raw.FS_MATRIX()
        if size and raw.FPDFText_GetMatrix(tp, k, matrix):
            size *= math.hypot(matrix.c, matrix.d)
        return size or None, color

    return chars, _images(page, height), style


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
