"""The shell speaks Chinese: click's own usage errors and help pages, and every exit code from one enum."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest

from wf_helpers import WsCli, is_chinese, run_gongkai

from pipeline.errors import ExitCode
from pipeline.shell import CATALOG


def click_msgids() -> set[str]:
    """Every literal msgid the installed click passes to gettext."""
    out = set()
    for f in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                out |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return out


def test_catalog_covers_every_click_message():
    assert sorted(click_msgids() - set(CATALOG)) == []


def test_catalog_keeps_every_placeholder():
    for msgid, text in CATALOG.items():
        assert set(re.findall(r"\{[^}]*\}|%\(\w+\)s", msgid)) <= set(re.findall(r"\{[^}]*\}|%\(\w+\)s", text)) | {
            "{number_type}"}, msgid


@pytest.fixture
def ws(tmp_path) -> WsCli:
    cli = WsCli(tmp_path)
    assert cli("init", str(tmp_path)).exit_code == 0
    return cli


def test_unknown_command_suggests_the_right_one(ws):
    r = ws("shwo", "GK-2026-0001")
    assert r.exit_code == ExitCode.USAGE
    assert "没有 'shwo' 这个命令。您是不是要输入 'show'？" in r.stderr


def test_unknown_subcommand_suggests_the_right_one(ws):
    r = ws("feedback", "lst")
    assert "您是不是要输入 'list'？" in r.stderr


def test_missing_option_is_named_in_chinese(ws):
    r = ws("review", "GK-2026-0001", "--approve")
    assert r.exit_code == ExitCode.USAGE
    assert "错误：缺少选项 '--by'。" in r.stderr


def test_missing_argument_uses_its_chinese_name(ws):
    r = ws("show")
    assert "错误：缺少参数 '事项编号'。" in r.stderr


def test_usage_line_and_hint_are_chinese(ws):
    r = ws("review")
    assert r.stderr.splitlines()[:2] == ["用法：gongkai review [选项] 事项编号", "运行 “gongkai review --help” 查看用法。"]


def test_bad_choice_lists_the_choices(ws):
    r = ws("publish", "GK-2026-0001", "--scope", "everyone")
    assert "'--scope' 的取值有误：'everyone' 不是可选的值，可选：'inside', 'outside'。" in r.stderr


def test_number_out_of_range(ws):
    r = ws("ingest", "--workers", "0")
    assert "'--workers' 的取值有误：0 不在允许的范围内" in r.stderr


def test_unknown_option(ws):
    r = ws("list", "--bogus")
    assert "错误：没有 '--bogus' 这个选项。" in r.stderr


def test_extra_argument(ws):
    r = ws("list", "extra")
    assert "错误：多出了参数（extra）" in r.stderr


def test_help_page_headings_are_chinese(ws):
    r = ws("review", "--help")
    assert r.exit_code == ExitCode.OK
    assert "选项：" in r.stdout
    assert "显示本帮助并退出。" in r.stdout
    assert "[必填]" in r.stdout


def test_group_help_lists_commands_under_a_chinese_heading(ws):
    assert "命令：" in ws("--help").stdout


def test_short_help_option(ws):
    assert "用法：gongkai list [选项]" in ws("list", "-h").stdout


def test_help_pages_hold_no_english_words(ws):
    """No click English is left in any help page (option names, metavars of choices and the program name aside)."""
    from cli import cli

    pages = [["--help"]]
    for name, cmd in cli.commands.items():
        pages.append([name, "--help"])
        for sub in getattr(cmd, "commands", {}):
            pages.append([name, sub, "--help"])
    allowed = re.compile(r"--?[\w-]+|\[[\w|]+\]|\{[\w|]+\}|gongkai|[\w./-]*\.(docx|pdf|toml|xlsx|csv|md|json|txt)|"
                         r"JSON|TOML|Word|PDF|Ctrl\+C|[a-z_]+|GK-\d+-\d+|\d+Q\d|N")
    for args in pages:
        text = ws(*args).stdout
        leftover = re.findall(r"[A-Za-z]{3,}", allowed.sub(" ", text))
        assert leftover == [], (args, leftover)


def test_unexpected_error_has_its_own_code_and_a_chinese_sentence(tmp_path):
    """A ledger that cannot be opened (here a folder where gongkai.db should be) is a bug-class error:
    its own exit code, a Chinese sentence naming the log, the traceback in gongkai.log only."""
    run_gongkai(tmp_path, "init", ".")
    (tmp_path / "gongkai.db").mkdir()
    r = run_gongkai(tmp_path, "list")
    assert r.returncode == ExitCode.INTERNAL
    assert "Traceback" not in r.stderr
    assert is_chinese(r.stderr)
    assert str(tmp_path / "gongkai.log") in r.stderr
    assert "Traceback" in (tmp_path / "gongkai.log").read_text(encoding="utf-8")


def test_exit_codes_are_distinct():
    assert len({int(c) for c in ExitCode}) == len(ExitCode)


def test_a_missing_choice_lists_the_choices_on_one_line(ws):
    r = ws("publish", "GK-2026-0001")
    assert "错误：缺少选项 '--scope'。可选：inside、outside" in r.stderr


def test_a_missing_flag_pair_names_both_flags(ws):
    r = ws("review", "GK-2026-0001", "--by", "陈先荣")
    assert "错误：缺少选项：请写 --approve 或 --reject。" in r.stderr
