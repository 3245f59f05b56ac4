"""Factories that write real drafts into a test's tmp_path, and small helpers to check them.

Nothing here reads ../shared: every .docx / .pdf / bad input a test needs is made on the spot.

- make_docx(path, paragraphs=[...], tables=[...], header=[...], footer=[...], textbox=..., content_control=...,
  core_title=...) — a Word file made with python-docx; text boxes and content controls (w:sdt) go in as raw
  XML the way Word and WPS write them. Items of `paragraphs` may also be Table / TextBox / ContentControl to
  put them at that place in the body.
- make_pdf(path, lines_per_page=[[...]]) — a Chinese PDF in reportlab's CID font STSong-Light, laid out like
  a Word export: body paragraphs indented two characters and wrapped at the right margin, centred titles
  (wrapped too when long), right-aligned signature lines.
- official_doc(path, fmt="docx"|"pdf", ...) — a GB/T 9704 document: banner, 发文字号, title, salutation,
  body, signing organ, date, 附注; every part a parameter (None leaves it out).
- application_form(path, fields) — a 党务公开事项申请表 (two-column table).
- bad inputs: image-only PDF, encrypted PDF, truncated .docx, empty file, text renamed .docx, HTML renamed
  .pdf, legacy .doc, zip bomb .docx, Office lock file, oversized file.
"""
from __future__ import annotations

import io
import os
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

CJK = re.compile(r"[\u4e00-\u9fff]")

