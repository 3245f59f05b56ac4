"""`gongkai watch`: a real watchdog observer on real folders, tests 1–10 each in inotify AND polling mode.

Each test makes its own workspace with init_workspace (tests/watch_helpers.make_workspace) and fast [watch]
values: stable 0.5 s, rescan 2 s — except the tests that set rescan to an hour so that only watchdog events
(plus the one scan at start) can bring a draft in. The watcher runs in a thread (pipeline.api.run_watch with a
stop Event) or as a real `gongkai watch` subprocess (signals, flock, exit codes, gongkai.log). Drafts are made
on the spot (tests/fixtures.py), in a staging folder outside the inbox when they must not appear there half
made. Conditions are polled with a deadline; no test asserts on a duration.

Test 10's broken .docx is given up on only after max(5 × stable_seconds, 10 s), so its watchers start with
the module (fixture broken_draft_runs) and the wait overlaps the other tests. Test 11 kills a watcher at a
chosen step of one draft (deterministic, in one mode: observer-independent) and checks the restart completes it.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures import CJK, encrypted_pdf, legacy_doc, truncated_docx
from watch_helpers import (LOCK_NAMES, Drafts, ProcessWatcher, ThreadWatcher, drop, drop_lock_files,
                           failed_files, inbox_files, item_count, make_workspace, sha256, stray_parts,
                           versions, wait_until)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="flock, inotify and POSIX signals")

MODES = [pytest.param(False, id="inotify"), pytest.param(True, id="polling")]
EVENTS_ONLY = 3600.0  # rescan_seconds for tests that must be served by watchdog events alone


@pytest.fixture(scope="session")
def drafts(tmp_path_factory) -> Drafts:
    return Drafts(tmp_path_factory.mktemp("drafts"))


@pytest.fixture
def staging(tmp_path) -> Path:
    """A sibling of the inbox on the same filesystem, where files are prepared before they are dropped."""
    d = tmp_path / "staging"
    d.mkdir()
    return d


@pytest.fixture
def processes():
    """Every watcher subprocess a test starts; any still running at the end is killed by its own pid."""
    started: list[ProcessWatcher] = []
    yield started
    for p in started:
        p.cleanup()


def by_sha(settings) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for v in versions(settings):
        out.setdefault(v["sha256"], []).append(v)
    return out


def outbox_docs(settings, item_id: str) -> set[str]:
    return {p.name for p in settings.outbox.glob(f"{item_id}_*/*") if p.is_file()}


def assert_archived_intact(settings, data: bytes, name: str) -> dict:
    """Exactly one ledger version holds these bytes, under the inbox-relative name, and its archived copy is
    byte-identical."""
    rows = by_sha(settings).get(sha256(data), [])
    assert len(rows) == 1, f"{name}: {len(rows)} ledger versions with its sha256"
    row = rows[0]
    assert row["file"] == name
    archived = settings.root / row["archived"]
    assert archived.read_bytes() == data, f"{name}: archived copy differs from the dropped file"
    return row


# ------------------------------------------------------------------------------------------------ 1
@pytest.mark.parametrize("polling", MODES)
def test_draft_written_slowly_is_processed_once_when_complete(tmp_path, drafts, polling):
    settings = make_workspace(tmp_path, rescan=EVENTS_ONLY)
    data = drafts(1)
    chunks = [data[i:i + len(data) // 10 + 1] for i in range(0, len(data), len(data) // 10 + 1)]
    target = settings.inbox / "关于第1项党务公开事项的通知.docx"
    with ThreadWatcher(settings, polling) as w:
        with target.open("wb") as f:
            for n, chunk in enumerate(chunks):
                f.write(chunk)
                f.flush()
                # a stall longer than stable_seconds halfway (a network copy hiccup): size and mtime hold
                # still, but the half-written .docx does not open, so it must still wait
                time.sleep(1.2 if n == len(chunks) // 2 else 0.2)
                if n < len(chunks) - 1:
                    assert w.outcomes == [], f"processed while only {n + 1}/{len(chunks)} chunks were written"
                assert target.exists() and not failed_files(settings)
        outcomes = w.wait_outcomes(1, "the slowly written draft to be processed")
    assert [(o.file, o.kind) for o in outcomes] == [(target.name, "recorded")]
    assert_archived_intact(settings, data, target.name)
    assert len(versions(settings)) == 1 and item_count(settings) == 1
    assert failed_files(settings) == [] and not any(settings.failed.iterdir())
    assert inbox_files(settings) == []


# ------------------------------------------------------------------------------------------------ 2
@pytest.mark.parametrize("polling", MODES)
def test_draft_moved_in_is_processed(tmp_path, staging, drafts, polling):
    settings = make_workspace(tmp_path, rescan=EVENTS_ONLY)
    src = drop(drafts(2), staging / "移入的通知.docx")
    with ThreadWatcher(settings, polling) as w:
        os.rename(src, settings.inbox / src.name)
        outcomes = w.wait_outcomes(1, "the moved-in draft to be processed")
    assert [(o.file, o.kind) for o in outcomes] == [("移入的通知.docx", "recorded")]
    assert_archived_intact(settings, drafts(2), "移入的通知.docx")
    assert inbox_files(settings) == []


# ------------------------------------------------------------------------------------------------ 3
ODD_NAMES = {
    "关于 调整 分工.docx": 3,
    "R&D 项目 & 经费.docx": 4,
    "通知（1）.docx": 5,
    "党支部换届（2）& 选举 结果.docx": 6,
    "附件/二级 目录（副本）/名单 & 说明.docx": 7,
}


@pytest.mark.parametrize("polling", MODES)
def test_folder_moved_in_is_processed_recursively(tmp_path, staging, drafts, polling):
    settings = make_workspace(tmp_path, rescan=EVENTS_ONLY)
    batch = staging / "第三批 文稿 &（1）"
    for rel, n in ODD_NAMES.items():
        drop(drafts(n), batch / rel)
    with ThreadWatcher(settings, polling) as w:
        os.rename(batch, settings.inbox / batch.name)
        outcomes = w.wait_outcomes(len(ODD_NAMES), "every draft of the moved-in folder to be processed")
    expected = {f"{batch.name}/{rel}" for rel in ODD_NAMES}
    assert {o.file for o in outcomes} == expected
    assert all(o.kind == "recorded" for o in outcomes), [(o.file, o.kind, o.message) for o in outcomes]
    for rel, n in ODD_NAMES.items():
        assert_archived_intact(settings, drafts(n), f"{batch.name}/{rel}")
    assert item_count(settings) == len(ODD_NAMES)
    assert inbox_files(settings) == [] and failed_files(settings) == []


# ------------------------------------------------------------------------------------------------ 4
@pytest.mark.parametrize("polling", MODES)
def test_lock_and_temp_files_are_ignored_and_stay(tmp_path, drafts, polling):
    settings = make_workspace(tmp_path)
    locks = drop_lock_files(settings.inbox)  # seen by the scan at start (the same filter as every rescan)
    with ThreadWatcher(settings, polling) as w:
        nested = drop_lock_files(settings.inbox / "科室")  # seen as watchdog events
        # dropped after them: by the time it is processed, their events have been drained and judged
        drop(drafts(8), settings.inbox / "a.docx")
        outcomes = w.wait_outcomes(1, "the real draft beside the lock files to be processed")
    assert [(o.file, o.kind) for o in outcomes] == [("a.docx", "recorded")]
    expected = sorted(list(LOCK_NAMES) + [f"科室/{n}" for n in LOCK_NAMES])
    assert inbox_files(settings) == expected
    for name, data in locks.items():
        assert (settings.inbox / name).read_bytes() == data
    for name, data in nested.items():
        assert (settings.inbox / "科室" / name).read_bytes() == data
    assert len(versions(settings)) == 1 and failed_files(settings) == []


# ------------------------------------------------------------------------------------------------ 5
@pytest.mark.parametrize("polling", MODES)
def test_identical_duplicate_dropped_later_is_recognised(tmp_path, drafts, polling):
    settings = make_workspace(tmp_path)
    data = drafts(9)
    with ThreadWatcher(settings, polling) as w:
        drop(data, settings.inbox / "分工通知.docx")
        w.wait_outcomes(1, "the first copy to be recorded")
        drop(data, settings.inbox / "分工通知 - 副本.docx")
        w.wait_outcomes(2, "the renamed copy to be seen")
        drop(data, settings.inbox / "分工通知.docx")  # same name, same bytes, again
        outcomes = w.wait_outcomes(3, "the same-name copy to be seen")
    first, copy, again = outcomes
    assert (first.file, first.kind) == ("分工通知.docx", "recorded")
    assert (copy.file, copy.kind) == ("分工通知 - 副本.docx", "duplicate")
    assert (again.file, again.kind) == ("分工通知.docx", "duplicate")
    assert copy.item_id == again.item_id == first.item_id
    assert item_count(settings) == 1 and len(versions(settings)) == 1
    assert_archived_intact(settings, data, "分工通知.docx")
    dups = sorted(p for p in (settings.archive / "重复件").iterdir() if not p.name.endswith(".原因.txt"))
    assert len(dups) == 2 and all(p.read_bytes() == data for p in dups)
    assert inbox_files(settings) == []


# ------------------------------------------------------------------------------------------------ 6
@pytest.mark.parametrize("polling", MODES)
def test_drafts_dropped_while_stopped_are_processed_at_start(tmp_path, drafts, polling):
    settings = make_workspace(tmp_path, rescan=EVENTS_ONLY)  # only the scan at start can find them
    names = {"早到的通知.docx": 10, "周末放入/会议纪要.docx": 11, "R&D 说明（1）.docx": 12}
    for rel, n in names.items():
        drop(drafts(n), settings.inbox / rel)
    lock = drop_lock_files(settings.inbox)
    with ThreadWatcher(settings, polling) as w:
        outcomes = w.wait_outcomes(len(names), "the drafts already in the inbox to be processed")
    assert sorted((o.file, o.kind) for o in outcomes) == sorted((rel, "recorded") for rel in names)
    for rel, n in names.items():
        assert_archived_intact(settings, drafts(n), rel)
    assert inbox_files(settings) == sorted(lock)


# ------------------------------------------------------------------------------------------------ 7
@pytest.mark.parametrize("polling", MODES)
def test_sigkill_mid_run_then_restart_loses_and_duplicates_nothing(tmp_path, staging, drafts, processes, polling):
    settings = make_workspace(tmp_path)
    dropped: dict[str, bytes] = {f"文稿{n:02d}.docx": drafts(20 + n) for n in range(28)}
    dropped["旧版格式.doc"] = legacy_doc(staging / "旧版格式.doc").read_bytes()
    dropped["加密.pdf"] = encrypted_pdf(staging / "加密.pdf").read_bytes()
    assert len(dropped) == 30 and len({sha256(d) for d in dropped.values()}) == 30

    first = ProcessWatcher(settings, polling, tmp_path, "first")
    processes.append(first)
    first.start()
    locks = drop_lock_files(settings.inbox)
    for name, data in dropped.items():
        drop(data, settings.inbox / name)
    wait_until(lambda: len(versions(settings)) >= 5, "the first watcher to record a few drafts")
    first.signal(signal.SIGKILL)
    assert first.wait() == -signal.SIGKILL
    done_before = len(versions(settings)) + len(failed_files(settings))
    assert done_before < len(dropped), "the kill came too late to interrupt anything"

    second = ProcessWatcher(settings, polling, tmp_path, "second")
    processes.append(second)
    second.start()  # takes the flock the killed process left behind

    def all_accounted():
        return len(versions(settings)) + len(failed_files(settings)) >= len(dropped) and \
            sorted(inbox_files(settings)) == sorted(locks)

    wait_until(all_accounted, "the restarted watcher to finish every dropped draft", timeout=40)
    second.signal(signal.SIGTERM)
    assert second.wait() == 0, second.stderr()

    recorded = by_sha(settings)
    failed = {}
    for p in failed_files(settings):
        failed.setdefault(sha256(p), []).append(p)
    for name, data in dropped.items():
        h = sha256(data)
        n_rec, n_fail = len(recorded.get(h, [])), len(failed.get(h, []))
        assert n_rec + n_fail == 1, f"{name}: {n_rec} ledger version(s), {n_fail} file(s) in failed/"
    assert len(versions(settings)) == 28 and item_count(settings) == 28
    assert {p.name for p in failed_files(settings)} == {"旧版格式.doc", "加密.pdf"}
    for p in failed_files(settings):
        assert p.with_name(p.name + ".原因.txt").is_file()
    for rows in recorded.values():
        archived = settings.root / rows[0]["archived"]
        assert archived.is_file() and sha256(archived) == rows[0]["sha256"]
    for rows in recorded.values():  # documents too, even for the draft the kill interrupted
        item_id = rows[0]["item_id"]
        assert {f"{item_id}_检查报告.json", f"{item_id}_党务公开审批表.docx"} <= outbox_docs(settings, item_id)
    assert not (settings.archive / "重复件").exists() or not any((settings.archive / "重复件").iterdir())
    assert stray_parts(settings) == []
    for name, data in locks.items():
        assert (settings.inbox / name).read_bytes() == data


# ------------------------------------------------------------------------------------------------ 8
@pytest.mark.parametrize("polling", MODES)
def test_second_watcher_on_same_workspace_refuses(tmp_path, drafts, processes, polling):
    settings = make_workspace(tmp_path)
    first = ProcessWatcher(settings, polling, tmp_path, "first")
    processes.append(first)
    first.start()
    second = ProcessWatcher(settings, polling, tmp_path, "second")
    with second.err.open("wb") as err:
        done = subprocess.run(second.argv(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err,
                              timeout=60)
    message = second.stderr()
    assert done.returncode == 6, (done.returncode, message)
    assert "已有监视程序在运行" in message and str(first.proc.pid) in message, message
    assert CJK.search(message)
    assert first.alive(), "the first watcher died when a second one tried to start"
    drop(drafts(60), settings.inbox / "之后放入.docx")
    wait_until(lambda: len(versions(settings)) == 1, "the first watcher to keep processing")
    first.signal(signal.SIGTERM)
    assert first.wait() == 0, first.stderr()


# ------------------------------------------------------------------------------------------------ 9
@pytest.mark.parametrize("polling", MODES)
def test_sigterm_exits_cleanly_and_log_has_one_line_per_draft(tmp_path, staging, drafts, processes, polling):
    settings = make_workspace(tmp_path)
    watcher = ProcessWatcher(settings, polling, tmp_path)
    processes.append(watcher)
    watcher.start()
    names = [f"日志{n}.docx" for n in range(4)] + ["旧版.doc"]
    for n, name in enumerate(names[:4]):
        drop(drafts(70 + n), settings.inbox / name)
    shutil.copyfile(legacy_doc(staging / "旧版.doc"), settings.inbox / "旧版.doc")
    wait_until(lambda: len(versions(settings)) == 4 and len(failed_files(settings)) == 1,
               "the watcher to process all five drafts")
    watcher.signal(signal.SIGTERM)
    assert watcher.wait() == 0, watcher.stderr()
    lines = watcher.log_text().splitlines()
    per_draft = [ln for ln in lines if "用时" in ln]
    assert len(per_draft) == len(names), lines
    for name in names:
        assert sum(name + "：" in ln for ln in per_draft) == 1, (name, per_draft)
    assert sum("失败" in ln for ln in per_draft) == 1
    assert any("收到停止信号" in ln for ln in lines) and "监视已停止" in lines[-1]


# ------------------------------------------------------------------------------------------------ 10
@pytest.fixture(scope="module", autouse=True)
def broken_draft_runs(tmp_path_factory, drafts):
    """Test 10's slow start, begun when this module starts: a .docx that never opens completely is given up
    on only after max(5 × stable_seconds, 10 s), so one watcher per mode gets its truncated draft (and a good
    one after it) now, in a workspace of its own, and test 10 checks the result when its turn comes — the
    wait overlaps the other tests instead of adding 2 × 10 s."""
    runs = {}
    for polling in (False, True):
        root = tmp_path_factory.mktemp("broken-polling" if polling else "broken-inotify")
        settings = make_workspace(root)
        (root / "staging").mkdir()
        bad = truncated_docx(root / "staging" / "坏文件.docx")
        watcher = ThreadWatcher(settings, polling).__enter__()
        shutil.copyfile(bad, settings.inbox / bad.name)
        drop(drafts(80), settings.inbox / "之后的文稿.docx")
        runs[polling] = (settings, watcher, bad.read_bytes())
    yield runs
    for _, watcher, _ in runs.values():
        watcher.__exit__(None, None, None)


@pytest.mark.parametrize("polling", MODES)
def test_bad_file_goes_to_failed_and_watching_goes_on(broken_draft_runs, drafts, polling):
    settings, w, bad = broken_draft_runs[polling]  # a watcher started with the module
    try:
        w.wait_outcomes(2, "the broken draft and the good one dropped after it to be processed", timeout=40)
        drop(drafts(81), settings.inbox / "更晚的文稿.docx")
        outcomes = w.wait_outcomes(3, "a draft dropped after the failure to be processed")
    finally:
        w.__exit__(None, None, None)
    kinds = {o.file: o.kind for o in outcomes}
    assert kinds == {"坏文件.docx": "failed", "之后的文稿.docx": "recorded", "更晚的文稿.docx": "recorded"}
    assert outcomes[-1].file == "更晚的文稿.docx"
    moved = settings.failed / "坏文件.docx"
    assert moved.read_bytes() == bad
    note = moved.with_name("坏文件.docx.原因.txt").read_text(encoding="utf-8")
    assert "坏文件.docx" in note and "原因：" in note and CJK.search(note.split("原因：", 1)[1])
    assert len(versions(settings)) == 2 and inbox_files(settings) == []


# ------------------------------------------------------------------------------------------------ 11
CRASHING_WATCHER = """
import os, signal, sys
import pipeline.documents, pipeline.intake

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if sys.argv[1] == "before_archive":      # recorded in the ledger, original still in the inbox
    pipeline.intake._archive = killed
