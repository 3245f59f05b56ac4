"""The opinion register: feedback import / list / link / answer."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .root import DATE_HELP, cli, session, when_of


@cli.group("feedback", help="意见反馈：导入意见登记表、关联事项、答复。")
def feedback_group() -> None:
    pass


@feedback_group.command("import", help="导入意见登记表（.xlsx / .csv），自动关联事项；重复导入不会重复登记。")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False), metavar="登记表")
@click.pass_context
def feedback_import(ctx: click.Context, path: Path) -> None:
    from ..api import import_feedback

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
    from ..api import list_feedback
    from ..present import feedback_rows

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
    from ..api import link_feedback

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
    from ..api import answer_feedback

    with session(ctx) as s:
        done = answer_feedback(s, feedback_id, text, by, when_of(s, date_text), reopen)
    if done.reopened:
        click.echo(f"已重新打开已办结的事项 {done.reopened}（处理完毕后请重新 gongkai close {done.reopened}）。")
    nth = f"（第{done.round}次答复，取代上一次答复）" if done.round > 1 else ""
    click.echo(f"意见 {done.feedback.id} 已答复{nth}，答复单：{done.path}")