# ----------------------------------------------------------------------------------------------- numbers
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_char(first17: str) -> str:
    """GB 11643 check character, computed here independently of the checker."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def resident_id(first17: str) -> str:
    return first17 + id_check_char(first17)


def wrong_check(number: str) -> str:
    """The same ID with a different (wrong) last character."""
    right = number[-1]
    other = next(c for c in "0123456789X" if c != right)
    return number[:-1] + other


def luhn_complete(prefix: str) -> str:
    """prefix + the Luhn check digit."""
    for d in "0123456789":
        if luhn_ok(prefix + d):
            return prefix + d
    raise AssertionError("unreachable")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n * 2 > 9 else n * 2
        total += n
    return total % 10 == 0


def luhn_break(number: str) -> str:
    last = int(number[-1])
    return number[:-1] + str((last + 1) % 10)


# ----------------------------------------------------------------------------------------------- .docx
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'
)


@dataclass(frozen=True)
class Table:
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True)
class TextBox:
    """A floating text box. vml_only=True is the legacy VML form (old Word, WPS); otherwise it is written
    as Word 2010+ does: mc:AlternateContent with a DrawingML choice and a VML fallback holding the same text."""

    paragraphs: Sequence[str]
    anchor_text: str = ""  # text of the paragraph the box is anchored in
    vml_only: bool = True


@dataclass(frozen=True)
class ContentControl:
    """A content control (w:sdt): block level around whole paragraphs, or inline inside one paragraph."""

    paragraphs: Sequence[str]
    inline: bool = False
    before: str = ""  # inline only: paragraph text before / after the control
    after: str = ""


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{_esc(text)}</w:t></w:r>' if text else ""


def _p(text: str) -> str:
    return f"<w:p>{_run(text)}</w:p>"


def _txbx_content(paragraphs: Sequence[str]) -> str:
    return "<w:txbxContent>" + "".join(_p(t) for t in paragraphs) + "</w:txbxContent>"


def _vml_pict(paragraphs: Sequence[str]) -> str:
    return (
        '<w:pict><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        '<v:shape id="TextBox1" o:spid="_x0000_s1026" type="#_x0000_t202" '
        'style="position:absolute;margin-left:0;margin-top:0;width:200pt;height:60pt;z-index:1">'
        f"<v:textbox>{_txbx_content(paragraphs)}</v:textbox></v:shape></w:pict>"
    )


def _drawing(paragraphs: Sequence[str]) -> str:
    return (
        '<w:drawing><wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="1" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="2540000" cy="762000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapSquare wrapText="bothSides"/>'
        '<wp:docPr id="1" name="文本框 1"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2540000" cy="762000"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f"<wps:txbx>{_txbx_content(paragraphs)}</wps:txbx><wps:bodyPr/></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing>"
    )


def _textbox_xml(box: TextBox) -> str:
    if box.vml_only:
        shape = f"<w:r>{_vml_pict(box.paragraphs)}</w:r>"
    else:
        shape = (
            '<w:r><mc:AlternateContent><mc:Choice Requires="wps">'
            f"{_drawing(box.paragraphs)}</mc:Choice><mc:Fallback>{_vml_pict(box.paragraphs)}</mc:Fallback>"
            "</mc:AlternateContent></w:r>"
        )
    return f"<w:p {NSDECL}>{_run(box.anchor_text)}{shape}</w:p>"


def _sdt_xml(cc: ContentControl) -> str:
    pr = '<w:sdtPr><w:alias w:val="正文"/><w:tag w:val="body"/><w:id w:val="1234"/></w:sdtPr>'
    if cc.inline:
        runs = "".join(_run(t) for t in cc.paragraphs)
        return f"<w:p {NSDECL}>{_run(cc.before)}<w:sdt>{pr}<w:sdtContent>{runs}</w:sdtContent></w:sdt>{_run(cc.after)}</w:p>"
    inner = "".join(_p(t) for t in cc.paragraphs)
    return f"<w:sdt {NSDECL}>{pr}<w:sdtContent>{inner}</w:sdtContent></w:sdt>"


def _append_raw(document, xml: str) -> None:
    from docx.oxml import parse_xml

    el = parse_xml(xml)
    body = document.element.body
    body.sectPr.addprevious(el) if body.sectPr is not None else body.append(el)


def _add_table(document, rows: Sequence[Sequence[str]]) -> None:
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text


def make_docx(
    path: Path,
    paragraphs: Iterable[str | Table | TextBox | ContentControl] = (),
    tables: Iterable[Sequence[Sequence[str]]] = (),
    header: Iterable[str] = (),
    footer: Iterable[str] = (),
    textbox: str | Sequence[str] | None = None,
    content_control: str | Sequence[str] | None = None,
    core_title: str | None = None,
    align: dict[int, str] | None = None,
) -> Path:
    """Write a .docx. `paragraphs` is the body in order; `tables`, `textbox` and `content_control` are
    appended after it. align maps a paragraph index to "center" / "right"."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = _new_document()
    aligns = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
    for i, item in enumerate(paragraphs):
        if isinstance(item, str):
            p = document.add_paragraph(item)
            if align and i in align:
                p.alignment = aligns[align[i]]
        elif isinstance(item, Table):
            _add_table(document, item.rows)
        elif isinstance(item, TextBox):
            _append_raw(document, _textbox_xml(item))
        elif isinstance(item, ContentControl):
            _append_raw(document, _sdt_xml(item))
        else:
            raise TypeError(item)
    for rows in tables:
        _add_table(document, rows)
    if textbox is not None:
        _append_raw(document, _textbox_xml(TextBox([textbox] if isinstance(textbox, str) else list(textbox))))
    if content_control is not None:
        cc = [content_control] if isinstance(content_control, str) else list(content_control)
        _append_raw(document, _sdt_xml(ContentControl(cc)))
    section = document.sections[0]
    _fill(section.header, list(header))
    _fill(section.footer, list(footer))
    if core_title is not None:
        document.core_properties.title = core_title
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


_BLANK = None


def _new_document():
    """A fresh python-docx Document: a copy of the default template, loaded once (loading costs ~50 ms)."""
    import copy

    import docx

    global _BLANK
    if _BLANK is None:
        _BLANK = docx.Document()
    return copy.deepcopy(_BLANK)


def _fill(part, lines: list[str]) -> None:
    if not lines:
        return
    part.is_linked_to_previous = False
    part.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        part.add_paragraph(line)


# ----------------------------------------------------------------------------------------------- .pdf
PAGE_W, PAGE_H = 595.27, 841.89  # A4
LEFT, RIGHT, TOP = 79.4, 73.7, 100.0  # GB/T 9704 margins: 28 mm left, 26 mm right
TEXT_W = PAGE_W - LEFT - RIGHT
FONT = "STSong-Light"


