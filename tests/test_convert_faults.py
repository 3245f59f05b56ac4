"""A real LibreOffice that hangs, crashes or is killed during a run: it is killed and restarted, the file it
was converting gets a Chinese error, and the next file converts. With --workers, the run still has one
LibreOffice (the main process converts; the workers read what it made). No mocks: the faults are real
signals sent to the real soffice process group."""
from __future__ import annotations

import array
import fcntl
import os
import signal
import termios
import threading
from pathlib import Path

import pytest

from fixtures import check, has_cjk
from lo_helpers import lo_export
from optional import need_binary
from pipeline.read import libreoffice
from pipeline.read.libreoffice import ConvertSettings
from pipeline.read.lo_convert import group_pids
from pipeline.workspace import init_workspace
from wf_helpers import WsCli, db_rows, numbered_draft


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> list[Path]:
    """Four distinct .doc drafts made by LibreOffice from generated .docx files."""
    need_binary("soffice", "LibreOffice (libreoffice-writer-nogui)")
    root = tmp_path_factory.mktemp("faults")
    made = []
    for n in range(1, 5):
        src = numbered_draft(root / f"验收{n}.docx", n)
        made.append(lo_export(src, "doc", root / f"doc{n}"))
    return made


def running_converter() -> libreoffice.UnoConverter:
    converter = libreoffice._current().converter
    assert isinstance(converter, libreoffice.UnoConverter)
    assert converter.proc is not None
    return converter


def office_processes(converter: libreoffice.UnoConverter) -> list[int]:
    """LibreOffice's processes: the converter's process group without the bridge that leads it."""
    assert converter.proc is not None
    return [p for p in group_pids(converter.proc.pid) if p != converter.proc.pid]


def test_a_hung_libreoffice_is_killed_the_file_gets_a_chinese_error_and_the_next_file_converts(docs):
    with libreoffice.session(ConvertSettings(timeout=5)):
        assert check(docs[0]).status == "ok"
        converter = running_converter()
        hung = converter.proc.pid
        os.killpg(hung, signal.SIGSTOP)  # LibreOffice and its bridge stop answering: a real hang
        r = check(docs[1])
        assert r.status == "error"
        assert r.error.code == "CONVERT_TIMEOUT"
        assert has_cjk(r.error.message)
        assert group_pids(hung) == []  # killed, all of it (a zombie left to init is not counted)
        after = check(docs[2])
        assert after.status == "ok"
        assert after.metadata.doc_number == "青科党〔2023〕103号"
        assert converter.starts == 2


def test_libreoffice_killed_between_files_is_restarted_and_the_next_file_converts(docs):
    with libreoffice.session():
        assert check(docs[0]).status == "ok"
        converter = running_converter()
        for pid in office_processes(converter):  # LibreOffice dies; its bridge lives on
            os.kill(pid, signal.SIGKILL)
        r = check(docs[1])
        assert r.status == "ok"  # not this file's fault: sent again to a fresh LibreOffice
        assert r.metadata.doc_number == "青科党〔2023〕102号"
        assert converter.starts == 2


def pipe_has_data(fd: int) -> bool:
    pending = array.array("i", [0])
    fcntl.ioctl(fd, termios.FIONREAD, pending)
    return pending[0] > 0


def test_libreoffice_killed_during_a_conversion_fails_that_file_in_chinese_and_the_next_file_converts(docs):
    with libreoffice.session():
        assert check(docs[0]).status == "ok"
        converter = running_converter()
        group, to_bridge = converter.proc.pid, converter.proc.stdin
        os.killpg(group, signal.SIGSTOP)  # held still, so the kill lands while the file is being converted
        result = {}
        worker = threading.Thread(target=lambda: result.update(r=check(docs[1])))
        worker.start()
        while worker.is_alive() and not pipe_has_data(to_bridge.fileno()):  # the file is on its way to LibreOffice
            worker.join(0.01)
        os.killpg(group, signal.SIGKILL)
        worker.join(120)
        r = result["r"]
        assert r.status == "error"
        assert r.error.code == "CONVERT_CRASHED", r.error
        assert has_cjk(r.error.message)
        after = check(docs[2])
        assert after.status == "ok"
        assert after.metadata.doc_number == "青科党〔2023〕103号"
        assert converter.starts == 2


def test_a_file_that_failed_to_convert_fails_again_without_another_conversion(docs, tmp_path):
    with libreoffice.session(ConvertSettings(timeout=5)):
        assert check(docs[0]).status == "ok"
        converter = running_converter()
        os.killpg(converter.proc.pid, signal.SIGSTOP)
        assert check(docs[3]).error.code == "CONVERT_TIMEOUT"
        again = tmp_path / "同一份.doc"  # the same bytes under another name: the run's error, not a new try
        again.write_bytes(docs[3].read_bytes())
        r = check(again)
        assert r.error.code == "CONVERT_TIMEOUT"
        assert converter.starts == 1


def soffice_processes_started_by(root_pid: int) -> int:
    """How many soffice.bin processes descend from `root_pid` (walking /proc parent links)."""
    parents = {}
    names = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    raw = f.read()
            except OSError:
                continue
            comm = raw[raw.index(b"(") + 1:raw.rindex(b")")]
            parents[int(name)] = int(raw.rsplit(b")", 1)[1].split()[1])
            names[int(name)] = comm
    count = 0
    for pid, comm in names.items():
        p = pid
        while p in parents and p != root_pid and p > 1:
            p = parents[p]
        if p == root_pid and comm == b"soffice.bin":
            count += 1
    return count


def test_ingest_with_two_workers_uses_one_libreoffice_and_records_every_doc(docs, tmp_path):
    settings, _ = init_workspace(tmp_path / "ws")
    for d in docs:
        (settings.inbox / d.name).write_bytes(d.read_bytes())
    seen = []
    stop = threading.Event()

    def watch_processes() -> None:
        while not stop.is_set():
            seen.append(soffice_processes_started_by(os.getpid()))
            stop.wait(0.05)

    watcher = threading.Thread(target=watch_processes)
    watcher.start()
    try:
        result = WsCli(settings.root)("ingest", "--workers", "2")
    finally:
        stop.set()
        watcher.join()
    assert result.exit_code == 0, result.output
    rows = db_rows(settings.root, "SELECT doc_number FROM items ORDER BY doc_number")
    assert [r[0] for r in rows] == [f"青科党〔2023〕{100 + n}号" for n in range(1, 5)]
    assert max(seen) == 1
