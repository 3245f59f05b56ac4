"""Drafts whose words stand in the places a reader easily misses, written raw so each place is exactly what
Word, WPS or Acrobat write: a .docx assembled part by part with zipfile (comments, footnotes, tracked
changes, hidden runs, field codes, hyperlinks, alt text, properties, custom XML, glossary, altChunk,
embedded objects, Strict namespaces), and PDFs from reportlab (notes, form fields, info) or written object
by object (attachments, XFA, no MediaBox, no pages) with a correct xref table.

Nothing here is computed by the code under test."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Sequence
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = (f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"')
TITLE = "关于开展主题党日活动的通知"
BODY = "各党支部：现将本月主题党日活动安排通知如下，请认真组织实施。"


def p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def runs(*parts: str) -> str:
    """A paragraph of raw run XML pieces."""
    return "<w:p>" + "".join(parts) + "</w:p>"


def r(text: str, rpr: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def docx(path: Path, body: Sequence[str] = (), parts: dict[str, str | bytes] | None = None,
         rels: Sequence[tuple[str, str, str]] = (), external: Sequence[tuple[str, str, str]] = (),
         types: dict[str, str] | None = None, root_rels: Sequence[tuple[str, str, str]] = (),
         sect: str = "", strict: bool = False) -> Path:
    """A .docx from raw XML. `body` are w:p/w:tbl strings after a title and one body paragraph; `parts`
    name → XML (or bytes); `rels` (id, type suffix, target) from document.xml; `external` the same with
    TargetMode=External; `types` part name → content type overrides; `root_rels` package relationships."""
    paragraphs = [p(TITLE), p(BODY), *body]
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>'
                + "".join(paragraphs) + f"<w:sectPr>{sect}</w:sectPr></w:body></w:document>")
    overrides = {"/word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                 **(types or {})}
    ctypes = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'
              + "".join(f'<Override PartName="{k}" ContentType="{v}"/>' for k, v in overrides.items()) + "</Types>")
    rel_ns = REL
    pkg_rels = [("rId1", "officeDocument", "word/document.xml"), *root_rels]
    root = _rels([(i, f"{rel_ns}/{t}" if "/" not in t else t, target, False) for i, t, target in pkg_rels])
    doc_rels = _rels([(i, f"{rel_ns}/{t}", target, False) for i, t, target in rels]
                     + [(i, f"{rel_ns}/{t}", target, True) for i, t, target in external])
    files: dict[str, str | bytes] = {"[Content_Types].xml": ctypes, "_rels/.rels": root, "word/document.xml": document,
                                     "word/_rels/document.xml.rels": doc_rels, **(parts or {})}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            if strict and isinstance(data, str):
                data = (data.replace(W_NS, "http://purl.oclc.org/ooxml/wordprocessingml/main")
                        .replace(REL, "http://purl.oclc.org/ooxml/officeDocument/relationships"))
            z.writestr(name, data)
    return path


def _rels(items) -> str:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{escape(target)}"'
                   + (' TargetMode="External"' if ext else "") + "/>" for i, t, target, ext in items)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>')


def notes_part(kind: str, *texts: str) -> str:
    """word/footnotes.xml or word/endnotes.xml: the two separators Word writes, then one note per text."""
    special = "".join(f'<w:{kind} w:type="{t}" w:id="{i}"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
                      for i, t in ((-1, "separator"), (0, "continuationSeparator")))
    notes = "".join(f'<w:{kind} w:id="{n}"><w:p><w:r><w:{kind}Ref/></w:r>{r(t)}</w:p></w:{kind}>'
                    for n, t in enumerate(texts, start=1))
    return f'<?xml version="1.0" encoding="UTF-8"?><w:{kind}s {NS}>{special}{notes}</w:{kind}s>'


def comments_part(*texts: str) -> str:
    items = "".join(f'<w:comment w:id="{n}" w:author="王晓丽" w:initials="WXL">{p(t)}</w:comment>'
                    for n, t in enumerate(texts))
    return f'<?xml version="1.0" encoding="UTF-8"?><w:comments {NS}>{items}</w:comments>'


def header_part(kind: str, text: str) -> str:
    tag = "hdr" if kind == "header" else "ftr"
    return f'<?xml version="1.0" encoding="UTF-8"?><w:{tag} {NS}>{p(text)}</w:{tag}>'


def core_part(**values: str) -> str:
    """docProps/core.xml: title, subject, creator, keywords, description, category …"""
    ns = {"title": "dc", "subject": "dc", "creator": "dc", "description": "dc", "keywords": "cp", "category": "cp",
          "lastModifiedBy": "cp", "contentStatus": "cp"}
    items = "".join(f"<{ns[k]}:{k}>{escape(v)}</{ns[k]}:{k}>" for k, v in values.items())
    return ('<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/">{items}</cp:coreProperties>')


CORE_REL = ("rIdCore", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
            "docProps/core.xml")


def custom_part(**values: str) -> str:
    items = "".join(f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{n}" name="{k}">'
                    f"<vt:lpwstr>{escape(v)}</vt:lpwstr></property>" for n, (k, v) in enumerate(values.items(), start=2))
    return ('<?xml version="1.0" encoding="UTF-8"?><Properties '
            'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{items}</Properties>')


def xlsx_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    """A minimal workbook with one sheet of inline strings."""
    sheet_rows = "".join(
        f'<row r="{i}">' + "".join(f'<c r="{chr(65 + j)}{i}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                                   for j, v in enumerate(row)) + "</row>" for i, row in enumerate(rows, start=1))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": _rels([("rId1", f"{REL}/officeDocument", "xl/workbook.xml", False)]),
        "xl/workbook.xml": f'<workbook xmlns="{main}"><sheets><sheet name="名单" sheetId="1"/></sheets></workbook>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>{sheet_rows}</sheetData></worksheet>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


# ----------------------------------------------------------------------------------------------- raw PDFs
def raw_pdf(path: Path, objects: Sequence[bytes], root: int = 1) -> Path:
    """A PDF of the given objects (numbered from 1) with a correct xref table and trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def stream(data: bytes, extra: str = "") -> bytes:
    return f"<< /Length {len(data)} {extra} >>\nstream\n".encode() + data + b"\nendstream"


