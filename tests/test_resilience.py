"""One broken thing never stops the rest: a broken workspace template leaves drafts recorded and
archived (their documents written once it is fixed); a file that makes processing fail is retried
and then moved aside with a note, while the watcher keeps going."""
import threading
import time
from pathlib import Path

from pipeline.intake import Outcome, process_file
from pipeline.watch import MAX_ATTEMPTS, Watcher
from pipeline.workspace import init_workspace, load_workspace
from wf_helpers import WsCli, numbered_draft


def forms(settings) -> list[Path]:
    return sorted(settings.outbox.glob("*/*审批表.docx"))


def test_a_broken_template_does_not_lose_drafts_and_is_recovered(tmp_path):
    settings, _ = init_workspace(tmp_path)
    settings.templates.mkdir(exist_ok=True)
    (settings.templates / "审批表.docx").write_text("这不是 Word 文件", encoding="utf-8")
    for n in range(3):
        numbered_draft(settings.inbox / f"稿{n}.docx", n)
    r = WsCli(settings.root)("ingest")
    assert r.exit_code == 0, r.output
    assert r.output.count("文书未能生成") == 3
    assert not list(settings.inbox.glob("*.docx")) and len(list(settings.archive.rglob("*.docx"))) == 3
    assert forms(settings) == []

    (settings.templates / "审批表.docx").unlink()  # the office restores the template
    r = WsCli(settings.root)("ingest")
    assert r.exit_code == 0 and "已补齐" in r.output
    assert len(forms(settings)) == 3


def test_the_watcher_retries_then_moves_aside_a_file_that_breaks_processing(tmp_path):
    settings, _ = init_workspace(tmp_path)
    cfg = settings.root / "gongkai.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("stable_seconds = 2.0", "stable_seconds = 0.2")
                   .replace("rescan_seconds = 30", "rescan_seconds = 0.5"), encoding="utf-8")
    settings = load_workspace(settings.root)
    from pipeline.api import open_session

    outcomes: list[Outcome] = []
    started = threading.Event()
    holder: dict = {}

    def run() -> None:  # the ledger connection belongs to the watcher's thread
        with open_session(settings) as s:
            def process(path: Path) -> Outcome:
                if path.name.startswith("坏"):
                    raise RuntimeError("模拟的内部错误")
                return process_file(s.settings, s.rules, s.ledger, path)

            holder["w"] = Watcher(settings, process, polling=False, on_outcome=outcomes.append)
            started.set()
            holder["w"].run()

    t = threading.Thread(target=run)
    t.start()
    assert started.wait(10)
    watcher = holder["w"]
    try:
        numbered_draft(settings.inbox / "坏.docx", 1)
        numbered_draft(settings.inbox / "好.docx", 2)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(outcomes) < 2:
            time.sleep(0.1)
    finally:
        watcher.stop.set()
        t.join()
    kinds = {o.file: o.kind for o in outcomes}
    assert kinds == {"好.docx": "recorded", "坏.docx": "failed"}
    assert watcher.attempts[settings.inbox / "坏.docx"] == MAX_ATTEMPTS
    note = (settings.failed / "坏.docx.原因.txt").read_text(encoding="utf-8")
    assert "出错" in note and "RuntimeError" in note
