"""Hostile drafts, written raw (zipfile + byte patching for OOXML, hand-made bytes for PDF), each sized by a
parameter: the tests make small ones against small limits, benchmarks/bench.py makes the full-size ones.

- lying_docx: word/document.xml declares a few KB and inflates to `actual_mb` (the CRC is the real one);
- bomb_entry_docx: an honest-looking entry that inflates to `mb` (declared too);
- doctype_docx: a DOCTYPE in a part — billion laughs, an external entity, in UTF-16 …;
- paragraphs_docx: `n` one-character paragraphs;
- nested_docx: content controls nested `depth` deep;
- many_entries_docx: `n` tiny entries;
- stream_bomb_pdf: a page whose FlateDecode content stream inflates to `mb`;
- slow_page_pdf, many_slow_pages_pdf: pages of `n` text-showing operators (cheap to store, slow to interpret);
- nested_array_pdf: a content stream of arrays nested `depth` deep.
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="bin" ContentType="application/octet-stream"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    ' Target="word/document.xml"/></Relationships>'
)
DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
DOC_OPEN = f'<w:document xmlns:w="{W_NS}"><w:body>'.encode()
DOC_CLOSE = b"</w:body></w:document>"
TITLE_P = "<w:p><w:r><w:t>关于调整局领导班子成员工作分工的通知</w:t></w:r></w:p>".encode()


def body_xml(*paragraphs: str) -> bytes:
    ps = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return DECL + DOC_OPEN + ps.encode() + DOC_CLOSE


def raw_docx(path: Path, parts: dict[str, bytes | str]) -> Path:
    """A minimal .docx from raw parts; [Content_Types].xml and _rels/.rels are added unless given."""
    parts = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS, **parts}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _stream_part(z: zipfile.ZipFile, name: str, head: bytes, unit: bytes, count: int, tail: bytes) -> None:
    with z.open(name, "w", force_zip64=False) as f:
        f.write(head)
        block = unit * max(1, min(count, (1 << 20) // max(1, len(unit))))
        left = count
        while left > 0:
            n = min(left, len(block) // len(unit))
            f.write(block[: n * len(unit)])
            left -= n
        f.write(tail)


def lying_docx(path: Path, actual_mb: int, declared: int = 4096) -> Path:
    """word/document.xml really inflates to actual_mb; its local and central headers say `declared` bytes."""
    filler = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        count = actual_mb * (1 << 20) // len(filler)
        _stream_part(z, "word/document.xml", DECL + DOC_OPEN + TITLE_P, filler, count, DOC_CLOSE)
    _patch_size(path, "word/document.xml", declared)
    return path


def _patch_size(path: Path, name: str, size: int) -> None:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
    encoded = name.encode()
    local = info.header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 22, size)
    central = data.rfind(b"PK\x01\x02", 0, len(data))
    while central >= 0:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46: central + 46 + name_len] == encoded:
            struct.pack_into("<I", data, central + 24, size)
            break
        central = data.rfind(b"PK\x01\x02", 0, central)
    if info.flag_bits & 0x08:  # a data descriptor after the data repeats the sizes
        desc = local + 30 + len(encoded) + len(info.extra) + info.compress_size
        off = desc + (4 if data[desc:desc + 4] == b"PK\x07\x08" else 0)
        struct.pack_into("<I", data, off + 8, size)
    path.write_bytes(bytes(data))


def bomb_entry_docx(path: Path, mb: int, name: str = "word/media/image1.bin") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", body_xml("关于调整局领导班子成员工作分工的通知"))
        _stream_part(z, name, b"", b"\0" * 4096, mb * 256, b"")
    return path


BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE w:document [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + "]>\n"
    + f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE w:document [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n'
    f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>'
)


def doctype_docx(path: Path, kind: str = "laughs") -> Path:
    """kind: laughs (billion laughs in document.xml), external (an external entity), utf16 (billion laughs
    in UTF-16), comment (a DOCTYPE after a comment), header (in [Content_Types].xml)."""
    if kind == "header":
        types = CONTENT_TYPES.replace("<Types", "<!DOCTYPE Types>\n<Types", 1)
        return raw_docx(path, {"[Content_Types].xml": types, "word/document.xml": body_xml("通知")})
    doc = {"laughs": BILLION_LAUGHS, "external": EXTERNAL_ENTITY,
           "comment": BILLION_LAUGHS.replace("\n<!DOCTYPE", "\n<!-- 注释 -->\n<!DOCTYPE", 1)}.get(kind)
    if kind == "utf16":
        data = b"\xff\xfe" + BILLION_LAUGHS.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le")
    else:
        data = doc.encode()
    return raw_docx(path, {"word/document.xml": data})


def paragraphs_docx(path: Path, n: int, text: str = "x") -> Path:
    """n paragraphs of `text` after a title (5.5 million one-character ones make a 190 MB document.xml)."""
    unit = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        _stream_part(z, "word/document.xml", DECL + DOC_OPEN + TITLE_P, unit, n, DOC_CLOSE)
    return path


def nested_docx(path: Path, depth: int) -> Path:
    """A paragraph inside `depth` nested content controls."""
    open_ = "<w:sdt><w:sdtContent>" * depth
    close = "</w:sdtContent></w:sdt>" * depth
    doc = DECL + DOC_OPEN + TITLE_P + (open_ + "<w:p><w:r><w:t>深处</w:t></w:r></w:p>" + close).encode() + DOC_CLOSE
    return raw_docx(path, {"word/document.xml": doc})


def many_entries_docx(path: Path, n: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", body_xml("通知"))
        for i in range(n):
            z.writestr(f"x/{i}", b"")
    return path


# ------------------------------------------------------------------ PDF
def raw_pdf(path: Path, page_streams: list[tuple[bytes, bool]]) -> Path:
    """A PDF with one Helvetica page per (content bytes, deflated?) — written by hand, xref and all."""
    objs: list[bytes] = []
    n_pages = len(page_streams)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    font_id = 3 + 2 * n_pages
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, (content, deflate) in enumerate(page_streams):
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * i} 0 R "
                    f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode())
        data = zlib.compress(content, 9) if deflate else content
        filt = b" /Filter /FlateDecode" if deflate else b""
        objs.append(b"<< /Length " + str(len(data)).encode() + filt + b" >>\nstream\n" + data + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return _write_pdf(path, objs)


def _write_pdf(path: Path, objs: list[bytes]) -> Path:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def text_page(*lines: str) -> bytes:
    ops = [b"BT /F1 14 Tf 60 780 Td 18 TL"]
    ops += [b"(" + line.encode("latin-1") + b") Tj T*" for line in lines]
    return b"\n".join(ops + [b"ET"])


def stream_bomb_pdf(path: Path, mb: int) -> Path:
    """Page 1 says hello; its content stream goes on with `mb` MB of spaces, deflated to ~1/1000."""
    head = text_page("Notice of the district bureau")
    compressor = zlib.compressobj(9)
    chunks = [compressor.compress(head)]
    space = b" " * (1 << 20)
    for _ in range(mb):
        chunks.append(compressor.compress(space))
    chunks.append(compressor.flush())
    data = b"".join(chunks)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length " + str(len(data)).encode() + b" /Filter /FlateDecode >>\nstream\n" + data + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return _write_pdf(path, objs)


def slow_page_pdf(path: Path, n: int, then: str = "Page two is plain text") -> Path:
    """Page 1: n tiny text-showing operators (a few bytes each, deflated); page 2: one line of text."""
    slow = b"BT /F1 1 Tf " + b"(.) Tj " * n + b"ET"
    return raw_pdf(path, [(slow, True), (text_page(then), False)])


def nested_array_pdf(path: Path, depth: int) -> Path:
    """A page whose content stream opens `depth` arrays inside each other, then text."""
    content = b"[" * depth + b"]" * depth + b"\n" + text_page("After the nesting")
    return raw_pdf(path, [(content, True)])


def many_slow_pages_pdf(path: Path, pages: int, n: int) -> Path:
    slow = b"BT /F1 1 Tf " + b"(.) Tj " * n + b"ET"
    return raw_pdf(path, [(slow, True)] * pages)


def _image_page_pdf(path: Path, side_pt: float, image_dict: bytes, data: bytes) -> Path:
    """One page `side_pt` points square, covered by one image XObject (no text layer: a scan)."""
    content = f"q {side_pt:g} 0 0 {side_pt:g} 0 0 cm /Im1 Do Q".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {side_pt:g} {side_pt:g}] /Contents 4 0 R "
            "/Resources << /XObject << /Im1 5 0 R >> >> >>".encode(),
            b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
            b"<< /Type /XObject /Subtype /Image " + image_dict + b" /Length " + str(len(data)).encode()
            + b" >>\nstream\n" + data + b"\nendstream"]
    return _write_pdf(path, objs)


def huge_mono_pdf(path: Path, side_px: int, dpi: int = 300) -> Path:
    """A 1-bit scan `side_px` pixels square (35,000: 1.2 gigapixels, 153 MB as bits) in a few KB: CCITT G4
    of a white page, each row one V0 code (same as the row above)."""
    bits = side_px
    data = b"\xff" * (bits // 8) + (bytes([0xFF << (8 - bits % 8) & 0xFF]) if bits % 8 else b"")
    head = (f"/Width {side_px} /Height {side_px} /BitsPerComponent 1 /ColorSpace /DeviceGray /Filter /CCITTFaxDecode "
            f"/DecodeParms << /K -1 /Columns {side_px} /Rows {side_px} /BlackIs1 false >>").encode()
    return _image_page_pdf(path, side_px * 72 / dpi, head, data)


def huge_rgb_pdf(path: Path, side_px: int, dpi: int = 300) -> Path:
    """An RGB scan `side_px` pixels square (9,000: 81 MP, 232 MB decoded) of a white page, deflated to ~240 KB."""
    compressor = zlib.compressobj(9)
    row = b"\xff" * (3 * side_px)
    chunks = [compressor.compress(row) for _ in range(side_px)]
    chunks.append(compressor.flush())
    head = (f"/Width {side_px} /Height {side_px} /BitsPerComponent 8 /ColorSpace /DeviceRGB "
            "/Filter /FlateDecode").encode()
    return _image_page_pdf(path, side_px * 72 / dpi, head, b"".join(chunks))
