"""Hand-written 10-page PDFs that PDFium and pdfminer read differently (found by a review of
read/pdf_pdfium.py): a page tree listing a page twice, codes a /ToUnicode map does not cover, /ActualText
over the glyphs, digits kerned apart by TJ, a PDF's own trailing spaces, a screenshot drawn through a form
or on a rotated page. Whichever engine reads the middle pages, the personal numbers are found on the page
they are printed on and unreadable text is NO_TEXT."""
from __future__ import annotations

import zlib
from pathlib import Path

from fixtures import check
from hidden_fixtures import raw_pdf, stream
from optional import need, need_module

HELV = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
ID, MOBILE, CARD = "11010519491231002X", "13812345678", "6222021234567890128"
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def lines(texts: list[str], y: int = 780) -> bytes:
    out = b"BT /F1 14 Tf "
    for k, text in enumerate(texts):
        out += b"1 0 0 1 72 %d Tm (%s) Tj " % (y - 24 * k, text.encode("latin-1"))
    return out + b"ET"


def ten_pages(path: Path, special: dict[int, bytes], fonts: bytes = b"/F1 3 0 R", extra: list[bytes] = (),
              page_extra: bytes = b"", kids_order=None, resources: bytes | None = None) -> Path:
    """Objects: 1 catalog, 2 pages, 3 Helvetica, 4.. `extra`, then a page and its content per page; page n
    draws its own line plus special[n]."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", HELV, *extra]
    kids = []
    for n in range(1, 11):
        page = len(objects) + 1
        body = lines([f"Page {n}: party dues are reported every quarter."]) + b" " + special.get(n, b"")
        res = resources or b"<< /Font << " + fonts + b" >> >>"
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] %s /Resources %s /Contents %d 0 R >>"
                       % (page_extra, res, page + 1))
        objects.append(stream(body))
        kids.append(page)
    order = kids_order(kids) if kids_order else kids
    objects[1] = b"<< /Type /Pages /Count 10 /Kids [" + b" ".join(b"%d 0 R" % k for k in order) + b"] >>"
    return raw_pdf(path, objects)


def located(report, code: str) -> list[str]:
    return [f.location for f in report.findings if f.code == code]


def test_a_page_listed_twice_in_the_page_tree_does_not_shift_the_pages(tmp_path):
    path = ten_pages(tmp_path / "dup.pdf", {8: lines([f"ID {ID} mobile {MOBILE}"], 600)},
                     kids_order=lambda kids: kids[:3] + [kids[2]] + kids[3:])
    assert located(check(path), "PII_ID") == ["第8页"]


def test_codes_the_tounicode_map_does_not_cover_are_no_text(tmp_path):
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def /CMapType 2 def "
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n1 beginbfrange\n<0013> <001C> <0030>\n"
            b"endbfrange endcmap CMapName currentdict /CMap defineresource pop end end")
    font = [b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] "
            b"/ToUnicode 5 0 R >>", stream(cmap),
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) "
            b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 >>",
            b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859] /ItalicAngle 0 "
            b"/Ascent 859 /Descent -141 /CapHeight 700 /StemV 80 >>"]
    glyphs = b"BT /F2 12 Tf " + b"".join(
        b"1 0 0 1 72 %d Tm <%s> Tj " % (700 - 20 * k, "".join(f"{0x4E00 + 37 * k + 11 * i:04X}" for i in range(30))
                                            .encode()) for k in range(10)) + b"ET"
    path = ten_pages(tmp_path / "gid.pdf", {n: glyphs for n in range(4, 9)}, fonts=b"/F1 3 0 R /F2 4 0 R",
                     extra=font)
    report = check(path)
    assert located(report, "NO_TEXT") == ["共10页"]
    assert report.disclosable is False


def test_actual_text_does_not_hide_the_printed_numbers(tmp_path):
    marked = b"/Span << /ActualText (see attachment) >> BDC " + lines([f"ID {ID} mobile {MOBILE}"], 600) + b" EMC"
    assert located(check(ten_pages(tmp_path / "actual.pdf", {6: marked})), "PII_ID") == ["第6页"]


def test_digits_kerned_apart_by_tj_are_still_numbers(tmp_path):
    def kerned(text: str, y: int, gap: int) -> bytes:
        return b"BT /F1 12 Tf 72 %d Td [" % y + b" ".join(b"(%s) -%d" % (c.encode(), gap) for c in text) + b"] TJ ET"

    path = ten_pages(tmp_path / "kerned.pdf", {6: kerned(ID, 600, 200) + kerned(MOBILE, 570, 180)
                                              + kerned(CARD, 540, 180)})
    report = check(path)
    assert [located(report, code) for code in ("PII_ID", "PII_PHONE", "PII_BANK")] == [["第6页"]] * 3


def test_a_space_at_the_end_of_a_text_object_keeps_two_numbers_apart(tmp_path):
    # at 9 pt a space glyph is 2.5 pt wide, under pdfplumber's 3 pt word break: the second number starts
    # right after the first one's own trailing space, which alone keeps them apart. (Where PDFium trims such
    # a space and generates it again — seen in Type0 fonts with word spacing — pdf_pdfium keeps it too.)
    two = (b"BT /F1 9 Tf 1 0 0 1 72 600 Tm (" + MOBILE.encode() + b" ) Tj ET "
           b"BT /F1 9 Tf 1 0 0 1 129.6 600 Tm (13998765432) Tj ET")
    assert located(check(ten_pages(tmp_path / "spaces.pdf", {6: two})), "PII_PHONE") == ["第6页", "第6页"]


def screenshot() -> bytes:
    need(FONT.is_file(), "fonts-wqy-zenhei")
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (900, 200), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 40)
    draw.text((20, 30), f"身份证号：{ID}", fill="black", font=font)
    draw.text((20, 110), f"手机：{MOBILE}", fill="black", font=font)
    return stream(zlib.compress(image.tobytes()), "/Type /XObject /Subtype /Image /Width 900 /Height 200 "
                  "/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode")


def test_a_screenshot_drawn_through_a_form_is_read(tmp_path):
    need_module("rapidocr_onnxruntime", "the [ocr] extra (pip install 'gongkai[ocr]')")
    form = stream(b"q 450 0 0 100 72 400 cm /Im1 Do Q", "/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
                  "/Resources 6 0 R")
    shared = b"<< /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R /Fm1 5 0 R >> >>"
    path = ten_pages(tmp_path / "form.pdf", {6: b"q /Fm1 Do Q"}, extra=[screenshot(), form, shared],
                     resources=b"6 0 R")
    assert located(check(path), "PII_ID") == ["第6页·图片1（识别自图片）"]


def test_a_screenshot_on_a_rotated_page_is_read(tmp_path):
    need_module("rapidocr_onnxruntime", "the [ocr] extra (pip install 'gongkai[ocr]')")
    path = ten_pages(tmp_path / "rotated.pdf", {6: b"q 450 0 0 100 72 400 cm /Im1 Do Q"}, extra=[screenshot()],
                     page_extra=b"/Rotate 90", resources=b"<< /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >>")
    assert located(check(path), "PII_ID") == ["第6页·图片1（识别自图片）"]


# ------------------------------------------------------------------------------ a second review's cases
def test_actual_text_spelled_with_a_name_escape_does_not_hide_the_numbers(tmp_path):
    marked = b"/Span << /Actual#54ext (party dues) >> BDC " + lines([f"ID {ID}"], 600) + b" EMC"
    assert located(check(ten_pages(tmp_path / "escaped.pdf", {6: marked})), "PII_ID") == ["第6页"]


def test_digits_each_their_own_text_object_are_still_numbers(tmp_path):
    def spaced(text: str, y: int, size: float) -> bytes:
        out, x = b"", 72.0
        for ch in text:
            out += b"BT /F1 %g Tf 1 0 0 1 %.2f %d Tm (%s) Tj ET " % (size, x, y, ch.encode())
            x += 0.556 * size + 2.6  # 2.6 pt apart: no word break for pdfplumber
        return out

    report = check(ten_pages(tmp_path / "digits.pdf", {6: spaced(ID, 600, 10.5) + spaced(MOBILE, 570, 12)}))
    assert [located(report, code) for code in ("PII_ID", "PII_PHONE")] == [["第6页"]] * 2


def test_a_number_in_two_fonts_of_different_ascent_is_one_line(tmp_path):
    descriptor = (b"<< /Type /FontDescriptor /FontName /Foo /Flags 32 /FontBBox [0 -200 1000 1200] /ItalicAngle 0 "
                  b"/Ascent 1200 /Descent -200 /CapHeight 700 /StemV 80 >>")
    tall = (b"<< /Type /Font /Subtype /TrueType /BaseFont /Foo /FirstChar 32 /LastChar 90 /Widths ["
            + b" ".join([b"556"] * 59) + b"] /Encoding /WinAnsiEncoding /FontDescriptor 4 0 R >>")
    halves = b"BT /F1 12 Tf 1 0 0 1 72 600 Tm (110105194) Tj /F2 12 Tf (91231002X) Tj ET"
    path = ten_pages(tmp_path / "fonts.pdf", {6: halves}, fonts=b"/F1 3 0 R /F2 5 0 R", extra=[descriptor, tall])
    assert located(check(path), "PII_ID") == ["第6页"]


def test_an_inline_picture_inside_a_form_keeps_its_place(tmp_path):
    from pipeline.read.pdf import read_pdf

    form = stream(b"q 300 0 0 200 0 0 cm BI/W 1/H 1/CS/G/BPC 8 ID \x80 EI Q",
                  "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << >>")
    path = ten_pages(tmp_path / "inline.pdf", {6: b"q 1 0 0 1 100 200 cm /Fm1 Do Q"}, extra=[form],
                     resources=b"<< /Font << /F1 3 0 R >> /XObject << /Fm1 4 0 R >> >>")
    refs = read_pdf(path, 500).pictures
    assert [(r.page, tuple(round(v) for v in r.box)) for r in refs] == [(6, (100, 200, 400, 400))]  # PDF points, y up


# ------------------------------------------------------------------------------ this session's cases
def fast_read(path: Path, number: int):
    """What PDFium's path gives for page `number` (None: the page is pdfminer's)."""
    import pdfplumber

    from pipeline.read.pdf_pdfium import FastPages

    with pdfplumber.open(path) as pdf:
        fast = FastPages(str(path), len(pdf.pages), pdf.doc)
        try:
            return fast.read(number, pdf.pages[number - 1])
        finally:
            fast.close()


def middle_text(path: Path) -> list[str]:
    from pipeline.read import read_draft
    from pipeline.read.limits import Limits

    return [b.text for b in read_draft(path, Limits()).blocks if b.location == "第6页"]


def test_a_chart_axis_drawn_after_its_label_reads_in_place_through_pdfium(tmp_path):
    # a map's scale: the numbers with their own spaces, then the unit drawn to their left on the same line
    axis = b"BT /F1 9 Tf 1 0 0 1 300 600 Tm (0 150 300 ) Tj ET BT /F1 9 Tf 1 0 0 1 72 600 Tm (75 km) Tj ET"
    path = ten_pages(tmp_path / "axis.pdf", {6: axis})
    assert fast_read(path, 6) is not None
    assert "75 km 0 150 300" in middle_text(path)


def test_a_number_drawn_in_pieces_out_of_order_is_one_number(tmp_path):
    # 110105 · a label far to the left · 19491231002X right after the first piece: one ID, not two numbers
    width = 6 * 0.556 * 12  # Helvetica's digits are 556/1000 em
    pieces = (b"BT /F1 12 Tf 1 0 0 1 200 600 Tm (110105) Tj ET BT /F1 12 Tf 1 0 0 1 72 600 Tm (ID) Tj ET "
              b"BT /F1 12 Tf 1 0 0 1 %.2f 600 Tm (19491231002X) Tj ET" % (200 + width))
    assert "ID 11010519491231002X" in middle_text(ten_pages(tmp_path / "pieces.pdf", {6: pieces}))


WINGDINGS = (b"<< /Type /Font /Subtype /Type0 /BaseFont /Wingdings /Encoding /Identity-H /DescendantFonts [<< "
             b"/Type /Font /Subtype /CIDFontType2 /BaseFont /Wingdings /CIDSystemInfo << /Registry (Adobe) "
             b"/Ordering (Identity) /Supplement 0 >> /DW 1000 >> ] >>")


def test_a_check_box_in_a_font_without_a_map_is_cid_text_through_pdfium(tmp_path):
    # a questionnaire's ☐ in Wingdings (Type0, no /ToUnicode: pdfminer gives (cid:200)) before an answer
    line = b"BT /F2 12 Tf 1 0 0 1 72 600 Tm <00C8> Tj /F1 12 Tf ( ID 11010519491231002X) Tj ET"
    path = ten_pages(tmp_path / "boxes.pdf", {6: line}, fonts=b"/F1 3 0 R /F2 4 0 R", extra=[WINGDINGS])
    assert fast_read(path, 6) is not None
    assert middle_text(path)[-1] == "(cid:200) ID 11010519491231002X"
    assert located(check(path), "PII_ID") == ["第6页"]
