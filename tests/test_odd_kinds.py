"""Documents gongkai does not read get an accurate refusal that says what they are — never 损坏:
Word's single-file XML (Flat OPC), a macro template, an Excel file renamed .docx. An OFD (also renamed
.docx/.pdf) is read. A .docm and a .dotx are Word packages: they are read and checked like a .docx, and a .docm's macros
earn a finding of their own (MACRO: save as .docx before publication)."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from fixtures import check
from wf_helpers import numbered_draft

OFD_XML = ('<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" '
           'DocType="OFD" Version="1.0"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
FLAT_OPC = ('<?xml version="1.0" standalone="yes"?>\n<?mso-application progid="Word.Document"?>\n'
            '<pkg:package xmlns:pkg="http://schemas.microsoft.com/office/2006/xmlPackage">'
            '<pkg:part pkg:name="/word/document.xml" pkg:contentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"><pkg:xmlData/></pkg:part></pkg:package>')
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def ofd(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("OFD.xml", OFD_XML)
        z.writestr("Doc_0/Document.xml", "<ofd:Document xmlns:ofd='http://www.ofdspec.org/2016'/>")
    return path


def retyped(src: Path, dst: Path, content_type: str, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            data = zi.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(MAIN.encode(), content_type.encode())
            zo.writestr(info, data)
        for name, data in (extra or {}).items():
            zo.writestr(name, data)
    return dst


def error_of(path: Path) -> tuple[str, str]:
    r = check(path)
    assert r.status == "error"
    return r.error.code, r.error.message


@pytest.mark.parametrize("name", ["通知.ofd", "通知.docx", "通知.pdf"])
def test_an_ofd_is_read_whatever_its_name(tmp_path, name):
    """OFD is read (read/ofd.py, tests/test_ofd.py); this one has no page, so nothing can be checked."""
    r = check(ofd(tmp_path / name))
    assert r.status == "ok"
    assert r.metadata.format == "ofd"
    assert {f.code for f in r.findings} == {"NO_TEXT"}


@pytest.mark.parametrize("name", ["通知.xml", "通知.docx"])
def test_a_flat_opc_xml_is_named(tmp_path, name):
    path = tmp_path / name
    path.write_text(FLAT_OPC, encoding="utf-8")
    code, message = error_of(path)
    assert code == "FLAT_OPC"
    assert "XML 文档" in message and "另存为" in message


def test_a_macro_template_is_named(tmp_path):
    path = tmp_path / "模板.dotm"
    path.write_text(FLAT_OPC, encoding="utf-8")
    assert error_of(path)[0] == "MACRO_TEMPLATE"


def test_an_excel_file_renamed_docx_is_named(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "表格"
    wb.save(tmp_path / "表.xlsx")
    shutil.copy(tmp_path / "表.xlsx", tmp_path / "表.docx")
    assert "Excel 表格" in error_of(tmp_path / "表.docx")[1]


def test_a_docm_is_read_and_checked(tmp_path):
    base = numbered_draft(tmp_path / "base.docx", 1)
    path = retyped(base, tmp_path / "宏.docm", "application/vnd.ms-word.document.macroEnabled.main+xml",
                   {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512})
    r = check(path)
    assert r.status == "ok"
    assert r.metadata.title == "关于做好第1号科技项目验收工作的通知"
    macro = [f for f in r.findings if f.code == "MACRO"]
    assert [(f.severity, f.evidence) for f in macro] == [("fix", "word/vbaProject.bin")]
    assert "含宏文档" in macro[0].message


def test_a_plain_docx_has_no_macro_finding(tmp_path):
    assert "MACRO" not in {f.code for f in check(numbered_draft(tmp_path / "a.docx", 1)).findings}


def test_a_dotx_is_read_and_checked(tmp_path):
    base = numbered_draft(tmp_path / "base.docx", 1)
    path = retyped(base, tmp_path / "模板.dotx", "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml")
    assert check(path).status == "ok"