def page_objects(text: str, first: int, media_box: bool = True) -> list[bytes]:
    """A page (object `first`), its content stream and a Helvetica font: text in WinAnsi bytes."""
    content = b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)") + b") Tj ET"
    box = "/MediaBox [0 0 595 842]" if media_box else ""
    return [
        f"<< /Type /Page /Parent 2 0 R {box} /Contents {first + 1} 0 R "
        f"/Resources << /Font << /F1 {first + 2} 0 R >> >> >>".encode(),
        stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]


def pdf_with_attachment(path: Path, name: str, data: bytes, text: str = "Notice of the branch meeting") -> Path:
    """One page, and `name` in the EmbeddedFiles name tree (objects: 1 catalog, 2 pages, 3–5 page, 6–7 file)."""
    catalog = f"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [({name}) 7 0 R] >> >> >>"
    spec = f"<< /Type /Filespec /F ({name}) /UF ({name}) /EF << /F 6 0 R >> >>"
    return raw_pdf(path, [catalog.encode("latin-1") if name.isascii() else catalog.encode("utf-8"),
                          b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", *page_objects(text, 3),
                          stream(data, "/Type /EmbeddedFile"), spec.encode("latin-1")])


def pdf_with_xfa(path: Path, page_text: str, template: bytes, datasets: bytes | None = None) -> Path:
    """A page that shows `page_text` (the placeholder) and an AcroForm with XFA packets."""
    packets = [("template", template)] + ([("datasets", datasets)] if datasets else [])
    first_stream = 7
    xfa = " ".join(f"({n}) {first_stream + i} 0 R" for i, (n, _) in enumerate(packets))
    catalog = f"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA [{xfa}] >> >>".encode()
    return raw_pdf(path, [catalog, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", *page_objects(page_text, 3),
                          b"<< >>", *[stream(data) for _, data in packets]])


def pdf_without_pages(path: Path) -> Path:
    return raw_pdf(path, [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def pdf_without_mediabox(path: Path, text: str) -> Path:
    return raw_pdf(path, [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                          *page_objects(text, 3, media_box=False)])


def gbk_as_latin1(text: str) -> str:
    """What a PDF text layer yields for a non-embedded Chinese font: the GBK bytes as Latin-1 letters."""
    return text.encode("gbk").decode("latin-1")


def make_pdf(path: Path, pages: Sequence[Sequence[str]], annotations: Sequence[tuple[int, str]] = (),
             fields: dict[str, str] | None = None, subject: str | None = None, font: str = "STSong-Light",
             fake_bold: bool = False, encrypt: str | None = None, owner_password: str | None = None) -> Path:
    """A PDF drawn with reportlab, one line per string: text notes on pages (page, contents), AcroForm text
    fields (name → value), a document subject, another font (Helvetica: bytes as WinAnsi letters), fake
    bold (every line drawn four times, 0.25 pt apart, as some Chinese PDF producers do) and encryption."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if font not in pdfmetrics.getRegisteredFontNames() and font != "Helvetica":
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    crypt = None
    if encrypt is not None:
        crypt = StandardEncryption(encrypt, ownerPassword=owner_password or encrypt, canPrint=1)
    c = canvas.Canvas(str(path), pagesize=(595, 842), encrypt=crypt)
    if subject:
        c.setSubject(subject)
    for number, lines in enumerate(pages, start=1):
        y = 760
        for line in lines:
            c.setFont(font, 16)
            for dx, dy in ((0, 0), (0.25, 0), (0, 0.25), (0.25, 0.25)) if fake_bold else ((0, 0),):
                c.drawString(72 + dx, y + dy, line)
            y -= 30
        for page, contents in annotations:
            if page == number:
                c.textAnnotation(contents, Rect=(400, 700, 420, 720), relative=0)
        if fields and number == 1:
            for k, (name, value) in enumerate(fields.items()):
                c.acroForm.textfield(name=name, value=value, x=72, y=500 - 40 * k, width=300, height=20,
                                     fontName="Helvetica")
        c.showPage()
    c.save()
    return path
