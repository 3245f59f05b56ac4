"""网络式公开: site build, serve."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .root import cli, session, workspace_of


@cli.group("site", help="网络式公开：生成局域网上的党务公开专栏（静态网页）。")
def site_group() -> None:
    pass


@site_group.command("build", help="生成网站：目录/public 党外公开，目录/inside 党内公开和领导小组工作台（默认 site/）。")
@click.argument("directory", required=False, metavar="[目录]", type=click.Path(path_type=Path, file_okay=False))
@click.pass_context
def site_build(ctx: click.Context, directory: Path | None) -> None:
    from ..api import build_site

    with session(ctx) as s:
        r = build_site(s, directory)
    click.echo(f"网站已生成：{r.out}")
    click.echo(f"  党外公开 {r.public_items} 项（{r.out / 'public'}），党内公开 {r.inside_items} 项（{r.out / 'inside'}）")
    click.echo(f"  写入 {r.written} 个文件，沿用未变的 {r.kept} 个，用时 {r.seconds:.2f} 秒。")
    click.echo(f"  查看：用浏览器打开 {r.out / 'public' / 'index.html'}，或运行 gongkai serve。")


@cli.command("serve", help="在本机预览或在小型办公网络中发布网站（waitress）；党内公开栏目须登录。")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="地址", help="监听地址；对局域网开放须明确指定，如 0.0.0.0。")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, metavar="端口",
              help="端口（0 表示任选一个空闲端口）。")
@click.option("--site", "site", type=click.Path(path_type=Path, file_okay=False), help="网站目录（默认配置中的 site）。")
@click.option("--add-user", "add_user", metavar="用户名", help="设置党内公开栏目的登录用户和密码（提示输入），然后退出。")
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, site: Path | None, add_user: str | None) -> None:
    from ..site.serve import make_server, serve_notes
    from ..site.users import add_user as set_user
    from ..workspace import load_workspace

    settings = load_workspace(workspace_of(ctx))
    if add_user:
        password = click.prompt(f"请输入 {add_user} 的密码", hide_input=True, confirmation_prompt="请再输入一次")
        new = set_user(settings, add_user, password)
        click.echo(f"{'已添加用户' if new else '已修改密码'}：{add_user.strip()}（密码以散列形式保存在工作区）")
        return
    server = make_server(settings, host, port, site)
    for line in serve_notes(settings, host, server.effective_port, site):
        click.echo(line)
    sys.stdout.flush()  # as a service stdout is a pipe: say at once where the column is
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
