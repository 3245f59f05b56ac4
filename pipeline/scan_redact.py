"""The 公开稿 of a scan: a PDF of the page pictures with every ID, mobile and bank number blacked out in
the pixels, found by OCR with a box per character. The PDF holds pictures only: no text layer that could
be copied, and no overlay that could be lifted off (the black is part of the picture)."""
from __future__ import annotations

import os
from pathlib import Path

from .errors import RenderError
from .read import sha256_of
from .read.ocr import RENDER_DPI, OcrPage, char_boxes, load_images, recognise_cached, render_pdf_pages
from .rules import Rules
from .rules.pii import pii_spans

PAD = 4  # pixels around each blacked-out character box


def redact_scan(original: Path, out: Path, rules: Rules) -> Path:
    digest = sha256_of(original)
    if original.suffix.lower() == ".pdf":
        pictures = render_pdf_pages(original)
    else:
        pictures = dict(enumerate(load_images(original, rules.limits.max_pages), start=1))
    pages = []
    for n, picture in pictures.items():
        page = recognise_cached((digest, n), picture)
        pages.append(black_out(picture, page, rules))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    try:
        pages[0].save(tmp, "PDF", save_all=True, append_images=pages[1:], resolution=float(RENDER_DPI))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def pii_boxes(page: OcrPage, rules: Rules) -> list[tuple[float, float, float, float]]:
    """The character boxes of every personal number on the page: looked for in each line, and in the
    lines read as one text (a number wrapped onto the next line)."""
    chars: list[tuple[str, tuple[float, float, float, float]]] = []
    for line in page.lines:
        chars += list(zip(line.text, char_boxes(line)))
    text = "".join(c for c, _ in chars)
    return [chars[i][1] for _, s, e in pii_spans(text, rules) for i in range(s, e)]


def black_out(picture, page: OcrPage, rules: Rules):
    from PIL import ImageDraw

    boxes = pii_boxes(page, rules)
    picture = picture.convert("RGB")
    draw = ImageDraw.Draw(picture)
    for x0, y0, x1, y1 in boxes:
        draw.rectangle((x0 - PAD, y0 - PAD, x1 + PAD, y1 + PAD), fill=(0, 0, 0))
    left = [ln.text for ln in page.lines if pii_spans(ln.text, rules)] if not boxes else []
    if left:
        raise RenderError("扫描件公开稿中有个人信息无法定位，未生成；请人工脱敏。")
    return picture
