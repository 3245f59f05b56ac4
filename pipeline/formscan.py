"""Find approval-form codes (formcode) on scans: copier PDFs, phone JPG/PNG, TIFF; skewed, blurred, unevenly
lit. zxing-cpp reads the QR codes; PDF pages are rasterised with pypdfium2 (pdfplumber's own renderer).

Only pages that look scanned are rasterised: a PDF page with a real text layer is a typed draft, never a
signed form, and is not touched (so typed drafts pay no rasterising cost).

The detect stage calls `page_codes_bounded`: the decoding and rasterising run in the read worker, under the
file's memory and time bounds (read/worker.py), and every picture within the OCR pixel budget (a lying
MediaBox or a 35000² mono image becomes a small bitmap, never a gigapixel one)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from . import formcode
from .errors import InputError
from .read.limits import Limits

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
SCAN_SUFFIXES = (".pdf", *IMAGE_SUFFIXES)
_DPI = 200
_MAX_PAGES = 60  # a batch scan of 20 three-page forms; beyond that a PDF is a document, not a form batch
_MAX_SIDE_PX = 3600  # the longest side of a rendered page (A3 at 300 dpi is 4960: A4 at 200 dpi is 2339)
_TEXT_PAGE_CHARS = 40  # a page with this many text characters has a text layer: not a scan


@dataclass(frozen=True)
class PageCode:
    page: int  # 0-based page (0 for an image)
    code: formcode.FormCode | None  # None: a gongkai-looking code that does not parse
    text: str


def is_candidate(path: Path) -> bool:
    return path.suffix.lower() in SCAN_SUFFIXES


def page_codes_bounded(path: Path, limits: Limits) -> tuple[int, bool, list[PageCode]]:
    """page_codes in the read worker. A file over a bound yields no codes: the draft path reports it."""
    from .read.worker import run_bounded

    try:
        return run_bounded("pipeline.formscan:page_codes_job", (str(path),), limits)
    except InputError:
        return 0, False, []


def page_codes_job(limits: Limits, path: str) -> tuple[int, bool, list[PageCode]]:
    return page_codes(Path(path), limits)


def page_codes(path: Path, limits: Limits | None = None) -> tuple[int, bool, list[PageCode]]:
    """(number of pages, whether any page was a scan, the form codes found in page order). Raises nothing
    for unreadable files: they yield no codes and go on to the draft path, which reports them properly."""
    limits = limits or Limits()
    try:
        if path.suffix.lower() == ".pdf":
            return _pdf_codes(path, limits)
        n, codes = _image_codes(path, limits.max_ocr_pixels)
        return n, True, codes
    except Exception:  # noqa: BLE001 — a scan we cannot open is the draft reader's to report
        return 0, False, []


def _image_codes(path: Path, max_pixels: int) -> tuple[int, list[PageCode]]:
    from .read.ocr import count_images, iter_images

    frames = count_images(path, 10**6)
    numbers = set(range(1, min(frames, _MAX_PAGES) + 1))  # a multi-page TIFF
    out: list[PageCode] = []
    for picture in iter_images(path, 10**6, max_pixels, numbers):
        out += _decode(picture.image.convert("RGB"), picture.number - 1)
    return min(frames, _MAX_PAGES), out


def _pdf_codes(path: Path, limits: Limits) -> tuple[int, bool, list[PageCode]]:
    import pypdfium2 as pdfium

    from .read.ocr import oversized_image

    pdf = pdfium.PdfDocument(str(path))
    try:
        n = len(pdf)
        if n > _MAX_PAGES:
            return n, False, []
        out: list[PageCode] = []
        scanned = False
        for i in range(n):
            page = pdf[i]
            try:
                if page.get_textpage().count_chars() >= _TEXT_PAGE_CHARS:
                    continue
                scanned = True
                if oversized_image(page, limits.max_unzipped_bytes):
                    continue  # never decoded here: the draft path reports the page as not checked
                w, h = page.get_size()
                max_pixels = limits.max_ocr_pixels  # points; a lying MediaBox must not become a gigapixel bitmap
                scale = min(_DPI / 72, _MAX_SIDE_PX / max(w, h, 1.0), math.sqrt(max_pixels / max(w * h, 1.0)))
                img = page.render(scale=scale, grayscale=True).to_pil()
                out += _decode(img, i)
            finally:
                page.close()
        return n, scanned, out
    finally:
        pdf.close()


def _decode(img, page: int) -> list[PageCode]:
    """Every gongkai code on one page image. The whole page first; then its top right corner enlarged (a
    small code on a low-resolution phone photo), then a sharpened copy."""
    import zxingcpp
    from PIL import ImageFilter, ImageOps

    gray = ImageOps.grayscale(img)
    w, h = gray.size
    corner = gray.crop((w // 2, 0, w, h // 3))
    attempts = (gray, corner.resize((corner.width * 2, corner.height * 2)),
                ImageOps.autocontrast(gray.filter(ImageFilter.UnsharpMask(radius=2, percent=160))))
    for candidate in attempts:
        found = [r.text for r in zxingcpp.read_barcodes(candidate, formats=zxingcpp.BarcodeFormat.QRCode)
                 if formcode.is_form_code(r.text)]
        if found:
            return [PageCode(page, formcode.parse(t), t) for t in dict.fromkeys(found)]
    return []
