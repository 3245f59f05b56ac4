"""The bounded read: PDF stream bombs, a page or a file over its time budget, a read over its memory
budget, a reading process that dies — each a clear Chinese error (exit 3), and the next file of the same
batch is still read, in check and in ingest. The budgets here are set small so that real, slow work runs
past them; how fast and small the full-size attacks are is measured by benchmarks/bench.py."""
from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

import pytest

from fixtures import gongkai_script, has_cjk, official_doc, write_rules
from hostile import paragraphs_docx, raw_pdf, slow_page_pdf, stream_bomb_pdf, text_page
from pipeline.errors import InputError
from pipeline.read import Limits, read_draft
from pipeline.read import worker as read_worker
from pipeline.workspace import init_workspace

MB = 1 << 20


def refused(path: Path, limits: Limits) -> InputError:
    with pytest.raises(InputError) as e:
        read_draft(path, limits)
    assert has_cjk(e.value.message)
    return e.value


def test_a_pdf_stream_inflating_past_the_cap_is_a_bomb(tmp_path):
    e = refused(stream_bomb_pdf(tmp_path / "炸弹.pdf", mb=3), Limits(max_part_bytes=MB))
    assert e.code == "ZIP_BOMB"
    assert "PDF 内部的一个数据流解码后超过 1 MB" in e.message


def test_pdf_streams_inflating_past_the_file_budget_are_a_bomb(tmp_path):
    pages = [(text_page(f"Page {i}") + b" " * (MB // 2), True) for i in range(1, 5)]
    e = refused(raw_pdf(tmp_path / "多流.pdf", pages), Limits(max_unzipped_bytes=MB))
    assert e.code == "ZIP_BOMB"
    assert "解码后总计超过 1 MB" in e.message


def test_a_pdf_within_the_caps_is_read_through_the_capped_decoder(tmp_path):
    pages = [(text_page("Deflated page"), True), (text_page("Plain page"), False)]
    draft = read_draft(raw_pdf(tmp_path / "正常.pdf", pages), Limits())
    assert [b.text for b in draft.blocks] == ["Deflated page", "Plain page"]


def test_a_page_over_its_time_budget_is_not_checked_and_the_next_page_is(tmp_path):
    f = slow_page_pdf(tmp_path / "慢页.pdf", 100_000, then="The second page is read")
    draft = read_draft(f, Limits(max_page_seconds=0.2))
    assert [b.text for b in draft.blocks] == ["The second page is read"]
    assert draft.no_text_reason.startswith("PDF 第1页没有可提取的文字")


def test_a_second_page_over_its_time_budget_fails_the_file(tmp_path):
    from hostile import many_slow_pages_pdf

    e = refused(many_slow_pages_pdf(tmp_path / "慢页们.pdf", 3, 100_000), Limits(max_page_seconds=0.2))
    assert e.code == "TIMEOUT"
    assert "PDF 有 2 页各超过 0.2 秒仍未读完" in e.message


def test_a_file_over_its_time_budget_is_a_timeout(tmp_path):
    f = slow_page_pdf(tmp_path / "慢文件.pdf", 100_000, then="Never reached")
    e = refused(f, Limits(max_seconds=0.3, max_page_seconds=30))
    assert e.code == "TIMEOUT"
    assert "0 秒的时间上限" in e.message


def test_a_read_over_its_memory_budget_is_refused(tmp_path):
    f = paragraphs_docx(tmp_path / "大.docx", 120_000)  # 480,000 elements: under the element cap, ~100 MB to parse
    e = refused(f, Limits(max_memory_bytes=30 * MB, max_paragraphs=1_000_000))
    assert e.code == "TOO_COMPLEX"
    assert "内存超过 30 MB 的上限" in e.message


def _busy(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks


def test_a_reading_process_that_dies_mid_file_is_an_error_and_the_next_read_works(tmp_path):
    good = official_doc(tmp_path / "正常.docx")
    read_draft(good, Limits())  # the worker is up and idle
    child = read_worker._WORKER._proc
    idle = _busy(child.pid)
    slow = slow_page_pdf(tmp_path / "慢.pdf", 300_000, then="killed before this")
    result: dict = {}
    reader = threading.Thread(target=lambda: result.setdefault("e", _error(slow)))
    reader.start()
    deadline = time.monotonic() + 60
    while _busy(child.pid) - idle < 20 and time.monotonic() < deadline:  # it has taken the file and works on it
        time.sleep(0.05)
    child.kill()
    reader.join(timeout=60)
    assert result["e"].code == "TOO_COMPLEX"
    assert "读取进程异常退出" in result["e"].message
    assert read_draft(official_doc(tmp_path / "之后.docx", title="关于之后的通知"), Limits()).blocks


def _error(path: Path) -> InputError | None:
    try:
        read_draft(path, Limits(max_page_seconds=60))
    except InputError as e:
        return e
    return None


def test_an_idle_reading_process_that_died_is_replaced(tmp_path):
    good = official_doc(tmp_path / "正常.docx")
    read_draft(good, Limits())
    read_worker._WORKER._proc.kill()
    read_worker._WORKER._proc.wait()
    assert read_draft(official_doc(tmp_path / "另一份.docx", title="关于另一份的通知"), Limits()).blocks


SMALL = """
[limits]
max_part_mb = 10
max_page_seconds = 0.2
max_memory_mb = 60
max_paragraphs = 1000000
"""


def _hostile_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stream_bomb_pdf(folder / "1炸弹.pdf", mb=20)
    paragraphs_docx(folder / "2内存.docx", 120_000)
    official_doc(folder / "3正常.docx")


def test_check_reports_each_hostile_file_and_goes_on(tmp_path):
    _hostile_folder(tmp_path / "批")
    rules = write_rules(tmp_path / "规则.toml", SMALL)
    out = subprocess.run([gongkai_script(), "check", str(tmp_path / "批"), "--json", "--rules", str(rules)],
                         capture_output=True, text=True)
    assert out.returncode == 3
    by_name = {Path(r["file"]).name: r for r in json.loads(out.stdout)}
    assert by_name["1炸弹.pdf"]["error"]["code"] == "ZIP_BOMB"
    assert by_name["2内存.docx"]["error"]["code"] == "TOO_COMPLEX"
    assert by_name["3正常.docx"]["status"] == "ok"


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ingest_moves_hostile_files_aside_with_a_note_and_records_the_rest(tmp_path, workers):
    settings, _ = init_workspace(tmp_path / "ws")
    _hostile_folder(settings.inbox)
    rules = write_rules(tmp_path / "规则.toml", SMALL)
    out = subprocess.run([gongkai_script(), "--workspace", str(settings.root), "ingest", "--rules", str(rules),
                          "--workers", workers], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    failed = sorted(p.name for p in settings.failed.iterdir())
    assert failed == ["1炸弹.pdf", "1炸弹.pdf.原因.txt", "2内存.docx", "2内存.docx.原因.txt"]
    note = (settings.failed / "1炸弹.pdf.原因.txt").read_text(encoding="utf-8-sig")
    assert "压缩炸弹" in note
    assert [p.name for p in settings.archive.rglob("*.docx")] == ["3正常.docx"]
