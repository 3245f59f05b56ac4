"""The code printed on every 党务公开审批表: a QR code (segno) top right on every page, so that the signed
paper, scanned and dropped back into the inbox, finds its item the way document systems match scans by
barcode.

The payload is QR alphanumeric text (compact, so the modules stay large enough for a copier at 150 dpi):

    GKSP:<workspace>:<item id>:<version>:<content hash>     e.g.  GKSP:3FA2C1D9:GK-2026-0007:1:9F8E7D6C

- workspace: 8 hex digits the ledger draws once (a form from another workspace is not ours);
- content hash: the first 8 hex digits of the sha256 of the form's filled-in values, so a form regenerated
  after a review carries a new hash but the same item and version.
The same values are printed beneath the code as text for a human (ASCII: they are codes, not prose).
"""
from __future__ import annotations

import copy
import hashlib
import io
import json
import re
from dataclasses import dataclass
from typing import Any, Callable

PREFIX = "GKSP"
_PAYLOAD = re.compile(r"^GKSP:([0-9A-F]{8}):(GK-\d{4}-\d{4,}):(\d{1,4}):([0-9A-F]{8})$")
# Size on paper: 20 mm of code, a caption under it. 29 modules (version 3) → 0.69 mm a module, 4 px at 150 dpi.
CODE_MM = 20.0
_PAGE_RIGHT_GAP_MM = 8.0
_PAGE_TOP_GAP_MM = 5.0
RETURN_NOTE = "签字后请扫描放入收件箱，系统按右上角二维码自动登记。"


@dataclass(frozen=True)
class FormCode:
    workspace: str
    item_id: str
    version: int
    content_hash: str

    @property
    def text(self) -> str:
        return f"{PREFIX}:{self.workspace}:{self.item_id}:{self.version}:{self.content_hash}"

    @property
    def caption(self) -> str:
        return f"{self.item_id} v{self.version} {self.content_hash}"


def content_hash(values: dict[str, Any]) -> str:
    """8 hex digits over the form's values; the generation date is left out (it changes daily, the form doesn't)."""
    data = {k: v for k, v in values.items() if k != "generated"}
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:8].upper()


def parse(text: str) -> FormCode | None:
    """A decoded QR text → FormCode, or None when it is not a gongkai form code."""
    m = _PAYLOAD.match((text or "").strip())
    return FormCode(m[1], m[2], int(m[3]), m[4]) if m else None


def is_form_code(text: str) -> bool:
    return (text or "").strip().startswith(PREFIX + ":")


# ----------------------------------------------------------------------------- the picture


def qr_png(code: FormCode, dpi: int = 600) -> bytes:
    """The code with its caption beneath, as a PNG sized for CODE_MM at `dpi`."""
    import segno
    from PIL import Image, ImageDraw, ImageFont

    qr = segno.make_qr(code.text, error="q", mode="alphanumeric")
    modules = qr.symbol_size(border=0)[0]
    px = max(2, round(CODE_MM / 25.4 * dpi / modules))
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=px, border=0)
    img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    quiet = 2 * px  # a small quiet zone; the white page around it adds the rest
    caption_h = round(img.height * 0.16)
    out = Image.new("L", (img.width + 2 * quiet, img.height + 2 * quiet + caption_h), 255)
    out.paste(img, (quiet, quiet))
    draw = ImageDraw.Draw(out)
    font = ImageFont.load_default(size=max(8, round(caption_h * 0.62)))
    w = draw.textlength(code.caption, font=font)
    while w > out.width - 4 and font.size > 6:
        font = ImageFont.load_default(size=font.size - 1)
        w = draw.textlength(code.caption, font=font)
    draw.text(((out.width - w) / 2, img.height + quiet + caption_h * 0.08), code.caption, fill=0, font=font)
    png = io.BytesIO()
    out.save(png, format="PNG", dpi=(dpi, dpi))
    return png.getvalue()


# ----------------------------------------------------------------------------- stamping a .docx

_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def stamper(code: FormCode) -> Callable[[Any], None]:
    """A function that puts `code` top right on every page of a python-docx Document (all its headers:
    default, first-page and even), floating, so the page layout does not move."""
    png = qr_png(code)

    def stamp(doc: Any) -> None:
        for section in doc.sections:
            headers = [section.header, section.even_page_header]
            if section.different_first_page_header_footer:
                headers.append(section.first_page_header)
            for header in headers:
                if header.is_linked_to_previous and section is not doc.sections[0]:
                    continue
                header.is_linked_to_previous = False
                _float_picture(header, png, section)
    return stamp


def _float_picture(header: Any, png: bytes, section: Any) -> None:
    from docx.oxml import parse_xml
    from docx.shared import Mm

    p = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    if not p.text.strip():
        p.text = ""
        run = p.add_run(RETURN_NOTE)
        run.font.size = Mm(2.6)  # ≈ 7.5 pt: a note, not a heading
    run = p.add_run()
    inline = run.add_picture(io.BytesIO(png), width=Mm(CODE_MM + 1.6))._inline
    width_emu, height_emu = int(inline.extent.cx), int(inline.extent.cy)
    page_w = int(section.page_width or Mm(210))
    x = page_w - int(Mm(_PAGE_RIGHT_GAP_MM)) - width_emu
    y = int(Mm(_PAGE_TOP_GAP_MM))
    doc_pr = inline.find(f"{{{_WP}}}docPr")
    graphic = inline.find("{http://schemas.openxmlformats.org/drawingml/2006/main}graphic")
    anchor = parse_xml(
        f'<wp:anchor xmlns:wp="{_WP}" distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="251659264"'
        ' behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{width_emu}" cy="{height_emu}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        '<wp:wrapNone/></wp:anchor>')
    doc_pr.set("descr", "审批表二维码")
    anchor.append(copy.deepcopy(doc_pr))
    anchor.append(parse_xml(f'<wp:cNvGraphicFramePr xmlns:wp="{_WP}"/>'))
    anchor.append(copy.deepcopy(graphic))
    inline.getparent().replace(inline, anchor)
