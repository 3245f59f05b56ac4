""".doc / .wps / .rtf / .odt / .docm / .dotx drafts, made by a real LibreOffice from a generated .docx, are
converted by one long-lived LibreOffice, checked like any draft, recorded, archived with the converted .docx
beside the unchanged original, and get their approval form and 公开稿 from the converted copy."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from fixtures import check, codes, has_cjk
from lo_helpers import as_docm, as_dotx, as_wps, lo_export
from optional import need_binary
from pipeline.read import libreoffice
from pipeline.read.libreoffice import ConvertSettings
from pipeline.workspace import init_workspace
from wf_helpers import KINDS, PII_ID, WsCli, db_rows, docx_text, draft, item_dir, one, sha256

PII = KINDS["pii"]
KINDS_MADE = ("doc", "wps", "rtf", "odt", "docm", "dotx")


def title_of(fmt: str) -> str:
    return f"关于发放第{KINDS_MADE.index(fmt) + 1}批困难党员补助的通知"


def docno_of(fmt: str) -> str:
    return f"青科党〔2023〕{60 + KINDS_MADE.index(fmt)}号"


@pytest.fixture(scope="module")
def legacy(tmp_path_factory) -> dict[str, Path]:
    """A draft with an ID and a mobile number in each format (its own title and 发文字号), from a generated .docx."""
    need_binary("soffice", "LibreOffice (libreoffice-writer-nogui)")
    root = tmp_path_factory.mktemp("legacy")
    src = {fmt: draft(root / f"补助{fmt}.docx", "pii", title=title_of(fmt), docno=docno_of(fmt)) for fmt in KINDS_MADE}
    made = {fmt: lo_export(src[fmt], fmt, root / fmt) for fmt in ("doc", "rtf", "odt")}
    made["wps"] = as_wps(lo_export(src["wps"], "doc", root / "wps"), root / "补助wps.wps")
    made["docm"] = as_docm(src["docm"], root / "补助docm.docm")
    made["dotx"] = as_dotx(src["dotx"], root / "补助dotx.dotx")
    return made


@pytest.mark.parametrize("fmt", KINDS_MADE)
def test_converted_draft_has_the_metadata_and_findings_of_its_docx(legacy, fmt):
    with libreoffice.session():
        r = check(legacy[fmt])
    assert r.status == "ok", r.error
    assert r.metadata.format == fmt
    assert r.metadata.title == title_of(fmt)
    assert r.metadata.doc_number == docno_of(fmt)
    assert r.metadata.date == "2023-09-12"
    assert r.metadata.issuer == "中共青川区科学技术局党组"
    macro = {"MACRO"} if fmt == "docm" else set()  # the original's macros are reported (check.macro_findings)
    assert codes(r) == {"PII_ID", "PII_PHONE"} | macro


def test_one_libreoffice_converts_every_file_of_a_run(legacy):
    with libreoffice.session():
        for fmt in KINDS_MADE:
            assert check(legacy[fmt]).status == "ok"
        converter = libreoffice._current().converter
        assert isinstance(converter, libreoffice.UnoConverter)
        assert converter.starts == 1


def test_macros_are_dropped_from_a_docm(legacy, tmp_path):
    with libreoffice.session():
        out = libreoffice.to_docx(legacy["docm"], "docm-test")
        with zipfile.ZipFile(out) as z:
            names = set(z.namelist())
            types = z.read("[Content_Types].xml")
    assert "word/vbaProject.bin" not in names
    assert b"macroEnabled" not in types


def test_a_hung_conversion_is_killed_and_the_next_file_gets_a_fresh_libreoffice(legacy, tmp_path):
    with libreoffice.session(ConvertSettings(timeout=0.001)):  # no conversion finishes in a millisecond
        r = check(legacy["doc"])
        converter = libreoffice._current().converter
        assert r.status == "error"
        assert r.error.code == "CONVERT_TIMEOUT"
        assert has_cjk(r.error.message)
        assert converter.proc is None  # killed
        converter.timeout = 60
        fresh = tmp_path / "另一份.rtf"  # bytes not read before in this process (drafts are cached by sha256)
        fresh.write_bytes(legacy["rtf"].read_bytes() + b"\n")
        again = check(fresh)
        assert again.status == "ok"
        assert converter.starts == 2


def test_without_libreoffice_the_message_names_the_package(legacy):
    with libreoffice.session(ConvertSettings(soffice="/nonexistent/soffice")):
        r = check(legacy["doc"])
    assert r.status == "error"
    assert r.error.code == "NO_CONVERTER"
    assert "libreoffice-writer-nogui" in r.error.message


def test_ingest_keeps_the_converted_docx_beside_the_unchanged_original(legacy, tmp_path):
    settings, _ = init_workspace(tmp_path / "ws")
    digests = {}
    for fmt in ("doc", "wps", "rtf", "odt"):
        target = settings.inbox / f"补助.{fmt}"
        target.write_bytes(legacy[fmt].read_bytes())
        digests[fmt] = sha256(target)
    cli = WsCli(settings.root)
    result = cli("ingest")
    assert result.exit_code == 0, result.output
    rows = db_rows(settings.root, "SELECT item_id, file, archived FROM versions ORDER BY item_id")
    assert len(rows) == 4
    for item_id, file, archived in rows:
        fmt = Path(file).suffix[1:]
        original = settings.root / archived
        assert sha256(original) == digests[fmt]  # never changed
        converted = original.with_name(f"{original.stem}（转换稿）.docx")
        assert title_of(fmt) in docx_text(converted)
        folder = item_dir(settings.root, item_id)
        one(folder, "*审批表.docx")
        public = docx_text(one(folder, "*公开稿.docx"))
        assert title_of(fmt) in public
        assert PII_ID not in public
