"""Empty folders left in the inbox by a dropped folder are removed; the watcher spares fresh ones."""
import os
import time

from pipeline.intake import prune_empty_dirs


def test_prune_spares_fresh_folders_and_folders_with_files(tmp_path):
    old = tmp_path / "旧文件夹" / "子目录"
    old.mkdir(parents=True)
    fresh = tmp_path / "正在复制"
    fresh.mkdir()
    busy = tmp_path / "有文件"
    busy.mkdir()
    (busy / "a.docx").write_bytes(b"x")
    past = time.time() - 3600
    for d in (old, old.parent):
        os.utime(d, (past, past))
    prune_empty_dirs(tmp_path, idle_seconds=60)
    assert not old.parent.exists() or not old.exists()
    assert fresh.is_dir() and busy.is_dir() and (busy / "a.docx").exists()
    prune_empty_dirs(tmp_path)
    assert not fresh.exists() and busy.is_dir()
