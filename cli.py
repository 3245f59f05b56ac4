"""gongkai — the command-line shell. Each command parses its options, calls one pipeline function,
prints, and returns an ExitCode (None = OK); errors and results become exit codes in
`pipeline.shell.Shell.main` and nowhere else. Every message, click's own included, is in Chinese."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from pipeline.errors import ExitCode
from pipeline.shell import CONTEXT_SETTINGS, Shell, install_chinese

install_chinese()


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
    from pipeline.api import open_session
    from pipeline.workspace import load_workspace

    return open_session(load_workspace(workspace_of(ctx)), rules_file, ctx.find_root().obj["clock"])


DATE_HELP = "决定的日期（会议日期），如 2026-11-27 或 \"2026-11-27 15:30\"；默认现在。不能晚于今天、早于事项登记或上一步。"


def when_of(s, text: str | None):
    from pipeline.workdays import parse_when

    return parse_when(text, s.settings.calendar.zone) if text else None


@cli.command("check", help="检查文稿（.docx/.doc/.wps/.rtf/.odt/.pdf/.ofd/扫描图片，可给文件夹），输出元数据、问题和结论。")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件或文件夹…")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 检查报告（见 spec/check-report.md）。")
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), metavar="规则文件",
              help="使用办公室自己的规则文件（TOML）。")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, metavar="N", help="并行进程数（1–64）。")
@click.pass_context
def check_cmd(ctx: click.Context, paths: tuple[Path, ...], as_json: bool, rules_file: Path | None, workers: int) -> None:
    from pipeline.api import rules_for_check
    from pipeline.batch import check_many
    from pipeline.check import expand
    from pipeline.present import format_report, summary_line

    from pipeline.read import libreoffice
    from pipeline.workspace import convert_settings_near

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
    from pipeline.workspace import init_workspace

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
    from pipeline.intake import inbox_files
    from pipeline.present import outcome_table

    with session(ctx, rules_file) as s:
        from pipeline.api import recover, run_ingest

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
    from pipeline.api import run_watch
    from pipeline.watch import setup_logging
    from pipeline.workspace import load_workspace

    settings = load_workspace(workspace_of(ctx))
    setup_logging(settings)
    run_watch(settings, polling, rules_file)


@cli.command("list", help="列出事项。")
@click.option("--status", metavar="状态", help="只列出某状态：received blocked approved returned predisclosed disclosed_inside disclosed closed")
@click.option("--overdue", is_flag=True, help="只列出已逾期的事项。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
@click.pass_context
def list_cmd(ctx: click.Context, status: str | None, overdue: bool, as_json: bool) -> None:
    from pipeline.api import list_items
    from pipeline.present import item_rows
    from pipeline.workflow import STATUS_NAMES, is_overdue

    with session(ctx) as s:
        items = list_items(s, status, overdue)
        today = s.ledger.clock.today()
    late = [i for i in items if is_overdue(i, today)]
    if as_json:
        click.echo(json.dumps([item_json(i, i in late) for i in items], ensure_ascii=False, indent=1))
    elif not items:
        click.echo("没有符合条件的事项。")
    else:
        click.echo(item_rows(items, STATUS_NAMES, lambda i: i in late))
        click.echo(f"共 {len(items)} 项，其中逾期 {len(late)} 项。")


def item_json(item, overdue: bool, events: bool = False) -> dict:
    d = {"id": item.id, "status": item.status, "title": item.title, "file": item.file, "sha256": item.sha256,
         "version": item.version, "due": item.due, "overdue": overdue, "created": item.created}
    if events:
        d["report"] = item.report.to_json()
        d["events"] = [e.__dict__ for e in item.events]
    return d


@cli.command("show", help="查看一个事项：元数据、检查结果、状态、期限和全部办理记录。")
@click.argument("item_id", metavar="事项编号")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
@click.option("--raw", is_flag=True, help="显示原始证据（个人信息不遮盖，仅供联络员核对）。")
@click.pass_context
def show_cmd(ctx: click.Context, item_id: str, as_json: bool, raw: bool) -> None:
    from pipeline.api import show_item
    from pipeline.present import item_detail
    from pipeline.workflow import STATUS_NAMES, is_overdue

    with session(ctx) as s:
        shown = show_item(s, item_id, raw)
        today = s.ledger.clock.today()
        inbox = s.settings.inbox
    item = shown.item
    if as_json:
        d = item_json(item, is_overdue(item, today), events=True)
        d["feedback"] = [f.__dict__ for f in shown.feedback]
        d["signed_forms"] = [{"version": f["version"], "file": f["file"], "sha256": f["sha256"],
                              "received": f["received"], "current": f["version"] == item.version}
                             for f in shown.signed_forms]
        click.echo(json.dumps(d, ensure_ascii=False, indent=1))
    else:
        click.echo(item_detail(item, STATUS_NAMES, is_overdue(item, today), shown.feedback, shown.period, today,
                               shown.signed_forms))
        if item.status == "returned":
            from pipeline.present import resubmit_hint

            click.echo(resubmit_hint(item, inbox))


@cli.command("review", help="记录审核结论（局或区党务公开领导小组），并重新生成审批表。")
@click.argument("item_id", metavar="事项编号")
@click.option("--approve/--reject", required=True, help="通过或退回。")
@click.option("--by", required=True, metavar="姓名", help="审核人姓名。")
@click.option("--level", type=click.Choice(["bureau", "district"]), default="bureau", show_default=True,
              help="bureau 局党务公开领导小组；district 区党务公开领导小组。")
@click.option("--comment", metavar="意见", help="审核意见（无文字层的文件须写明人工核对结论）。")
@click.option("--date", "date_text", metavar="日期", help=DATE_HELP)
@click.option("--category", type=int, metavar="类别", help="设定内容类别（1–7），用于审批表上“类别待定”或识别有误的事项。")
@click.option("--title", metavar="标题", help="扫描件：人工核对后填写的标题（公开的文书使用）。")
@click.option("--summary", metavar="摘要", help="扫描件：人工核对后填写的内容摘要（公开的文书使用）。")
@click.pass_context
def review_cmd(ctx: click.Context, item_id: str, approve: bool, by: str, level: str, comment: str | None,
               date_text: str | None, category: int | None, title: str | None, summary: str | None) -> None:
    from pipeline.api import review

    with session(ctx) as s:
        item = review(s, item_id, approve, by, level, comment, when_of(s, date_text), category,
                      title=title, summary=summary)
        inbox = s.settings.inbox
    echo_state(item, "审核结论" + ("和内容类别" if category is not None else "") + "已记录，审批表已更新。")
    if item.status == "returned":
        from pipeline.present import resubmit_hint

        click.echo(resubmit_hint(item, inbox))


@cli.command("predisclose", help="预公开（公示）一个已审核通过的事项，生成预公开公示。")
@click.argument("item_id", metavar="事项编号")
@click.option("--days", type=click.IntRange(1, 365), metavar="天数", help="征求意见的工作日数（默认取配置 predisclose_days）。")
@click.option("--by", default="联络员", show_default=True, metavar="姓名", help="操作人。")
@click.option("--date", "date_text", metavar="日期", help=DATE_HELP)
@click.pass_context
def predisclose_cmd(ctx: click.Context, item_id: str, days: int | None, by: str, date_text: str | None) -> None:
    from pipeline.api import predisclose

    with session(ctx) as s:
        item = predisclose(s, item_id, days, by, when_of(s, date_text))
    echo_state(item, "预公开公示已生成。")


@cli.command("publish", help="公开一个事项（党内或党外），生成党务公开公告。")
@click.argument("item_id", metavar="事项编号")
@click.option("--scope", type=click.Choice(["inside", "outside"]), required=True, help="inside 党内；outside 党外。")
@click.option("--by", default="联络员", show_default=True, metavar="姓名", help="操作人。")
@click.option("--date", "date_text", metavar="日期", help=DATE_HELP)
@click.pass_context
def publish_cmd(ctx: click.Context, item_id: str, scope: str, by: str, date_text: str | None) -> None:
    from pipeline.api import publish

    with session(ctx) as s:
        item = publish(s, item_id, scope, by, when_of(s, date_text))
    echo_state(item, "公开公告已生成。")


@cli.command("close", help="办结一个已公开、意见均已答复的事项。")
@click.argument("item_id", metavar="事项编号")
@click.option("--by", default="联络员", show_default=True, metavar="姓名", help="操作人。")
@click.option("--date", "date_text", metavar="日期", help=DATE_HELP)
@click.pass_context
def close_cmd(ctx: click.Context, item_id: str, by: str, date_text: str | None) -> None:
    from pipeline.api import close

    with session(ctx) as s:
        item = close(s, item_id, by, when_of(s, date_text))
    echo_state(item, "事项已办结。")


def echo_state(item, message: str) -> None:
    from pipeline.workflow import STATUS_NAMES

    click.echo(f"{item.id}：{STATUS_NAMES[item.status]}。{message}")


@cli.group("feedback", help="意见反馈：导入意见登记表、关联事项、答复。")
def feedback_group() -> None:
    pass


@feedback_group.command("import", help="导入意见登记表（.xlsx / .csv），自动关联事项；重复导入不会重复登记。")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False), metavar="登记表")
@click.pass_context
def feedback_import(ctx: click.Context, path: Path) -> None:
    from pipeline.api import import_feedback

    with session(ctx) as s:
        result = import_feedback(s, path)
    click.echo(f"新增 {len(result.added)} 条意见，跳过已导入的 {result.skipped} 条。")
    for f in result.added:
        click.echo(f"  {f.id}  {f.channel or ''}  {f.content[:30]}  → {f.item_id or '未关联'}")
    if result.unmatched:
        click.echo(f"有 {len(result.unmatched)} 条意见无法自动关联，请用 gongkai feedback link 意见编号 事项编号 手工关联。")


@feedback_group.command("list", help="列出意见（可按事项、未答复、渠道筛选）。")
@click.option("--item", "item_id", metavar="事项编号", help="只列出关联到某事项的意见。")
@click.option("--unanswered", is_flag=True, help="只列出未答复的意见。")
@click.option("--channel", metavar="渠道", help="只列出某渠道的意见（如 意见箱、监督电话）。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
@click.pass_context
def feedback_list(ctx: click.Context, item_id: str | None, unanswered: bool, channel: str | None,
                  as_json: bool) -> None:
    from pipeline.api import list_feedback
    from pipeline.present import feedback_rows

    with session(ctx) as s:
        records = list_feedback(s, item_id, unanswered, channel)
    if as_json:
        click.echo(json.dumps([f.__dict__ for f in records], ensure_ascii=False, indent=1))
    elif not records:
        click.echo("没有符合条件的意见。")
    else:
        click.echo(feedback_rows(records))
        click.echo(f"共 {len(records)} 条，其中未答复 {sum(not f.answer for f in records)} 条。")


@feedback_group.command("link", help="把一条意见关联到事项（意见编号可用系统编号 YJ-0001 或登记表自己的编号）。")
@click.argument("feedback_id", metavar="意见编号")
@click.argument("item_id", metavar="事项编号")
@click.option("--by", default="联络员", show_default=True, metavar="姓名", help="操作人。")
@click.option("--reopen", is_flag=True, help="涉及已办结的事项时，重新打开该事项后再关联。")
@click.pass_context
def feedback_link(ctx: click.Context, feedback_id: str, item_id: str, by: str, reopen: bool) -> None:
    from pipeline.api import link_feedback

    with session(ctx) as s:
        done = link_feedback(s, feedback_id, item_id, by, reopen)
    for r in done.reopened:
        click.echo(f"已重新打开已办结的事项 {r}（处理完毕后请重新 gongkai close {r}）。")
    click.echo(f"意见 {done.feedback.id} 已关联到 {done.feedback.item_id}。")


@feedback_group.command("answer", help="答复一条意见，生成意见反馈答复单；再次答复取代上一次（历史保留）。")
@click.argument("feedback_id", metavar="意见编号")
@click.option("--text", required=True, metavar="内容", help="答复内容。")
@click.option("--by", required=True, metavar="姓名", help="答复人。")
@click.option("--date", "date_text", metavar="日期", help=DATE_HELP)
@click.option("--reopen", is_flag=True, help="意见所属事项已办结时，重新打开该事项后再答复。")
@click.pass_context
def feedback_answer(ctx: click.Context, feedback_id: str, text: str, by: str, date_text: str | None,
                    reopen: bool) -> None:
    from pipeline.api import answer_feedback

    with session(ctx) as s:
        done = answer_feedback(s, feedback_id, text, by, when_of(s, date_text), reopen)
    if done.reopened:
        click.echo(f"已重新打开已办结的事项 {done.reopened}（处理完毕后请重新 gongkai close {done.reopened}）。")
    nth = f"（第{done.round}次答复，取代上一次答复）" if done.round > 1 else ""
    click.echo(f"意见 {done.feedback.id} 已答复{nth}，答复单：{done.path}")


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
    from pipeline.api import generate, select_items

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

    from pipeline.errors import UsageError
    from pipeline.workdays import WorkCalendar
    from pipeline.workspace import find_root, load_workspace

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
@cli.group("site", help="网络式公开：生成局域网上的党务公开专栏（静态网页）。")
def site_group() -> None:
    pass


@site_group.command("build", help="生成网站：目录/public 党外公开，目录/inside 党内公开和领导小组工作台（默认 site/）。")
@click.argument("directory", required=False, metavar="[目录]", type=click.Path(path_type=Path, file_okay=False))
@click.pass_context
def site_build(ctx: click.Context, directory: Path | None) -> None:
    from pipeline.api import build_site

    with session(ctx) as s:
        r = build_site(s, directory)
    click.echo(f"网站已生成：{r.out}")
    click.echo(f"  党外公开 {r.public_items} 项（{r.out / 'public'}），党内公开 {r.inside_items} 项（{r.out / 'inside'}）")
    click.echo(f"  写入 {r.written} 个文件，沿用未变的 {r.kept} 个，用时 {r.seconds:.2f} 秒。")


@cli.command("serve", help="在本机预览或在小型办公网络中发布网站（waitress）；党内公开栏目须登录。")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="地址", help="监听地址；对局域网开放须明确指定，如 0.0.0.0。")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, metavar="端口",
              help="端口（0 表示任选一个空闲端口）。")
@click.option("--site", "site", type=click.Path(path_type=Path, file_okay=False), help="网站目录（默认配置中的 site）。")
@click.option("--add-user", "add_user", metavar="用户名", help="设置党内公开栏目的登录用户和密码（提示输入），然后退出。")
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, site: Path | None, add_user: str | None) -> None:
    from pipeline.site.serve import make_server
    from pipeline.site.users import add_user as set_user
    from pipeline.workspace import load_workspace

    settings = load_workspace(workspace_of(ctx))
    if add_user:
        password = click.prompt(f"请输入 {add_user} 的密码", hide_input=True, confirmation_prompt="请再输入一次")
        new = set_user(settings, add_user, password)
        click.echo(f"{'已添加用户' if new else '已修改密码'}：{add_user.strip()}（密码以散列形式保存在工作区）")
        return
    server = make_server(settings, host, port, site)
    click.echo(f"党务公开专栏：http://{host}:{server.effective_port}/public/index.html（Ctrl+C 停止）")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@cli.group("templates", help="文书模板。")
def templates_group() -> None:
    pass


@templates_group.command("check", help="检查全部模板：能否解析、用到的变量是否都由程序提供。")
@click.pass_context
def templates_check(ctx: click.Context) -> None:
    from pipeline.api import check_templates
    from pipeline.workspace import load_workspace

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


@cli.group("rules", help="查看规则文件。")
def rules_group() -> None:
    pass


@templates_group.command("export", help="把正在使用的模板（工作区的，或安装包自带的）复制到一个目录；目录中已有的同名文件不覆盖。")
@click.argument("directory", type=click.Path(path_type=Path), metavar="目录")
@click.pass_context
def templates_export(ctx: click.Context, directory: Path) -> None:
    from pipeline.workspace import copy_templates, find_root, load_workspace

    explicit = workspace_of(ctx)
    has_ws = explicit is not None or find_root(Path.cwd().resolve()) is not None
    copied, kept = copy_templates(directory, load_workspace(explicit).templates if has_ws else None)
    for p in copied:
        click.echo(f"  已复制：{p}")
    for p in kept:
        click.echo(f"  已存在，未覆盖：{p}")
    click.echo(f"共复制 {len(copied)} 个模板到 {directory}。")


@rules_group.command("show", help="打印默认规则文件（可重定向到文件后修改）。")
def rules_show() -> None:
    from pipeline.rules import DEFAULT_RULES

    click.echo(DEFAULT_RULES.read_text(encoding="utf-8"), nl=False)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="gongkai")  # exits with the command's ExitCode


if __name__ == "__main__":
    main()
