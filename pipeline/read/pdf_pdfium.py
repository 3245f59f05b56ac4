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
GENERATED = (32, 13, 10)  # the only characters PDFium's text page makes up (seen on every peer, corpus and real PDF)
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
        cids = _plain_page(plumber_page) if self.wanted(number) else None
        if cids is None:
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
                harvested = _harvest(page, textpage.raw, float(plumber_page.height), cids)
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


def _plain_page(plumber_page) -> frozenset[str] | None:
    """None, or the page may be read by PDFium: upright, every font (its forms' too) mapped to Unicode or
    one whose every code pdfminer gives as (cid:N) (the names of those fonts are the answer), no picture
    inside a form, and no /ActualText anywhere in what it draws (PDFium shows the ActualText instead of
    the glyphs; pdfminer reads the glyphs)."""
    from pdfminer.pdftypes import resolve1

    try:
        if (getattr(plumber_page, "rotation", 0) or 0) % 360:
            return None  # PDFium's boxes are in the unrotated page: a picture's crop would miss it
        page = plumber_page.page_obj
        streams: list = []
        cids: set[str] = set()
        fonts = _Fonts(getattr(getattr(plumber_page, "pdf", None), "rsrcmgr", None), cids)
        if not _mapped(resolve1(getattr(page, "resources", None)) or {}, 0, resolve1, streams, fonts):
            return None
        contents = page.contents if isinstance(page.contents, list) else [page.contents]
        for stream, form in [*((resolve1(c), False) for c in contents), *((s, True) for s in streams)]:
            data = stream.get_data() if hasattr(stream, "get_data") else b""  # pdfminer's capped inflation
            if b"ActualText" in data or ESCAPED_NAME.search(data) or (form and INLINE_IMAGE.search(data)):
                return None  # PDFium would show the ActualText; a picture drawn inside a form
        return frozenset(cids)
    except Exception:  # noqa: BLE001 — a damaged resource dictionary, a stream over the cap: pdfminer's path
        return None     # copes or says why


class _Fonts:
    """Which of a page's unmapped fonts PDFium may read: a Type0 font in Identity-H without /ToUnicode,
    for which pdfminer (the PDF's own resource manager: the font is parsed once for both engines) has no
    map at all, from its embedded font's cmap either: every code is (cid:N) to pdfminer, which is what
    _harvest writes for it (and a code PDFium maps there sends the page back to pdfminer)."""

    def __init__(self, manager, cids: set[str]) -> None:
        self._manager = manager
        self.cids = cids

    def cid_only(self, ref, font: dict) -> bool:
        from pdfminer.pdftypes import PDFObjRef, resolve1

        encoding = getattr(font.get("Encoding"), "name", None)
        if self._manager is None or getattr(font.get("Subtype"), "name", None) != "Type0" or encoding != "Identity-H":
            return False
        parsed = self._manager.get_font(ref.objid if isinstance(ref, PDFObjRef) else None, font)
        if getattr(parsed, "unicode_map", True) is not None or parsed.is_vertical():
            return False
        # PDFium names a Type0 font by its descendant's /BaseFont, which may differ from the font's own
        descendant = resolve1((resolve1(font.get("DescendantFonts")) or [None])[0])
        descendant = descendant if isinstance(descendant, dict) else {}
        descriptor = resolve1(descendant.get("FontDescriptor"))
        descriptor = descriptor if isinstance(descriptor, dict) else {}
        names = (font.get("BaseFont"), descendant.get("BaseFont"), descriptor.get("FontName"))
        self.cids.update(n.name for n in names if isinstance(getattr(n, "name", None), str))
        return True


def _mapped(resources, depth: int, resolve1, forms: list, known: _Fonts) -> bool:
    """Fonts mapped (or known to pdfminer as unmapped: `known`), here and in the forms (whose streams are
    added to `forms`); no picture XObject where a form could draw it (a form's own resources, or a page's
    that also has forms)."""
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
        if inner is not None and inner is not resources and not _mapped(inner, depth + 1, resolve1, forms, known):
            return False
    for ref in fonts.values():
        font = resolve1(ref)
        if not isinstance(font, dict):
            return False
        subtype = getattr(font.get("Subtype"), "name", None)
        if "ToUnicode" in font and subtype != "Type3":
            continue
        if subtype in SIMPLE and font.get("Encoding") is not None:
            continue  # a Latin encoding; a Chinese font behind one shows as Latin-1 letters: LATIN1
        if known.cid_only(ref, font):
            continue  # Wingdings' check boxes on a questionnaire
        return False
    return True


