"""Documents and data: generate, calendar, templates, rules."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from ..errors import ExitCode
from .root import cli, session, workspace_of


@cli.command("generate", help="批量重新生成文书：forms 审批表 / notices 公示和公告 / responses 答复单 / report 季度汇报 / "
                              "inspection 月度检查督办 / catalogue 年度党务公开目录。")
@click.argument("kind", type=click.Choice(["forms", "notices", "responses", "report", "inspection", "catalogue"]),
                metavar="文书种类")
@click.option("--item", "item_id", metavar="事项编号", help="只生成某个事项。")
@click.option("--status", metavar="状态", help="只生成某状态的事项。")
@click.option("--quarter", metavar="季度", help="季度汇报的季度，如 2023Q4（默认本季度）。")
@click.option("--month", metavar="月份", help="月度检查督办的月份，如 2026-11（默认本月）。")
@click.option("--year", metavar="年份", help="党务公开目录的年份，如 2026（默认今年）。")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, metavar="N", help="并行进程数（1–64）。")
@click.pass_context
def generate_cmd(ctx: click.Context, kind: str, item_id: str | None, status: str | None, quarter: str | None,
                 month: str | None, year: str | None, workers: int) -> None:
    from ..api import generate, select_items

    with session(ctx) as s:
        if kind in ("report", "inspection", "catalogue"):
            paths = generate(s, kind, quarter=quarter, month=month, year=year)
        else:
            n = len(select_items(s, item_id, status))
            with click.progressbar(length=n, label="生成文书", file=sys.stderr) as bar:
                paths = generate(s, kind, item_id, status, on_done=lambda _: bar.update(1), workers=workers)
    for p in paths:
        click.echo(f"  {p}")
    click.echo(f"共生成 {len(paths)} 个文件。")


@cli.command("calendar", help="工作日计算：日期之后（+N）或之前（-N）第 N 个工作日（按国务院节假日和调休安排）。",
             context_settings={"ignore_unknown_options": True})
@click.argument("day", metavar="日期")
@click.argument("offset", metavar="±N")
@click.pass_context
def calendar_cmd(ctx: click.Context, day: str, offset: str) -> None:
    from datetime import date

    from ..errors import UsageError
    from ..workdays import WorkCalendar
    from ..workspace import find_root, load_workspace

    try:
        start = date.fromisoformat(day.strip())
    except ValueError:
        raise UsageError(f"日期应写成 2025-09-30 这样的格式，收到：{day}") from None
    if not re.fullmatch(r"[+-]\d{1,4}", offset.strip()):
        raise UsageError(f"工作日数应写成 +5 或 -5，收到：{offset}")
    explicit = workspace_of(ctx)
    has_ws = explicit is not None or find_root(Path.cwd().resolve()) is not None
    cal = load_workspace(explicit).calendar if has_ws else WorkCalendar()  # outside a workspace: the package data
    n = int(offset)
    end = cal.add(start, n)
    warning = cal.warning(start, end)
    if warning:
        click.echo(warning, err=True)
    click.echo(end.isoformat())


@cli.group("templates", help="文书模板。")
def templates_group() -> None:
    pass


@templates_group.command("check", help="检查全部模板：能否解析、用到的变量是否都由程序提供。")
@click.pass_context
def templates_check(ctx: click.Context) -> None:
    from ..api import check_templates
    from ..workspace import load_workspace

    checks = check_templates(load_workspace(workspace_of(ctx)))
    for c in checks:
        click.echo(f"{'✗' if c.problems else '✓'} {c.path}")
        click.echo(f"    变量：{'、'.join(c.variables) or '（无）'}")
        for line in c.problems:
            click.echo(f"    问题：{line}")
    bad = sum(bool(c.problems) for c in checks)
    if bad:
        click.echo(f"{bad} 个模板有问题，请按提示修改后再运行 gongkai templates check。", err=True)
        return ExitCode.RENDER
    click.echo("全部模板检查通过。")
    return ExitCode.OK


@templates_group.command("export", help="把正在使用的模板（工作区的，或安装包自带的）复制到一个目录；目录中已有的同名文件不覆盖。")
@click.argument("directory", type=click.Path(path_type=Path), metavar="目录")
@click.pass_context
def templates_export(ctx: click.Context, directory: Path) -> None:
    from ..workspace import copy_templates, find_root, load_workspace

    explicit = workspace_of(ctx)
    has_ws = explicit is not None or find_root(Path.cwd().resolve()) is not None
    copied, kept = copy_templates(directory, load_workspace(explicit).templates if has_ws else None)
    for p in copied:
        click.echo(f"  已复制：{p}")
    for p in kept:
        click.echo(f"  已存在，未覆盖：{p}")
    click.echo(f"共复制 {len(copied)} 个模板到 {directory}。")


@cli.group("rules", help="查看规则文件。")
def rules_group() -> None:
    pass


@rules_group.command("show", help="打印默认规则文件（可重定向到文件后修改）。")
def rules_show() -> None:
    from ..rules import DEFAULT_RULES

    click.echo(DEFAULT_RULES.read_text(encoding="utf-8"), nl=False)
