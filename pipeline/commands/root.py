"""The `gongkai` command group and what every command shares: the workspace, the session, dates."""
from __future__ import annotations

from pathlib import Path

import click

from ..shell import CONTEXT_SETTINGS, Shell


@click.group("gongkai", cls=Shell, context_settings=CONTEXT_SETTINGS,
             help="gongkai 党务公开文稿自动化：检查文稿、登记台账、流转审批、生成文书。")
@click.version_option(package_name="gongkai", message="%(prog)s 版本 %(version)s")
@click.option("--workspace", "-w", type=click.Path(path_type=Path, file_okay=False), metavar="目录",
              help="工作区目录（默认从当前目录向上查找 gongkai.toml）。")
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None) -> None:
    # a test may invoke the CLI with obj=Clock(...) to fix 'now'; otherwise the office's zone is used
    Shell.workspace_hint = workspace
    ctx.obj = {"workspace": workspace, "clock": ctx.obj if ctx.obj is not None and hasattr(ctx.obj, "stamp") else None}


def workspace_of(ctx: click.Context) -> Path | None:
    return ctx.find_root().obj["workspace"]


def session(ctx: click.Context, rules_file: Path | None = None):
    from ..api import open_session
    from ..workspace import load_workspace

    return open_session(load_workspace(workspace_of(ctx)), rules_file, ctx.find_root().obj["clock"])


DATE_HELP = "决定的日期（会议日期），如 2026-11-27 或 \"2026-11-27 15:30\"；默认现在。不能晚于今天、早于事项登记或上一步。"


def when_of(s, text: str | None):
    from ..workdays import parse_when

    return parse_when(text, s.settings.calendar.zone) if text else None
