"""Pictures inside a .docx or on a PDF page with text: a pasted ID card, a screenshot of a table of names and
phone numbers, a photo of a stamped notice. Their text is part of what the file discloses, so it is read
by OCR (the [ocr] extra) and checked with the rest: every block is located “第3段后·图片（识别自图片）” or
“第2页·图片1（识别自图片）”, part "picture". Without the extra, the report says how many pictures went
unread, and how to install it. (Text-less pages are scans: read/ocr.py reads those whole.)

The readers list the pictures (`Draft.pictures`: PictureRef); this stage decodes a .docx's image parts
(a PDF's pictures are rendered from their box on the page) under the same bounds as a scan (ocr.MAX_PIXELS before decoding, ocr.MAX_SIDE after),
leaves out logos and rules (too small to hold a line of text) and OCRs the largest first, at most
MAX_PICTURES of them; the others are named in a note, never dropped silently.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from pathlib import Path

from ..model import Block, Draft, PictureRef
from .limits import Limits

MARK = "（识别自图片）"
MIN_SIDE, MIN_AREA = 48, 60_000  # px: smaller than a line of text at screen size (icons, logos, red rules)
MAX_PICTURES = 20  # per document; a photo album of a report is not OCR'd picture by picture


def read_pictures(draft: Draft, source: Path, limits: Limits) -> Draft:
    """The draft with the text OCR'd from its pictures added (or a note why it could not be)."""
    from . import ocr

    listed = draft.pictures
    draft = replace(draft, pictures=())
    if not listed:
        return draft
    if not ocr.available():
        return _noted(draft, f"文中有 {len(listed)} 张图片，图片中的文字未检查（安装文字识别组件后可自动识别：{ocr.EXTRA}）")
    images, unreadable = (_pdf_pictures if draft.format == "pdf" else _docx_pictures)(source, listed, limits)
    images.sort(key=lambda it: -(it[2].width * it[2].height))
    blocks: list[Block] = []
    for key, where, image in images[:MAX_PICTURES]:
        page = ocr.recognise_cached((key, 0), image)
        text = "\n".join(line.text for line in page.lines).strip()
        if text:
            blocks.append(Block(text=text, location="、".join(where) + MARK, kind="aside", part="picture"))
    notes = []
    if len(images) > MAX_PICTURES:
        rest = [w[0] for _, w, _ in images[MAX_PICTURES:]]
        notes.append(f"文中图片较多，只识别了最大的 {MAX_PICTURES} 张；未识别：{'、'.join(rest[:6])}"
                     f"{' 等' if len(rest) > 6 else ''}（共 {len(rest)} 张），请人工核对")
    if unreadable:
        notes.append(f"{'、'.join(unreadable[:6])} 的图片无法解码，其中的文字未检查，请人工核对")
    if blocks:
        notes.append(f"已识别 {len(blocks)} 张图片中的文字（识别自图片，可能有误）")
    return _noted(replace(draft, blocks=draft.blocks + tuple(blocks)), *notes)


def _noted(draft: Draft, *notes: str) -> Draft:
    return replace(draft, notes=draft.notes + tuple(n for n in notes if n not in draft.notes))


def _docx_pictures(docx: Path, listed: tuple[PictureRef, ...], limits: Limits) -> tuple[list, list[str]]:
    """[(cache key, locations, picture)] for each distinct picture worth reading; the locations of those
    that could not be decoded."""
    from .safezip import SafeZip

    where: dict[str, list[str]] = {}
    for ref in listed:
        where.setdefault(ref.part, []).append(ref.location)
    out, bad = [], []
    with SafeZip(docx, limits) as z:
        for part, locations in where.items():
            if not z.has(part):
                continue
            data = z.read(part)
            try:
                image = picture_of(data)
            except ValueError:
                bad.append(locations[0])
                continue
            if image is not None:
                out.append((hashlib.sha256(data).hexdigest(), locations, image))
    return out, bad


