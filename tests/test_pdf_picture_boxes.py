"""A picture on a PDF page is OCR'd where it is shown, whatever the page's geometry: a MediaBox whose corner
is not at 0, 0 (a page cut from a larger sheet), a CropBox, a /Rotate of 90, 180 or 270 degrees, on a short
file (pdfminer reads every page) and on a middle page of a long one (PDFium reads it). Before, the crop was
taken as if every page were an upright A4 from 0, 0, and the screenshot of an ID and a mobile number was
missed on 9 of 11 such pages. A picture partly outside the CropBox is read where it shows and named as
unchecked: the hidden part is still in the file."""
from __future__ import annotations

from pathlib import Path

import pytest

from fixtures import check
from hidden_fixtures import raw_pdf, stream
from optional import need_module
from test_pdf_long_hostile import HELV, screenshot

OFFSET = (100, 200, 695, 1042)  # an A4 page whose lower left corner is at (100, 200)


def picture_pdf(path: Path, media: tuple[int, ...], page_extra: bytes, at: tuple[int, int], pages: int = 1) -> Path:
    """Every page: a line of text near its top and the 450 x 100 pt screenshot with its corner at `at`."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", HELV, screenshot()]
    kids = []
    for n in range(1, pages + 1):
        content = (b"BT /F1 14 Tf 1 0 0 1 %d %d Tm (Page %d: party dues are reported every quarter.) Tj ET "
                   % (media[0] + 72, media[3] - 60, n) + b"q 450 0 0 100 %d %d cm /Im1 Do Q" % at)
        kids.append(len(objects) + 1)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [%d %d %d %d] %s /Contents %d 0 R /Resources "
                       b"<< /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> >>"
                       % (*media, page_extra, len(objects) + 2))
        objects.append(stream(content))
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(b"%d 0 R" % k for k in kids))
    return raw_pdf(path, objects)


@pytest.mark.parametrize(("media", "extra", "at"), [
    (OFFSET, b"", (250, 500)),
    ((0, 0, 595, 842), b"/CropBox [50 50 545 792]", (100, 300)),
    (OFFSET, b"/Rotate 90", (250, 500)),
    (OFFSET, b"/Rotate 180 /CropBox [120 220 675 1022]", (180, 500)),
    (OFFSET, b"/Rotate 270", (250, 500)),
], ids=["mediabox-offset", "cropbox", "rotate-90", "rotate-180-cropbox", "rotate-270"])
def test_a_screenshot_is_read_where_the_page_shows_it(tmp_path, media, extra, at):
    need_module("rapidocr_onnxruntime", "the [ocr] extra (pip install 'gongkai[ocr]')")
    report = check(picture_pdf(tmp_path / "page.pdf", media, extra, at))
    assert [f.location for f in report.findings if f.code == "PII_ID"] == ["第1页·图片1（识别自图片）"]


def test_a_screenshot_on_a_middle_page_of_an_offset_long_file_is_read(tmp_path):
    need_module("rapidocr_onnxruntime", "the [ocr] extra (pip install 'gongkai[ocr]')")
    report = check(picture_pdf(tmp_path / "long.pdf", OFFSET, b"", (250, 500), pages=10))
    located = next(f.location for f in report.findings if f.code == "PII_ID")
    assert "第6页·图片1（识别自图片）" in located.split("、")


def test_a_picture_outside_the_cropbox_is_named_as_unchecked(tmp_path):
    # no reader sees it, so there is nothing to render; but its pixels go out with the file
    need_module("rapidocr_onnxruntime", "the [ocr] extra (pip install 'gongkai[ocr]')")
    report = check(picture_pdf(tmp_path / "off.pdf", (0, 0, 595, 842), b"/CropBox [0 0 595 300]", (100, 500)))
    assert [(f.code, f.location) for f in report.findings if f.code in ("UNCHECKED_PART", "PII_ID")] == [
        ("UNCHECKED_PART", "第1页·图片1")]


def test_a_picture_half_outside_the_cropbox_is_read_and_named_as_unchecked(tmp_path):
    need_module("rapidocr_onnxruntime", "the [ocr] extra (pip install 'gongkai[ocr]')")
    # the CropBox cuts the screenshot's upper half (the ID) off the page; its lower half (the mobile) shows
    report = check(picture_pdf(tmp_path / "half.pdf", (0, 0, 595, 842), b"/CropBox [0 0 595 550]", (100, 500)))
    assert [(f.code, f.location) for f in report.findings if f.code in ("UNCHECKED_PART", "PII_PHONE")] == [
        ("UNCHECKED_PART", "第1页·图片1"), ("PII_PHONE", "第1页·图片1（识别自图片）")]