else:                                    # recorded and archived, no documents written yet
    pipeline.documents.after_ingest = killed
from cli import main
main(sys.argv[2:])
"""


@pytest.mark.parametrize("point", ["before_archive", "before_documents"])
def test_watcher_killed_inside_a_draft_is_completed_on_restart(tmp_path, drafts, processes, point):
    """A SIGKILL at a chosen step of one draft (deterministic, unlike test 7's): after a restart the draft has
    its single ledger version, its archived original and its documents (检查报告.json, 审批表), as the
    intake docstring promises ("a run killed between steps redoes only what is missing")."""
    settings = make_workspace(tmp_path, rescan=1.0)
    data = drafts(90)
    drop(data, settings.inbox / "中断的文稿.docx")
    argv = [sys.executable, "-c", CRASHING_WATCHER, point, "--workspace", str(settings.root), "watch"]
    crashed = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr.decode(errors="replace")
    (row,) = versions(settings)
    item_id = row["item_id"]
    assert (settings.inbox / "中断的文稿.docx").exists() == (point == "before_archive")
    assert "审批表" not in " ".join(outbox_docs(settings, item_id))

    watcher = ProcessWatcher(settings, False, tmp_path)
    processes.append(watcher)
    watcher.start()
    drop(drafts(91), settings.inbox / "重启后的文稿.docx")  # a marker: once it is done, the start scan is long done
    wait_until(lambda: len(versions(settings)) == 2 and inbox_files(settings) == [],
               "the restarted watcher to finish its inbox")
    marker = next(v["item_id"] for v in versions(settings) if v["item_id"] != item_id)
    wait_until(lambda: any("审批表" in n for n in outbox_docs(settings, marker)), "the marker's approval form")
    wanted = {f"{item_id}_检查报告.json", f"{item_id}_党务公开审批表.docx"}
    # recovery at start is long done by now; allow one periodic rescan more in case it happens there
    wait_until(lambda: wanted <= outbox_docs(settings, item_id), f"{item_id}'s {sorted(wanted)} in outbox/",
               timeout=settings.rescan_seconds + 1.5)
    watcher.signal(signal.SIGTERM)
    assert watcher.wait() == 0, watcher.stderr()
    assert_archived_intact(settings, data, "中断的文稿.docx")
    assert item_count(settings) == 2 and failed_files(settings) == []