def _pdf_pictures(pdf: Path, listed: tuple[PictureRef, ...], limits: Limits) -> tuple[list, list[str]]:
    """Each picture's box on its page, rendered by PDFium at ocr.RENDER_DPI (no larger than ocr.MAX_SIDE):
    what the reader sees there, whatever the image's own resolution or filters."""
    import pypdfium2 as pdfium

    from . import ocr
    from .sniff import sha256_of

    digest = sha256_of(pdf)
    out, bad = [], []
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for ref in listed:
            x0, top, x1, bottom = ref.box or (0.0, 0.0, 0.0, 0.0)
            try:
                page = doc[ref.page - 1]
                if ocr.oversized_image(page, limits.max_unzipped_bytes):  # PDFium would decode it whole
                    bad.append(ref.location)
                    continue
                width, height = page.get_size()
                scale = min(ocr.RENDER_DPI / 72, ocr.MAX_SIDE / max(x1 - x0, bottom - top, 1.0))
                crop = (max(0.0, x0), max(0.0, height - bottom), max(0.0, width - x1), max(0.0, top))
                image = page.render(scale=scale, crop=crop).to_pil().convert("RGB")
            except Exception:  # noqa: BLE001 — PDFium's errors have no common base
                bad.append(ref.location)
                continue
            key = f"{digest}:{ref.page}:{x0:.0f},{top:.0f},{x1:.0f},{bottom:.0f}"
            out.append((key, [ref.location], image))
    finally:
        doc.close()
    return out, bad


def picture_of(data: bytes):
    """The picture worth reading in an image part (upright, at most ocr.MAX_SIDE long), None for a logo or
    an icon; ValueError when it cannot be decoded (EMF/WMF, damaged, a decompression bomb)."""
    from PIL import Image, ImageOps

    from . import ocr

    Image.MAX_IMAGE_PIXELS = ocr.MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.width * im.height > ocr.MAX_PIXELS:
                raise ValueError("too many pixels")
            if min(im.size) < MIN_SIDE or im.width * im.height < MIN_AREA:
                return None  # a logo, an icon, a red rule: no line of text fits
            image = ImageOps.exif_transpose(im.convert("RGB"))
    except ValueError:
        raise
    except Exception as e:  # noqa: BLE001 — Pillow's errors (and EMF/WMF off Windows) have no common base
        raise ValueError(str(e)) from e
    if max(image.size) > ocr.MAX_SIDE:
        image.thumbnail((ocr.MAX_SIDE, ocr.MAX_SIDE))
    return image


def redact_picture_bounded(name: str, data: bytes, rules) -> bytes | None:
    """redact_picture in the read worker, under its memory and time bounds (its OCR cache holds the check's
    reading of the same picture). A picture over a bound cannot be cleaned: no 公开稿 (RenderError)."""
    from ..errors import InputError, RenderError
    from .worker import run_bounded

    try:
        return run_bounded("pipeline.read.pictures:redact_picture_job", (name, data, rules), rules.limits)
    except InputError as e:
        raise RenderError(f"文中图片 {name.rsplit('/', 1)[-1]} 无法识别（{e.message}），公开稿未生成；请人工脱敏。") from e


def redact_picture_job(limits: Limits, name: str, data: bytes, rules) -> bytes | None:
    return redact_picture(name, data, rules)


def redact_picture(name: str, data: bytes, rules) -> bytes | None:
    """For the 公开稿: the image part with every personal value OCR finds in it blacked out in the pixels
    (scan_redact.black_out), re-encoded; None when there is nothing to black out (or no OCR)."""
    from . import ocr

    if not ocr.available():
        return None
    try:
        image = picture_of(data)
    except ValueError:
        return None
    if image is None:
        return None
    from ..scan_redact import black_out, pii_boxes

    page = ocr.recognise_cached((hashlib.sha256(data).hexdigest(), 0), image)
    if not pii_boxes(page, rules):
        return None
    out = io.BytesIO()
    jpeg = name.lower().endswith((".jpg", ".jpeg"))
    black_out(image, page, rules).save(out, "JPEG" if jpeg else "PNG", quality=90)
    return out.getvalue()