@dataclass(frozen=True)
class Centre:
    text: str
    size: float = 22  # 二号 for titles


@dataclass(frozen=True)
class Right:
    text: str
    size: float = 16


@dataclass(frozen=True)
class Left:
    """One unwrapped line at the left margin (发文字号 block, 抄送 …)."""

    text: str
    size: float = 16


@dataclass(frozen=True)
class Para:
    """A body paragraph: first line indented two characters, wrapped at the right margin."""

    text: str
    size: float = 16
    indent: int = 2


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


NO_LINE_START = set("，。、；：！？）》」』”’%")
ATOM = re.compile(r"[A-Za-z0-9.%@/:_+-]+|.", re.S)


def _wrap(text: str, size: float, first_width: float, width: float) -> list[str]:
    """Break like Word does for Chinese: anywhere between CJK characters, never inside a run of Latin
    letters / digits (a number moves to the next line whole), and closing punctuation never starts a line
    (it hangs at the end of the previous one)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line, limit = [], "", first_width
    for token in ATOM.findall(text):
        fits = stringWidth(line + token, FONT, size) <= limit
        if line and not fits and token not in NO_LINE_START:
            lines.append(line)
            line, limit = "", width
        line += token
    if line:
        lines.append(line)
    return lines


def wrapped_lines(text: str, size: float = 16, indent: int = 2) -> list[str]:
    """How make_pdf breaks a body paragraph into lines (for tests that need to know where it wraps)."""
    _register_font()
    return _wrap(text, size, TEXT_W - indent * size, TEXT_W)


def make_pdf(path: Path, lines_per_page: Sequence[Sequence[str | Centre | Right | Left | Para]],
             encrypt: str | None = None) -> Path:
    """Write a Chinese PDF. A plain str is a body paragraph (Para)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    _register_font()
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), encrypt=encrypt)
    for page in lines_per_page:
        y = PAGE_H - TOP
        for item in page:
            if isinstance(item, str):
                item = Para(item)
            size = item.size
            c.setFont(FONT, size)
            if isinstance(item, Para):
                lines = wrapped_lines(item.text, size, item.indent)
                for k, line in enumerate(lines):
                    x = LEFT + (item.indent * size if k == 0 else 0)
                    text = c.beginText(x, y)
                    text.setFont(FONT, size)
                    spacing = 0.0  # (the char spacing is graphics state: it must be reset for every line)
                    if k < len(lines) - 1 and len(line) > 1:  # justified (两端对齐), as Word sets Chinese body text
                        room = PAGE_W - RIGHT - x - stringWidth(line, FONT, size)
                        spacing = max(0.0, room) / (len(line) - 1)
                    text.setCharSpace(spacing)
                    text.textOut(line)
                    c.drawText(text)
                    y -= size * 1.75
            elif isinstance(item, Centre):
                for line in _wrap(item.text, size, TEXT_W, TEXT_W):
                    c.drawString(LEFT + (TEXT_W - stringWidth(line, FONT, size)) / 2, y, line)
                    y -= size * 1.6
                y -= size * 0.6
            elif isinstance(item, Right):
                c.drawString(PAGE_W - RIGHT - 4 * 16 - stringWidth(item.text, FONT, size), y, item.text)
                y -= size * 1.75
            elif isinstance(item, Left):
                c.drawString(LEFT, y, item.text)
                y -= size * 1.75
            else:
                raise TypeError(item)
        c.showPage()
    c.save()
    return path


