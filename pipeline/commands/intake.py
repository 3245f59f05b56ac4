"""Commands of the inbox: check, init, ingest, watch."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import ExitCode
from .root import cli, session, workspace_of


@cli.command("check", short_help="检查文稿（Word、PDF、扫描件等，可给文件夹），输出结论。", help="检查文稿（.docx/.doc/.wps/.rtf/.odt/.pdf/.ofd/扫描图片，可给文件夹），输出元数据、问题和结论。")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件或文件夹…")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 检查报告（见 spec/check-report.md）。")
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), metavar="规则文件",
              help="使用办公室自己的规则文件（TOML）。")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, metavar="N", help="并行进程数（1–64）。")
@click.pass_context
def check_cmd(ctx: click.Context, paths: tuple[Path, ...], as_json: bool, rules_file: Path | None, workers: int) -> None:
    from ..api import rules_for_check
    from ..batch import check_many
    from ..check import expand
    from ..present import format_report, summary_line

    from ..read import libreoffice
    from ..workspace import convert_settings_near

    rules = rules_for_check(workspace_of(ctx), rules_file)  # inside a workspace: its [checker] rules
    with libreoffice.session(convert_settings_near()):  # one LibreOffice for the whole check, if needed
        reports = check_many(list(expand(paths)), rules, workers)
    if as_json:
        click.echo(json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=1))
    else:
        for r in reports:
            click.echo(format_report(r) + "\n")
        click.echo(summary_line(reports))
    return check_exit_code(reports)


def check_exit_code(reports: list) -> ExitCode:
    """OK: all checked and none blocked; BLOCKED: a draft must not be disclosed; UNREADABLE: a file could not be read."""
    if any(r.status != "ok" for r in reports):
        return ExitCode.UNREADABLE
    if any(r.disclosable is False for r in reports):
        return ExitCode.BLOCKED
    return ExitCode.OK


@cli.command("init", help="新建工作区：配置文件 gongkai.toml 和 inbox/ outbox/ archive/ failed/ 目录。")
@click.argument("directory", required=False, default=".", type=click.Path(path_type=Path, file_okay=False), metavar="[目录]")
def init_cmd(directory: Path) -> None:
    from ..workspace import init_workspace

    settings, created = init_workspace(directory)
    click.echo(("已创建工作区：" if created else "工作区已存在，已补齐目录：") + str(settings.root))
    click.echo(f"  配置：{settings.root / 'gongkai.toml'}（请填写单位名称、领导小组成员和监督电话）")
    click.echo(f"  收件箱：{settings.inbox}　输出：{settings.outbox}")
    click.echo(f"  文书模板：{settings.templates}（可用 Word 修改，改后运行 gongkai templates check）")


@cli.command("ingest", help="处理收件箱中现有的全部文稿：检查、登记、归档原件、生成审批表。")
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), metavar="规则文件", help="使用指定的规则文件。")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, metavar="N", help="并行进程数（1–64）。")
@click.pass_context
def ingest_cmd(ctx: click.Context, rules_file: Path | None, workers: int) -> None:
    from ..intake import inbox_files
    from ..present import outcome_table

    with session(ctx, rules_file) as s:
        from ..api import recover, run_ingest

        recovered = recover(s)  # documents a stopped run never wrote, even when the inbox is empty
        if recovered:
            click.echo(f"已补齐上次中断时未生成的文书：{'、'.join(recovered)}")
        files = inbox_files(s.settings.inbox)
        if not files:
            click.echo(f"收件箱 {s.settings.inbox} 中没有待处理的文稿。")
            return
        with click.progressbar(length=len(files), label="处理文稿", file=sys.stderr) as bar:
            outcomes = run_ingest(s, files, on_done=lambda o: bar.update(1), workers=workers)
    if all(o.kind == "busy" for o in outcomes):
        click.echo(f"另一个处理正在进行：收件箱中的 {len(outcomes)} 个文稿正由监视程序或另一个 gongkai ingest 处理，"
                   "本次没有处理任何文稿。稍后用 gongkai list 查看结果。", err=True)
        return ExitCode.IN_PROGRESS
    click.echo(outcome_table(outcomes))
    return ExitCode.OK


@cli.command("watch", help="监视收件箱：文稿写完后自动检查、登记、归档并生成审批表（Ctrl+C 停止）。")
@click.option("--polling", is_flag=True, help="轮询模式（网络共享目录上自动启用）。")
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), metavar="规则文件", help="使用指定的规则文件。")
@click.pass_context
def watch_cmd(ctx: click.Context, polling: bool, rules_file: Path | None) -> None:
    from ..api import run_watch
    from ..watch import setup_logging
    from ..workspace import load_workspace

    settings = load_workspace(workspace_of(ctx))
    setup_logging(settings)
    run_watch(settings, polling, rules_file)
