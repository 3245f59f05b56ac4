"""Bad inputs: every file that cannot be checked comes back as status "error" with a Chinese message that
says why and what to do — never a traceback — and never stops the other files of the same run."""
from __future__ import annotations

import json
import subprocess

import pytest

from fixtures import (
    empty_file, encrypted_pdf, gongkai_script, has_cjk, html_as_pdf, legacy_doc, lock_file, make_pdf, official_doc,
    oversized_docx, text_as_docx, truncated_docx, write_rules, zip_bomb_docx, check,
)
from pipeline.rules import load_rules

BAD = {
    "加密.pdf": encrypted_pdf,
    "截断.docx": truncated_docx,
    "空文件.docx": empty_file,
    "空文件.pdf": empty_file,
    "伪装.docx": text_as_docx,
    "网页.pdf": html_as_pdf,
    "旧版.doc": legacy_doc,
    "旧版改名.docx": legacy_doc,
}


def make_bad(tmp_path, name):
    return BAD[name](tmp_path / name)


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_an_error_with_a_chinese_message(tmp_path, name):
    r = check(make_bad(tmp_path, name))
    assert r.status == "error"
    assert r.error is not None
    assert r.error.code and r.error.code != "INTERNAL"  # recognised, not the catch-all
    assert has_cjk(r.error.message)
    j = r.to_json()
    assert j["status"] == "error" and j["error"]["message"] == r.error.message
    assert j["disclosable"] is not True


def test_pdf_content_named_docx_is_refused(tmp_path):
    pdf = official_doc(tmp_path / "real.pdf", "pdf")
    renamed = tmp_path / "改名.docx"
    renamed.write_bytes(pdf.read_bytes())
    r = check(renamed)
    assert r.status == "error" and has_cjk(r.error.message)


def test_zip_bomb_is_refused_with_default_limits(tmp_path):
    path = zip_bomb_docx(tmp_path / "炸弹.docx", inflated_mb=210)
    assert path.stat().st_size < 5 * 1024 * 1024  # the file on disk is small
    r = check(path)
    assert r.status == "error" and r.error.code != "INTERNAL" and has_cjk(r.error.message)


def test_zip_bomb_limit_from_the_rules_file(tmp_path):
    path = zip_bomb_docx(tmp_path / "炸弹.docx", inflated_mb=3)
    assert check(path).status == "ok"  # 3 MB unzipped is fine by default
    rules = load_rules(write_rules(tmp_path / "r.toml", "[limits]\nmax_unzipped_mb = 1\n"))
    r = check(path, rules)
    assert r.status == "error" and has_cjk(r.error.message)


def test_file_over_the_size_limit(tmp_path):
    path = oversized_docx(tmp_path / "大文件.docx", mb=1.5)
    assert check(path).status == "ok"
    rules = load_rules(write_rules(tmp_path / "r.toml", "[limits]\nmax_mb = 1\n"))
    r = check(path, rules)
    assert r.status == "error" and r.error.code != "INTERNAL" and has_cjk(r.error.message)


def test_pdf_over_the_page_limit(tmp_path):
    path = make_pdf(tmp_path / "长.pdf", [["第一页。"], ["第二页。"], ["第三页。"]])
    rules = load_rules(write_rules(tmp_path / "r.toml", "[limits]\nmax_pages = 2\n"))
    r = check(path, rules)
    assert r.status == "error" and has_cjk(r.error.message)


def test_lock_file_named_directly_is_an_error(tmp_path):
    r = check(lock_file(tmp_path / "~$党员大会通知.docx"))
    assert r.status == "error" and has_cjk(r.error.message)


def test_sha256_of_an_unreadable_file_is_still_given(tmp_path):
    import hashlib

    path = text_as_docx(tmp_path / "伪装.docx")
    assert check(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------------------------ mixed folder
@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A folder as the office's inbox looks: good drafts, every kind of bad input, a lock file."""
    d = tmp_path_factory.mktemp("inbox")
    official_doc(d / "01_分工通知.docx")
    official_doc(d / "02_分工通知.pdf", "pdf")
    for name in BAD:
        make_bad(d, name)
    zip_bomb_docx(d / "炸弹.docx", inflated_mb=210)
    lock_file(d / "~$分工通知.docx")
    (d / "说明.txt").write_text("不是文稿", encoding="utf-8")
    return d


def test_mixed_folder_every_file_reported_and_good_ones_checked(mixed, gongkai):
    result, reports = gongkai.json(mixed)
    by_name = {r["file"].replace("\\", "/").rsplit("/", 1)[-1]: r for r in reports}
    assert by_name["01_分工通知.docx"]["status"] == "ok"
    assert by_name["02_分工通知.pdf"]["status"] == "ok"
    assert by_name["01_分工通知.docx"]["metadata"]["doc_number"] == "青科党〔2023〕21号"
    for name in list(BAD) + ["炸弹.docx"]:
        r = by_name[name]
        assert r["status"] == "error", name
        assert has_cjk(r["error"]["message"]), name
    lock = by_name.get("~$分工通知.docx")
    assert lock is None or lock["status"] == "error"  # skipped in a folder scan, or refused
    assert "说明.txt" not in by_name
    assert result.exit_code == 3


def test_mixed_folder_by_subprocess_has_no_traceback(mixed):
    proc = subprocess.run([gongkai_script(), "check", "--json", str(mixed)], capture_output=True, timeout=120)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr
    assert proc.returncode == 3
    reports = json.loads(proc.stdout.decode("utf-8"))
    assert sum(r["status"] == "ok" for r in reports) == 2
    assert all(has_cjk(r["error"]["message"]) for r in reports if r["status"] == "error")


def test_mixed_folder_human_output_by_subprocess(mixed):
    proc = subprocess.run([gongkai_script(), "check", str(mixed)], capture_output=True, timeout=120)
    out = proc.stdout.decode("utf-8")
    assert "Traceback" not in proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 3
    verdicts = [line for line in out.splitlines() if line.strip().startswith("结论：")]
    assert len(verdicts) >= 2 + len(BAD) + 1
    assert sum("无法检查" in v for v in verdicts) >= len(BAD) + 1