def make_image_pdf(path: Path, pages: int = 1) -> Path:
    """A 'scanned' PDF: each page one raster image of text-like strokes, no text layer at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (620, 860), 255)
    draw = ImageDraw.Draw(img)
    draw.rectangle((160, 60, 460, 90), fill=40)  # a 'title'
    for row in range(12):
        y = 140 + row * 52
        for col in range(26):
            x = 70 + col * 19
            draw.rectangle((x, y, x + 14, y + 16), fill=60 + (row * 7 + col * 13) % 90)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    reader = ImageReader(buf)
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    for _ in range(pages):
        c.drawImage(reader, 0, 0, width=PAGE_W, height=PAGE_H)
        c.showPage()
    c.save()
    return path


# ----------------------------------------------------------------------------------------------- official documents
BANNER = "中共青川区科学技术局党组文件"
ORGAN = "中共青川区科学技术局党组"
DOCNO = "青科党〔2023〕21号"
TITLE = "中共青川区科学技术局党组关于调整局领导班子成员工作分工的通知"
SALUTATION = "局机关各科室、各直属单位："
BODY = (
    "因工作需要，经局党组研究，现将局领导班子成员工作分工调整如下：",
    "王建国同志：主持局党组全面工作，负责党建和财务工作，分管办公室。",
    "李明华同志：负责科技项目管理和科技成果转化工作，分管科技计划科。",
    "赵丽同志：负责科学技术普及工作，分管科普科，基层联系点为青川区高新技术产业园。",
    "以上分工自印发之日起执行。",
)
DATE = "2023年9月12日"
NOTE = "（此件公开发布）"
IMPRINT = ("抄送：区委组织部，区直机关工委。", "青川区科学技术局办公室\u3000\u3000\u30002023年9月12日印发")
_DEFAULT = object()


def official_doc(
    path: Path,
    fmt: str = "docx",
    *,
    copy_no: str | None = None,
    secrecy: str | None = None,
    banner: str | None = BANNER,
    docno: str | None = DOCNO,
    title: str | Sequence[str] | None = TITLE,
    salutation: str | None = SALUTATION,
    body: Sequence[str] = BODY,
    tables: Sequence[Sequence[Sequence[str]]] = (),
    signature: str | None = ORGAN,
    date: str | None = DATE,
    note: str | None = NOTE,
    imprint: Sequence[str] = IMPRINT,
    header: Sequence[str] = (),
    footer: Sequence[str] = (),
    core_title: str | None = None,
) -> Path:
    """A GB/T 9704 official document as .docx or .pdf; leave a part out with None."""
    titles = [title] if isinstance(title, str) else list(title or ())
    if fmt == "pdf":
        page: list = []
        page += [Left(x) for x in (copy_no, secrecy) if x]
        if banner:
            page.append(Centre(banner, 26))
        if docno:
            page.append(Centre(docno, 16))
        page += [Centre(t) for t in titles]
        if salutation:
            page.append(Left(salutation))
        page += [Para(t) for t in body]
        page += [Right(x) for x in (signature, date) if x]
        if note:
            page.append(Para(note))
        page += [Left(x) for x in imprint]
        return make_pdf(path, [page])
    items: list = []
    align: dict[int, str] = {}

    def add(x, how: str | None = None) -> None:
        if how:
            align[len(items)] = how
        items.append(x)

    for x in (copy_no, secrecy):
        if x:
            add(x)
    if banner:
        add(banner, "center")
    if docno:
        add(docno, "center")
    for t in titles:
        add(t, "center")
    if salutation:
        add(salutation)
    for t in body:
        add(t)
    for rows in tables:
        add(Table(rows))
    for x in (signature, date):
        if x:
            add(x, "right")
    if note:
        add(note)
    for x in imprint:
        add(x)
    return make_docx(path, items, header=header, footer=footer, core_title=core_title, align=align)


def plain_doc(path: Path, *paragraphs: str, fmt: str = "docx", **kw) -> Path:
    """A short untitled-furniture draft: just the given paragraphs, then a signature and date."""
    body = list(paragraphs) + ["青川区科学技术局办公室", "2023年10月10日"]
    if fmt == "pdf":
        return make_pdf(path, [body], **kw)
    return make_docx(path, body, **kw)


APPLICATION = {
    "公开事项": "2023年度局机关评先评优结果",
    "申请科室": "局办公室",
    "公开内容": "2023年度局机关优秀共产党员、先进工作者评选结果",
    "公开范围": "局机关全体党员、干部",
    "公开形式": "书面式公开、网络式公开（局域网党务公开专栏）",
    "公开时限": "临时性工作，评选结束后随时公开",
    "申请人": "章晓鸣",
    "申请日期": "2023年12月18日",
}


def application_form(path: Path, fields: dict[str, str | None] | None = None, heading: str = "青川区科学技术局党务公开事项申请表",
                     **overrides: str | None) -> Path:
    """A 党务公开事项申请表: a heading and a two-column table. A field set to None has no row at all; "" is an
    empty value cell."""
    data = dict(APPLICATION if fields is None else fields)
    for k, v in overrides.items():
        data[k] = v
    rows = [[k, v] for k, v in data.items() if v is not None]
    return make_docx(path, [heading, Table(rows)], align={0: "center"})


# ----------------------------------------------------------------------------------------------- bad inputs
def encrypted_pdf(path: Path) -> Path:
    return make_pdf(path, [[Centre("关于召开党员大会的通知"), "定于下周召开党员大会。"]], encrypt="secret")


def truncated_docx(path: Path) -> Path:
    whole = official_doc(path.with_name("_whole_" + path.name))
    data = whole.read_bytes()
    whole.unlink()
    path.write_bytes(data[: len(data) // 2])
    return path


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def text_as_docx(path: Path) -> Path:
    path.write_text("关于调整局领导班子成员工作分工的通知\n因工作需要，现将分工调整如下。\n", encoding="utf-8")
    return path


def html_as_pdf(path: Path) -> Path:
    path.write_text(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>党务公开</title></head>"
        "<body><h1>关于调整局领导班子成员工作分工的通知</h1><p>因工作需要……</p></body></html>\n",
        encoding="utf-8",
    )
    return path


def legacy_doc(path: Path) -> Path:
    """An OLE compound file header (what .doc / .wps files start with) followed by junk."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 64)
    return path


