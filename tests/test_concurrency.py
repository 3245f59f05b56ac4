"""One workspace, many hands: a real `gongkai watch`, two real `gongkai ingest` runs and a stream of
`gongkai review` commands at once on 100 distinct drafts. Every draft is recorded exactly once; nothing
is lost, moved to failed/ or filed twice; nobody sees a traceback. And the refusals that make it hold:
a file another process has claimed is left to it, and an ingest with nothing left says so (exit 9)."""
from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import threading
from pathlib import Path

from fixtures import gongkai_script
from watch_helpers import ProcessWatcher, failed_files, make_workspace, stray_parts, versions, wait_until
from wf_helpers import numbered_draft, sha256

from pipeline.errors import ExitCode

N = 100
SLOW = 600.0  # a generous bound for a shared 2-core machine; the test asserts outcomes, never speed


def gongkai(root: Path, *args: str, timeout: float = SLOW) -> subprocess.CompletedProcess:
    return subprocess.run([gongkai_script(), "--workspace", str(root), *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout, stdin=subprocess.DEVNULL)


class Reviewer(threading.Thread):
    """The liaison at work meanwhile: approves each item as it appears, one `gongkai review` at a time."""

    def __init__(self, root: Path):
        super().__init__(daemon=True)
        self.root = root
        self.stop = threading.Event()
        self.runs: list[tuple[str, int, str]] = []  # (item, exit code, stderr)
        self.listings: list[tuple[int, str]] = []

    def run(self) -> None:
        done: set[str] = set()
        while not self.stop.is_set():
            r = gongkai(self.root, "list", "--status", "received", "--json")
            self.listings.append((r.returncode, r.stderr))
            todo = [i["id"] for i in json.loads(r.stdout or "[]") if i["id"] not in done] if r.returncode == 0 else []
            for item in todo[:3]:
                rv = gongkai(self.root, "review", item, "--approve", "--by", "陈先荣")
                self.runs.append((item, rv.returncode, rv.stderr))
                done.add(item)
            self.stop.wait(0.2)


def test_watcher_two_ingests_and_reviews_at_once_record_every_draft_once(tmp_path: Path) -> None:
    settings = make_workspace(tmp_path / "ws", stable=0.3, rescan=1.0)
    staging = tmp_path / "staging"
    drafts = [numbered_draft(staging / f"{n:03d}_第{n}号验收通知.docx", n) for n in range(N)]
    expected = {sha256(d): d.name for d in drafts}
    assert len(expected) == N

    watcher = ProcessWatcher(settings, polling=False, out_dir=tmp_path, tag="watch")
    reviewer = Reviewer(settings.root)
    try:
        watcher.start()
        for d in drafts:  # all at once (a rename each), while the watcher already runs
            os.rename(d, settings.inbox / d.name)
        ingests = [subprocess.Popen([gongkai_script(), "--workspace", str(settings.root), "ingest"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                    text=True, encoding="utf-8") for _ in range(2)]
        reviewer.start()
        results = [p.communicate(timeout=SLOW) + (p.returncode,) for p in ingests]
        wait_until(lambda: len(versions(settings)) >= N and not list(settings.inbox.rglob("*.docx")),
                   "every draft recorded and the inbox empty", timeout=SLOW, every=0.5)
        wait_until(lambda: any(i for i, code, _ in reviewer.runs), "at least one review", timeout=SLOW)
    finally:
        reviewer.stop.set()
        reviewer.join(timeout=SLOW)
        if watcher.alive():
            watcher.signal(signal.SIGTERM)
        watcher_code = watcher.wait(timeout=60) if watcher.proc else None
        watcher.cleanup()

    rows = versions(settings)
    # every draft recorded exactly once, under its own name
    assert sorted(r["sha256"] for r in rows) == sorted(expected)
    assert {r["sha256"]: r["file"] for r in rows} == expected
    assert len({r["item_id"] for r in rows}) == N
    # nothing lost, failed or filed twice; every original archived unchanged
    assert failed_files(settings) == []
    assert not (settings.archive / "重复件").exists()
    archived = sorted(p for p in settings.archive.rglob("*") if p.is_file())
    assert sorted(sha256(p) for p in archived) == sorted(expected)
    assert list(settings.inbox.rglob("*.docx")) == []
    assert stray_parts(settings) == []
    # nobody saw a traceback; the ingests ended normally or said another process had it all
    for _out, err, code in results:
        assert "Traceback" not in err
        assert code in (ExitCode.OK, ExitCode.IN_PROGRESS), (code, err)
    assert "Traceback" not in watcher.stderr()
    assert watcher_code == 0
    # every review went through and the ledger shows it
    assert reviewer.runs
    assert [(i, code) for i, code, _ in reviewer.runs if code != 0] == []
    assert all("Traceback" not in err for _, _, err in reviewer.runs)
    assert all(code == 0 for code, _ in reviewer.listings)
    approved = gongkai(settings.root, "list", "--status", "approved", "--json")
    assert sorted(i["id"] for i in json.loads(approved.stdout)) == sorted({i for i, _, _ in reviewer.runs})


def test_a_claimed_file_is_left_to_its_holder_and_ingest_says_so(tmp_path: Path) -> None:
    """Another process holds every waiting draft (here: the test, by the same flock): ingest touches
    nothing and says 另一个处理正在进行 with its own exit code."""
    settings = make_workspace(tmp_path / "ws", stable=0.3, rescan=1.0)
    paths = [numbered_draft(settings.inbox / f"{n}.docx", n) for n in range(2)]
    fds = [os.open(p, os.O_RDONLY) for p in paths]
    try:
        for fd in fds:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        r = gongkai(settings.root, "ingest")
    finally:
        for fd in fds:
            os.close(fd)
    assert r.returncode == ExitCode.IN_PROGRESS
    assert "另一个处理正在进行" in r.stderr
    assert "Traceback" not in r.stderr
    assert sorted(p.name for p in settings.inbox.iterdir()) == ["0.docx", "1.docx"]
    assert versions(settings) == []


def test_ingest_processes_what_another_process_does_not_hold(tmp_path: Path) -> None:
    settings = make_workspace(tmp_path / "ws", stable=0.3, rescan=1.0)
    held = numbered_draft(settings.inbox / "held.docx", 1)
    numbered_draft(settings.inbox / "free.docx", 2)
    fd = os.open(held, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        r = gongkai(settings.root, "ingest")
    finally:
        os.close(fd)
    assert r.returncode == ExitCode.OK
    assert [row["file"] for row in versions(settings)] == ["free.docx"]
    assert "另有 1 个文件正由另一个进程" in r.stdout
    assert sorted(p.name for p in settings.inbox.iterdir()) == ["held.docx"]
