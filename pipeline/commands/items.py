"""The liaison's commands on items: list, show, review, predisclose, publish, close."""
from __future__ import annotations

import json

import click

from .root import DATE_HELP, cli, session, when_of


@cli.command("list", help="列出事项。")
@click.option("--status", metavar="状态", help="只列出某状态：received blocked approved returned predisclosed disclosed_inside disclosed closed")
@click.option("--overdue", is_flag=True, help="只列出已逾期的事项。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
@click.pass_context
def list_cmd(ctx: click.Context, status: str | None, overdue: bool, as_json: bool) -> None:
    from ..api import list_items
    from ..present import item_rows
    from ..workflow import STATUS_NAMES, is_overdue

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
    from ..api import show_item
    from ..present import item_detail
    from ..workflow import STATUS_NAMES, is_overdue

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
            from ..present import resubmit_hint

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
    from ..api import review

    with session(ctx) as s:
        item = review(s, item_id, approve, by, level, comment, when_of(s, date_text), category,
                      title=title, summary=summary)
        inbox = s.settings.inbox
    echo_state(item, "审核结论" + ("和内容类别" if category is not None else "") + "已记录，审批表已更新。")
    if item.status == "returned":
        from ..present import resubmit_hint

        click.echo(resubmit_hint(item, inbox))


@cli.command("predisclose", help="预公开（公示）一个已审核通过的事项，生成预公开公示。")
@click.argument("item_id", metavar="事项编号")
@click.option("--days", type=click.IntRange(1, 365), metavar="天数", help="征求意见的工作日数（默认取配置 predisclose_days）。")
@click.option("--by", default="联络员", show_default=True, metavar="姓名", help="操作人。")
@click.option("--date", "date_text", metavar="日期", help=DATE_HELP)
@click.pass_context
def predisclose_cmd(ctx: click.Context, item_id: str, days: int | None, by: str, date_text: str | None) -> None:
    from ..api import predisclose

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
    from ..api import publish

    with session(ctx) as s:
        item = publish(s, item_id, scope, by, when_of(s, date_text))
    echo_state(item, "公开公告已生成。")


@cli.command("close", help="办结一个已公开、意见均已答复的事项。")
@click.argument("item_id", metavar="事项编号")
@click.option("--by", default="联络员", show_default=True, metavar="姓名", help="操作人。")
@click.option("--date", "date_text", metavar="日期", help=DATE_HELP)
@click.pass_context
def close_cmd(ctx: click.Context, item_id: str, by: str, date_text: str | None) -> None:
    from ..api import close

    with session(ctx) as s:
        item = close(s, item_id, by, when_of(s, date_text))
    echo_state(item, "事项已办结。")


def echo_state(item, message: str) -> None:
    from ..workflow import STATUS_NAMES

    click.echo(f"{item.id}：{STATUS_NAMES[item.status]}。{message}")
