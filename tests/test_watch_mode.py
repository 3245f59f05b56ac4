"""Which observer the watcher uses: polling where inotify cannot see other machines' writes."""
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.watch import filesystem_type, use_polling
from pipeline.workspace import init_workspace


def mounts(tmp_path: Path, share: Path, fstype: str) -> Path:
    f = tmp_path / "mounts"
    f.write_text(f"/dev/sda1 / ext4 rw 0 0\n//server/公文 {share} {fstype} rw 0 0\n", encoding="utf-8")
    return f


@pytest.mark.parametrize("fstype,polling", [("cifs", True), ("nfs4", True), ("fuse.sshfs", True),
                                            ("ext4", False), ("tmpfs", False)])
def test_auto_mode_follows_the_inbox_filesystem(tmp_path, fstype, polling):
    settings, _ = init_workspace(tmp_path / "ws")
    table = mounts(tmp_path, settings.root, fstype)
    assert filesystem_type(settings.inbox, table) == fstype
    assert use_polling(settings, False, table) is polling


def test_forced_settings_win(tmp_path):
    settings, _ = init_workspace(tmp_path / "ws")
    table = mounts(tmp_path, settings.root, "cifs")
    assert use_polling(replace(settings, polling="false"), False, table) is False
    assert use_polling(replace(settings, polling="true"), False, mounts(tmp_path, settings.root, "ext4")) is True
    assert use_polling(replace(settings, polling="false"), True, table) is True  # --polling


def test_the_real_mount_table_is_read(tmp_path):
    assert filesystem_type(tmp_path) != ""