def _harvest(page, tp, height: float, cids: frozenset[str] = frozenset()):
    """(characters as pdfplumber's dicts, images, style) of a page, or None when its text is suspect (see
    the module's docstring). Lines are made from the characters' boxes by pdfplumber's own clustering, as for
    pdfminer's characters. PDFium's line breaks are left out; its spaces are kept, as a word break (an ID
    after 身份证号 or a letter stays a number of its own), except between two digits where pdfplumber sees no
    gap. Inside one text object such a space is made up from a kern (1 3 9… of a letter-spaced number: a
    space of the PDF's own there is never marked generated) and is dropped; between two text objects it may
    also be the PDF's own space glyph, trimmed from the end of the first object and generated again (which
    keeps two numbers apart): PDFium cannot tell which, so that page is pdfminer's. Where the next character
    is drawn elsewhere (a map's labels, a chart's axis: the objects are not in reading order) the space is
    kept, unless another digit stands right after the first one on its line (_digit_after). Boxes are
    pdfminer's vertically (the font size about the baseline, not each font's ascent: an ID in two fonts must
    stay one line). A character of a font in `cids` is (cid:N), as pdfminer gives it."""
    import pypdfium2.raw as raw

    count = raw.FPDFText_CountChars(tp)
    if count <= 0:
        return None  # a page without text: a scan, a blank page, outlines — pdfminer's path judges
    box = raw.FS_RECTF()
    matrix = raw.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    chars: list[dict] = []
    fonts: dict[int, str | None] = {}  # text object → its font's name, asked once per object
    spaced: list[dict] = []  # digits a made-up space follows where the next character drawn is elsewhere
    made_up = False  # PDFium generated a space before the next character
    k = 0
    while k < count:
        code = raw.FPDFText_GetUnicode(tp, k)
        if code in GENERATED and raw.FPDFText_IsGenerated(tp, k):  # PDFium makes up only spaces and breaks
            made_up = made_up or code == 32
            k += 1
            continue
        unmapped = raw.FPDFText_HasUnicodeMapError(tp, k)
        if cids and _font_of(raw, tp, k, fonts) in cids:
            if not unmapped:
                return None  # PDFium maps a code pdfminer does not know: the engines differ, pdfminer's path
            text = f"(cid:{code})"  # pdfminer's text for it; read/textlayer.py weighs how many there are
        elif unmapped:
            return None  # a code the font's /ToUnicode does not map: pdfminer says (cid:N), NO_TEXT
        else:
            text = None
        # upright as pdfminer's: neither rotated, skewed nor mirrored (FPDFText_GetCharAngle is the matrix's)
        if (not raw.FPDFText_GetMatrix(tp, k, matrix) or matrix.b or matrix.c or matrix.a <= 0 or matrix.d <= 0
                or not raw.FPDFText_GetLooseCharBox(tp, k, box) or not raw.FPDFText_GetCharOrigin(tp, k, ox, oy)):
            return None  # rotated, skewed or vertical text: pdfminer's path
        step = 1
        if text is None:
            text = chr(code)
        if len(text) == 1 and 0xD800 <= code < 0xDC00 and k + 1 < count:  # a character beyond the BMP: two UTF-16 units
            low = raw.FPDFText_GetUnicode(tp, k + 1)
            if 0xDC00 <= low < 0xE000:
                text, step = chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), 2
        # vertically as pdfminer: the font size above and below the baseline, whatever the font's ascent says
        size = raw.FPDFText_GetFontSize(tp, k) * matrix.d
        x0, x1, top, bottom = box.left, box.right, height - oy.value - 0.8 * size, height - oy.value + 0.2 * size
        if made_up and chars:
            last = chars[-1]
            numeric = NUMBERISH.match(last["text"])
            if (numeric and NUMBERISH.match(text) and abs(last["top"] - top) < 1.0 and last["x0"] < x0
                    and x0 - last["x1"] < WORD_GAP):
                if not _same_object(raw, tp, last["index"], k):
                    return None  # between two text objects: made up, or the PDF's own space trimmed? pdfminer
                # within one text object a space of the PDF's own is never generated: a kern, dropped
            else:
                chars.append({**last, "text": " ", "x0": last["x1"], "width": 0.0, "index": None})
                if numeric:
                    spaced.append(last)
        made_up = False
        chars.append({"object_type": "char", "text": text, "fontname": None, "upright": True,
                      "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "width": x1 - x0,
                      "height": bottom - top, "index": k, "size": size})
        k += step
    if spaced and _digit_after(chars, spaced):
        return None  # the space PDFium made up may split a number drawn in pieces out of order: pdfminer
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


def _digit_after(chars: list[dict], digits: list[dict]) -> bool:
    """Some digit a made-up space follows has another digit drawn right after it on its line, by a later or
    an earlier text object (the next character PDFium read was elsewhere: a map's labels, a chart's axis). Did
    the PDF print a space there? PDFium cannot tell, pdfminer can. A grid of 1-point cells keeps it linear."""
    grid: dict[tuple[int, int], list[dict]] = {}
    for c in chars:
        if NUMBERISH.match(c["text"]):
            grid.setdefault((int(c["top"]), int(c["x0"])), []).append(c)
    for d in digits:
        row, first, end = int(d["top"]), int(d["x0"]), int(d["x1"] + WORD_GAP)
        if end - first > 200:
            return True  # a glyph hundreds of points wide: not worth a search
        for y in (row - 1, row, row + 1):
            for x in range(first, end + 1):
                for c in grid.get((y, x), ()):
                    if c is not d and abs(c["top"] - d["top"]) < 1.0 and d["x0"] < c["x0"] < d["x1"] + WORD_GAP:
                        return True
    return False


def _font_of(raw, tp, k: int, names: dict[int, str | None]) -> str | None:
    """The base font name of character k's text object (cached in `names` by the object's address)."""
    obj = raw.FPDFText_GetTextObject(tp, k)
    if not obj:
        return None
    address = ctypes.addressof(obj.contents)
    if address not in names:
        font = raw.FPDFTextObj_GetFont(obj)
        size = raw.FPDFFont_GetBaseFontName(font, None, 0) if font else 0
        buffer = ctypes.create_string_buffer(max(1, size))
        if size:
            raw.FPDFFont_GetBaseFontName(font, buffer, size)
        names[address] = buffer.value.decode("latin-1") if size else None
    return names[address]


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
            out.append({"x0": l.value, "x1": r.value, "top": height - t.value, "bottom": height - b.value,
                        "user": (l.value, b.value, r.value, t.value)})
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
