"""The systemd unit shipped in deploy/: systemd-analyze verify accepts it once its paths name a real
workspace and the installed gongkai, it sets the office's time zone, and no value carries a comment
(systemd takes `WorkingDirectory=/srv/gongkai  # 工作区` as a path with the comment in it)."""
from __future__ import annotations

import grp
import os
import pwd
import re
import subprocess
from pathlib import Path

from fixtures import gongkai_script
from optional import need_binary

from pipeline.workspace import init_workspace

UNIT = Path(__file__).resolve().parent.parent / "deploy" / "gongkai-watch.service"


def settings_lines() -> list[str]:
    return [ln for ln in UNIT.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.lstrip().startswith(("#", ";", "["))]


def test_no_value_carries_a_comment():
    assert [ln for ln in settings_lines() if "#" in ln or ";" in ln.split("=", 1)[1]] == []


def test_the_unit_sets_the_office_time_zone_of_a_new_workspace(tmp_path):
    settings, _ = init_workspace(tmp_path / "ws")
    tz = [m[1] for ln in settings_lines() if (m := re.fullmatch(r"Environment=TZ=(\S+)", ln))]
    assert tz == [settings.calendar.zone]


def test_the_unit_starts_gongkai_watch_in_the_workspace():
    lines = settings_lines()
    assert "WorkingDirectory=/srv/gongkai" in lines
    assert "ExecStart=/srv/gongkai/.venv/bin/gongkai watch" in lines


def test_systemd_analyze_verifies_the_unit_for_a_real_workspace(tmp_path):
    analyze = need_binary("systemd-analyze")
    root = tmp_path / "ws"
    init_workspace(root)
    user, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    text = UNIT.read_text(encoding="utf-8")
    text = text.replace("WorkingDirectory=/srv/gongkai", f"WorkingDirectory={root}")
    text = text.replace("ExecStart=/srv/gongkai/.venv/bin/gongkai", f"ExecStart={gongkai_script()}")
    text = text.replace("User=gongkai", f"User={user}").replace("Group=gongkai", f"Group={group}")
    unit = tmp_path / "gongkai-watch.service"
    unit.write_text(text, encoding="utf-8")
    r = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=120)
    assert (r.returncode, r.stdout + r.stderr) == (0, "")
