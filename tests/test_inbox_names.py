"""Inbox names and file kinds as Windows shares and careless hands deliver them: GBK-encoded names,
names near the file system's 255-byte limit, FIFOs and devices named .docx, symlinks out of the inbox,
files still being copied. None stops the batch, none is lost, none is filed as broken."""
from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from pathlib import Path

from fixtures import gongkai_script, text_as_docx
from watch_helpers import failed_files, make_workspace, versions
from wf_helpers import numbered_draft, sha256

from pipeline.errors import ExitCode


def gongkai(root: Path, *args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([gongkai_script(), "--workspace", str(root), *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout, stdin=subprocess.DEVNULL)


def make_bytes_name(folder: Path, raw: bytes, source: Path) -> bytes:
    """Move source into folder under a raw (non-UTF-8) byte name, as a Windows share writes it."""
    target = os.path.join(os.fsencode(folder), raw)
    os.rename(os.fsencode(source), target)
    return target


def notes_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".原因.txt"))


def test_a_gbk_name_is_recorded_readable_and_the_batch_goes_on(tmp_path):
    settings = make_workspace(tmp_path / "ws", stable=0.3)
    gbk = "关于第一号事项的通知.docx".encode("gbk")
    src = numbered_draft(tmp_path / "a.docx", 1)
    digest = sha256(src)
    make_bytes_name(settings.inbox, gbk, src)
    numbered_draft(settings.inbox / "z_后一个.docx", 2)
    r = gongkai(settings.root, "ingest")
    assert r.returncode == ExitCode.OK, r.stderr
    rows = {row["file"]: row for row in versions(settings)}
    assert sorted(rows) == ["z_后一个.docx", "关于第一号事项的通知.docx"]
    archived = settings.root / rows["关于第一号事项的通知.docx"]["archived"]
    assert archived.name == "关于第一号事项的通知.docx"
    assert sha256(archived) == digest
    assert "关于第一号事项的通知.docx" in r.stdout


def test_a_name_no_codec_reads_is_recorded_with_its_bytes_escaped(tmp_path):
    settings = make_workspace(tmp_path / "ws", stable=0.3)
    make_bytes_name(settings.inbox, b"\xff\xfe\x80.docx", numbered_draft(tmp_path / "a.docx", 1))
    r = gongkai(settings.root, "ingest")
    assert r.returncode == ExitCode.OK, r.stderr
    assert [row["file"] for row in versions(settings)] == ["\\xff\\xfe\\x80.docx"]


def test_a_broken_file_with_a_gbk_name_goes_to_failed_with_a_readable_note(tmp_path):
    settings = make_workspace(tmp_path / "ws", stable=0.3)
    make_bytes_name(settings.inbox, "坏文件.docx".encode("gbk"), text_as_docx(tmp_path / "bad.docx"))
    r = gongkai(settings.root, "ingest")
    assert r.returncode == ExitCode.OK, r.stderr
    assert [p.name for p in failed_files(settings)] == ["坏文件.docx"]
    note = settings.failed / "坏文件.docx.原因.txt"
    assert note.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "文件：坏文件.docx" in note.read_text(encoding="utf-8-sig")


def test_a_250_byte_name_still_gets_its_note(tmp_path):
    settings = make_workspace(tmp_path / "ws", stable=0.3)
    stem = "很" * 81 + "ab"  # 81 × 3 bytes + 2 = 245 bytes, + ".docx" = 250
    name = stem + ".docx"
    assert len(name.encode()) == 250
    text_as_docx(settings.inbox / name)
    r = gongkai(settings.root, "ingest")
    assert r.returncode == ExitCode.OK, r.stderr
    assert [p.name for p in failed_files(settings)] == [name]
    notes = notes_in(settings.failed)
    assert len(notes) == 1
    assert len(notes[0].name.encode()) <= 255
    assert f"文件：{name}" in notes[0].read_text(encoding="utf-8-sig")


def test_two_long_names_that_differ_only_at_the_end_keep_a_note_each(tmp_path):
    settings = make_workspace(tmp_path / "ws", stable=0.3)
    stem = "很" * 80
    for tail in ("甲", "乙"):
        text_as_docx(settings.inbox / f"{stem}{tail}.docx")
    assert gongkai(settings.root, "ingest").returncode == ExitCode.OK
    assert len(failed_files(settings)) == 2
    assert len(notes_in(settings.failed)) == 2


def test_a_fifo_named_docx_is_refused_without_opening_it(tmp_path):
    settings = make_workspace(tmp_path / "ws", stable=0.3)
    os.mkfifo(settings.inbox / "管道.docx")
    numbered_draft(settings.inbox / "正常.docx", 1)
    r = gongkai(settings.root, "ingest", timeout=120)  # a FIFO opened would block here for ever
    assert r.returncode == ExitCode.OK, r.stderr
    assert [row["file"] for row in versions(settings)] == ["正常.docx"]
    assert (settings.failed / "管道.docx").is_fifo()
    assert "命名管道" in (settings.failed / "管道.docx.原因.txt").read_text(encoding="utf-8-sig")


