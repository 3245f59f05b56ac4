"""The 公开稿 of a scan: a PDF of the page pictures with every ID, mobile and bank number blacked out in
the pixels, found by OCR with a box per character. The PDF holds pictures only: no text layer that could
be copied, and no overlay that could be lifted off (the black is part of the picture).

Made in the read worker (read/worker.py), under the file's memory and time bounds, from the page pictures at
the size OCR read them (read/scanread.py pictures_of), so the OCR boxes fit the pixels."""
from __future__ import annotations

import os
from pathlib import Path

from .errors import RenderError
from .read import sha256_of
from .read.limits import Limits
from .read.ocr import RENDER_DPI, OcrPage, char_boxes, recognise_cached
from .rules import Rules
from .rules.pii import pii_spans

PAD = 4  # pixels around each blacked-out character box


def redact_scan(original: Path, out: Path, rules: Rules) -> Path:
    from .read.worker import run_bounded

    run_bounded("pipeline.scan_redact:redact_job", (str(original), str(out), rules), rules.limits)
    return out


def redact_job(limits: Limits, original_path: str, out_path: str, rules: Rules) -> None:
    """The worker's side of redact_scan: the pictures, OCR (cached from the check when this worker made it),
    the black boxes, the PDF written atomically."""
    from .read.scanread import pictures_of

    original, out = Path(original_path), Path(out_path)
    digest = sha256_of(original)
    pictures = pictures_of(original, limits)
    pages = []
    for picture in pictures:
        if picture.image is None:  # beyond the decoding budget (the check reported it as not checked)
            raise RenderError(f"扫描件第{picture.number}页无法渲染（{picture.reduced}），公开稿未生成；请人工脱敏。")
        page = recognise_cached((digest, picture.number, limits.max_ocr_pixels), picture.image)  # as the check read it
        pages.append(black_out(picture.image, page, rules))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    try:
        pages[0].save(tmp, "PDF", save_all=True, append_images=pages[1:],
                      resolution=float(pictures[0].dpi or RENDER_DPI))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


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
