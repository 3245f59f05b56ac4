"""Legacy-format drafts for the tests, made by a real LibreOffice from generated .docx files."""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

from optional import need_binary

EXPORT = {"doc": "doc:MS Word 97", "rtf": "rtf:Rich Text Format", "odt": "odt:writer8", "pdf": "pdf:writer_pdf_Export"}


def lo_export(src: Path, fmt: str, outdir: Path) -> Path:
    """`soffice --convert-to` with a private profile, so parallel runs never share one."""
    soffice = need_binary("soffice", "LibreOffice (libreoffice-writer-nogui)")
    outdir.mkdir(parents=True, exist_ok=True)
    profile = (outdir / ".lo-profile").resolve().as_uri()
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={profile}", "--convert-to",
                    EXPORT[fmt], "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=180)
    return outdir / f"{src.stem}.{fmt}"


def as_wps(doc: Path, target: Path) -> Path:
    """WPS 文字 saves .wps in the Word 97 binary format: the same bytes under WPS's name."""
    shutil.copyfile(doc, target)
    return target


def _with_content_types(docx: Path, target: Path, retype, extra: dict[str, bytes] | None = None) -> Path:
    """target = docx with [Content_Types].xml passed through retype(bytes) and the extra parts added."""
    with zipfile.ZipFile(docx) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, retype(data) if info.filename == "[Content_Types].xml" else data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return target


def as_docm(docx: Path, target: Path) -> Path:
    """A macro-enabled Word file: the macro content type and a vbaProject part added to a .docx."""
    def retype(data: bytes) -> bytes:
        data = data.replace(b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                            b"application/vnd.ms-word.document.macroEnabled.main+xml")
        return data.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/'
                            b'vnd.ms-office.vbaProject"/></Types>')

    return _with_content_types(docx, target, retype,
                               {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024})


def as_dotx(docx: Path, target: Path) -> Path:
    return _with_content_types(docx, target, lambda data: data.replace(b"wordprocessingml.document.main+xml",
                                                                       b"wordprocessingml.template.main+xml"))
