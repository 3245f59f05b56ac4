"""gongkai — the command-line shell. Each command parses its options, calls one pipeline function and
prints; GongkaiError becomes an exit code in `main` and nowhere else."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipeline.errors import GongkaiError

EXIT_BLOCKED = 1


class Shell(click.Group):
    """Turns every GongkaiError raised below into its Chinese message and exit code — the one place."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GongkaiError as e:
            click.echo(f"错误：{e.message}", err=True)
            ctx.exit(e.exit_code)


@click.group(cls=Shell, help="gongkai 党务公开文稿自动化：检查文稿、登记台账、流转审批、生成文书。")
@click.version_option(package_name="gongkai")
def cli() -> None:
    pass


@cli.command("check", help="检查 .docx / .pdf 文稿（可给文件夹），输出元数据、问题和结论。")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 检查报告（见 spec/check-report.md）。")
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), help="使用办公室自己的规则文件（TOML）。")
def check_cmd(paths: tuple[Path, ...], as_json: bool, rules_file: Path | None) -> None:
    from pipeline.check import check_paths
    from pipeline.present import format_report, summary_line

    reports = check_paths(paths, load_rules_for(rules_file))
    if as_json:
        click.echo(json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=1))
    else:
        for r in reports:
            click.echo(format_report(r) + "\n")
        click.echo(summary_line(reports))
    sys.exit(check_exit_code(reports))


def check_exit_code(reports: list) -> int:
    """0 all checked and none blocked; 1 a draft must not be disclosed; 3 a file could not be read."""
    if any(r.status != "ok" for r in reports):
        return 3
    if any(r.disclosable is False for r in reports):
        return EXIT_BLOCKED
    return 0


@cli.group("rules", help="查看规则文件。")
def rules_group() -> None:
    pass


@rules_group.command("show", help="打印默认规则文件（可重定向到文件后修改）。")
def rules_show() -> None:
    from pipeline.rules import DEFAULT_RULES

    click.echo(DEFAULT_RULES.read_text(encoding="utf-8"), nl=False)


def load_rules_for(rules_file: Path | None):
    from pipeline.rules import load_rules

    return load_rules(rules_file)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="gongkai")


if __name__ == "__main__":
    main()