def test_check_refuses_a_fifo_and_a_socket(tmp_path):
    fifo = tmp_path / "x.docx"
    os.mkfifo(fifo)
    sock_path = tmp_path / "s.docx"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    try:
        r = subprocess.run([gongkai_script(), "check", str(fifo), str(sock_path)], capture_output=True, text=True,
                           encoding="utf-8", timeout=120, stdin=subprocess.DEVNULL)
    finally:
        sock.close()
    assert r.returncode == ExitCode.UNREADABLE
    assert "命名管道" in r.stdout
    assert "套接字" in r.stdout


def test_a_symlink_out_of_the_inbox_is_never_followed(tmp_path):
    settings = make_workspace(tmp_path / "ws", stable=0.3)
    outside = numbered_draft(tmp_path / "outside" / "机密原件.docx", 1)
    before = sha256(outside)
    numbered_draft(tmp_path / "outside" / "另一份.docx", 2)
    (settings.inbox / "链接.docx").symlink_to(outside)
    (settings.inbox / "目录链接").symlink_to(outside.parent, target_is_directory=True)
    r = gongkai(settings.root, "ingest")
    assert r.returncode == ExitCode.OK, r.stderr
    assert versions(settings) == []
    assert sha256(outside) == before
    assert sorted(p.name for p in outside.parent.iterdir()) == ["另一份.docx", "机密原件.docx"]
    assert (settings.failed / "链接.docx").is_symlink()
    assert "快捷方式" in (settings.failed / "链接.docx.原因.txt").read_text(encoding="utf-8-sig")


def test_ingest_waits_for_a_file_still_being_written(tmp_path):
    """A copy that keeps growing while ingest runs is left in the inbox (文件尚未写完), not filed as
    broken; once written, the next ingest records it."""
    settings = make_workspace(tmp_path / "ws", stable=1.0)
    whole = numbered_draft(tmp_path / "whole.docx", 1).read_bytes()
    target = settings.inbox / "正在复制.docx"
    done = threading.Event()

    def copy_slowly() -> None:
        with target.open("wb") as f:
            for i in range(len(whole) // 2):  # the first half, a byte at a time, until told to finish
                if done.is_set():
                    break
                f.write(whole[i:i + 1])
                f.flush()
                time.sleep(0.05)
            f.seek(0)
            f.write(whole)
            f.truncate()

    writer = threading.Thread(target=copy_slowly)
    writer.start()
    try:
        r = gongkai(settings.root, "ingest")
    finally:
        done.set()
        writer.join()
    assert r.returncode == ExitCode.OK, r.stderr
    assert "文件尚未写完" in r.stdout
    assert failed_files(settings) == []
    assert target.exists()
    os.utime(target, (time.time() - 60, time.time() - 60))  # the copy finished a while ago
    r = gongkai(settings.root, "ingest")
    assert [row["file"] for row in versions(settings)] == ["正在复制.docx"]


def test_the_watcher_refuses_a_fifo_and_records_a_gbk_name(tmp_path):
    from watch_helpers import ThreadWatcher

    settings = make_workspace(tmp_path / "ws", stable=0.3)
    with ThreadWatcher(settings, polling=False) as w:
        os.mkfifo(settings.inbox / "管道.docx")
        make_bytes_name(settings.inbox, "第二号通知.docx".encode("gbk"), numbered_draft(tmp_path / "a.docx", 2))
        outcomes = w.wait_outcomes(2, timeout=120)
    kinds = {o.file: o.kind for o in outcomes}
    assert kinds == {"管道.docx": "failed", "第二号通知.docx": "recorded"}
    assert [row["file"] for row in versions(settings)] == ["第二号通知.docx"]


def test_a_blocked_draft_says_so_in_the_ingest_table_and_the_watcher_log(tmp_path):
    from watch_helpers import ThreadWatcher
    from wf_helpers import draft

    settings = make_workspace(tmp_path / "ws", stable=0.3)
    draft(settings.inbox / "涉密.docx", "secret")
    r = gongkai(settings.root, "ingest")
    row = next(line for line in r.stdout.splitlines() if line.startswith("涉密.docx"))
    assert "已拦截（不得公开）" in row
    with ThreadWatcher(settings, polling=False) as w:
        draft(settings.inbox / "另一份涉密.docx", "secret", title="关于另一件涉密事项的通报", docno="青科党〔2023〕77号")
        w.wait_outcomes(1, timeout=120)
        line = next(m for m in w.handler.lines if m.startswith("另一份涉密.docx"))
    assert "已拦截（不得公开）" in line