def zip_bomb_docx(path: Path, inflated_mb: int) -> Path:
    """A .docx-looking zip (valid [Content_Types].xml and word/document.xml) plus an entry of zeros that
    inflates to inflated_mb megabytes; the file on disk stays small."""
    good = make_docx(path.with_name("_good_" + path.name), ["关于调整局领导班子成员工作分工的通知"])
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        chunk = b"\0" * (1 << 20)
        with dst.open("word/media/image1.bin", "w") as f:
            for _ in range(inflated_mb):
                f.write(chunk)
    good.unlink()
    return path


def lock_file(path: Path) -> Path:
    """Office's ~$ owner file: 162 bytes, the user name in the first bytes."""
    assert path.name.startswith("~$")
    name = "zhangxm".encode()
    path.write_bytes(bytes([len(name)]) + name + b"\0" * (54 - len(name)) + "张晓鸣".encode("utf-16-le") + b"\0" * 100)
    return path


def oversized_docx(path: Path, mb: float) -> Path:
    """A valid .docx whose size on disk exceeds mb (an incompressible embedded media part)."""
    good = make_docx(path.with_name("_good_" + path.name), ["关于调整局领导班子成员工作分工的通知", "因工作需要，现将分工调整如下。"])
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(zipfile.ZipInfo("word/media/image1.png"), os.urandom(int(mb * 1024 * 1024) + 4096),
                     compress_type=zipfile.ZIP_STORED)
    good.unlink()
    return path


# ----------------------------------------------------------------------------------------------- checking helpers
def write_rules(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def check(path: Path, rules=None):
    """Check one file in-process with the default rules (or the given Rules) → Report."""
    from pipeline.check import check_file

    return check_file(path, rules if rules is not None else default_rules())


_RULES = None


def default_rules():
    global _RULES
    if _RULES is None:
        from pipeline.rules import load_rules

        _RULES = load_rules()
    return _RULES


def codes(report) -> set[str]:
    return {f.code for f in report.findings}


def findings_of(report, code: str) -> list:
    return [f for f in report.findings if f.code == code]


def has_cjk(text: str | None) -> bool:
    return bool(text) and bool(CJK.search(text))


def gongkai_script() -> str:
    """The installed console script: next to the interpreter running the tests, else on PATH."""
    import shutil

    here = Path(sys.executable).parent / ("gongkai.exe" if os.name == "nt" else "gongkai")
    if here.exists():
        return str(here)
    found = shutil.which("gongkai")
    if not found:
        raise AssertionError("the gongkai console script is not installed (pip install -e .)")
    return found
