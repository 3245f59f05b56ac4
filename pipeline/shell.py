"""The command-line shell around click: every message in Chinese, and every error turned into its exit
code in one place (`Shell.main`).

Click wraps each of its user-facing strings in gettext (`_("Missing option")`, `ngettext(...)`), imported
once per click module. The stdlib's global gettext domain picks a language from the environment
(LANGUAGE / LC_ALL / LANG), and a service started by systemd usually runs with LANG=C, so a catalog bound
there would fall back to English. gongkai speaks only Simplified Chinese, so `install_chinese()` points
click's gettext names at one fixed catalog instead (`CATALOG`, every msgid of the installed click; a test
fails when a click upgrade adds a message the catalog does not cover)."""
from __future__ import annotations

import gettext
import logging
import re
import sys
import tempfile
import traceback
import unicodedata
from pathlib import Path

import click

from .errors import ExitCode, GongkaiError

# msgid → Simplified Chinese; plural msgids are keyed by their singular form.
CATALOG: dict[str, str] = {
    # help pages
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Choice({choices})": "可选（{choices}）",
    # usage errors
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 “{command} {option}” 查看用法。",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有 {name!r} 这个命令。",
    "No such option {name!r}.": "没有 {name!r} 这个选项。",
    "Did you mean {possibility}?": "您是不是要输入 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（您是不是要输入其中之一：{possibilities}？）",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值有误：{message}",
    "Invalid value: {message}": "取值有误：{message}",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带取值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 后面要写一个取值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 后面要写 {nargs} 个取值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 要写 {nargs} 个取值。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个取值，只写了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个取值，写了 {len} 个。",
    "Invalid start character for option ({option})": "选项的开头字符有误（{option}）",
    "Value must be an iterable.": "取值必须是一组值。",
    "Aborted!": "已中断。",
    "unknown error": "未知错误",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    # parameter types
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{value!r} is not {choice}.": "{value!r} 不是可选的值，只能是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选的值，可选：{choices}。",
    "{value} is not in the range {range}.": "{value} 不在允许的范围内（{range}）。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是/否取值；可用：{states}",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合以下任一格式：{formats}。",
    "{len_type} values are required, but {len_value} was given.": "需要 {len_type} 个取值，写了 {len_value} 个。",
    "{len_type} values are required, but {len_value} were given.": "需要 {len_type} 个取值，写了 {len_value} 个。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，这里要的是文件夹。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹，这里要的是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 没有读取权限。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 没有写入权限。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不能执行。",
    # prompts and terminal
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不再询问，直接确认。",
    "Repeat for confirmation": "请再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入有误",
    "Press any key to continue...": "按任意键继续……",
    "d": "天",
    "{editor}: Editing failed": "{editor}：编辑失败",
    "{editor}: Editing failed: {e}": "{editor}：编辑失败：{e}",
    # messages for programmers and platforms gongkai does not run on, translated all the same
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": "提示：命令 {name!r} 已弃用。{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": "提示：{param_type} {name!r} 已弃用。{extra_message}",
    "Could not determine name for option with declarations {decls!r}": "无法确定选项名称：{decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?": "没有定义选项却给了名称（{name}）。",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": "参数只能有一个名称，给了 {length} 个：{decls}。",
    "Name '{name}' defined twice": "名称 '{name}' 定义了两次",
    "Boolean option {decl!r} cannot use the same flag for true/false.": "是/否选项 {decl!r} 不能用同一个写法表示是和否。",
    "Windows error: {error}": "Windows 错误：{error}",
    "Couldn't detect Bash version, shell completion is not supported.": "无法识别 Bash 版本，不支持命令补全。",
    "Shell completion is not supported for Bash versions older than 4.4.": "Bash 4.4 以下版本不支持命令补全。",
    "Unknown color {colour!r}": "未知颜色 {colour!r}",
    "Unknown standard stream '{name}'": "未知标准流 '{name}'",
}


class Chinese(gettext.NullTranslations):
    """A gettext translation backed by CATALOG (untranslated text passes through unchanged)."""

    def gettext(self, message: str) -> str:
        return CATALOG.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return CATALOG.get(msgid1 if n == 1 else msgid2, msgid1 if n == 1 else msgid2)


CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils",
                 "shell_completion", "_termui_impl")


def install_chinese() -> None:
    """Point the gettext names click imported (`_`, `ngettext`) at the Chinese catalog."""
    import importlib

    zh = Chinese()
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = zh.gettext
        if hasattr(module, "ngettext"):
            module.ngettext = zh.ngettext


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


NO_LINE_START = "，。、；：？！）》」』”’,.;:?!)]"


def wrap_wide(text: str, width: int) -> list[str]:
    """Wrap by display width: Chinese has no spaces to break at, so any character may end a line."""
    lines, line = [], ""
    for token in re.findall(r"[!-~]+| |.", " ".join(text.split())):  # an ASCII word stays whole
        if display_width(line + token) > width and line.strip() and token[0] not in NO_LINE_START:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return [*lines, line] if line else lines


class ChineseFormatter(click.HelpFormatter):
    """Help pages laid out for Chinese: full-width colons, columns aligned by display width."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:  # noqa: ANN001
        rows = list(rows)
        first_col = min(max((display_width(r[0]) for r in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        text_width = max(self.width - first_col - self.current_indent, 20)
        for first, second in rows:
            self.write(f"{indent}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap_wide(second, text_width) or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(" " * (first_col + self.current_indent) + line + "\n")


class ChineseContext(click.Context):
    formatter_class = ChineseFormatter


class Command(click.Command):
    context_class = ChineseContext

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class Group(click.Group):
    context_class = ChineseContext
    command_class = Command
    group_class = type  # subgroups are of the same class

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]…")
        super().__init__(*args, **kwargs)


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
log = logging.getLogger("gongkai")


def usage_message(e: click.UsageError) -> str:
    """click's message, with the ASCII full stop click appends after a missing parameter's name made Chinese."""
    message = e.format_message()
    if isinstance(e, click.MissingParameter) and e.param is not None and getattr(e.param, "secondary_opts", None):
        return f"缺少选项：请写 {' 或 '.join(e.param.opts + e.param.secondary_opts)}。"  # --approve/--reject
    if isinstance(e, click.MissingParameter):
        head, dot, rest = message.partition(".")
        message = f"{head}。{rest.strip()}" if dot else message
    message = message.replace(",\n\t", "、").replace("：\n\t", "：")  # click lists choices one per line
    return message.replace("。 ", "。")


def show_usage_error(e: click.UsageError) -> None:
    if e.ctx is not None:
        click.echo(e.ctx.get_usage(), err=True)
        click.echo(f"运行 “{e.ctx.command_path} --help” 查看用法。", err=True)
    click.echo(f"错误：{usage_message(e)}", err=True)


class Shell(Group):
    """The top-level group. `main` is the one place where results and errors become exit codes:
    a command returns an ExitCode (or None for OK); a GongkaiError prints its Chinese message and exits
    with its code; click's usage errors exit 2; Ctrl+C exits 130; anything else is a bug — it exits
    INTERNAL with a Chinese sentence, and its traceback goes to gongkai.log, never to the screen."""

    workspace_hint: Path | None = None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # noqa: ANN001
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = int(rv) if isinstance(rv, int) else ExitCode.OK
        except GongkaiError as e:
            click.echo(f"错误：{e.message}", err=True)
            code = e.exit_code
        except click.exceptions.Exit as e:
            code = e.exit_code
        except click.exceptions.NoArgsIsHelpError as e:  # a group called without a command: its help
            click.echo(e.format_message(), err=True)
            code = ExitCode.USAGE
        except click.UsageError as e:
            show_usage_error(e)
            code = ExitCode.USAGE
        except click.ClickException as e:  # a file click could not open, …
            e.show()
            code = ExitCode.USAGE
        except (click.Abort, KeyboardInterrupt, EOFError):
            click.echo("\n已中断。", err=True)
            code = ExitCode.INTERRUPTED
        except Exception as e:  # noqa: BLE001 — the one place a bug becomes a message, not a traceback
            where = log_unexpected(e, self.workspace_hint)
            click.echo(f"错误：程序内部出错（{type(e).__name__}），这一操作没有完成。出错经过已写入 {where}，"
                       "请把这个文件发给系统管理员。", err=True)
            code = ExitCode.INTERNAL
        sys.exit(int(code))


def log_unexpected(error: BaseException, workspace: Path | None) -> Path:
    """Append the traceback to the workspace's gongkai.log (or a file in the temp folder outside one)."""
    from .workspace import find_root

    root = find_root((workspace or Path.cwd()).resolve()) if (workspace is None or workspace.is_dir()) else None
    path = root / "gongkai.log" if root else Path(tempfile.gettempdir()) / "gongkai-错误.log"
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    try:
        with path.open("a", encoding="utf-8") as f:
            f.write(f"程序内部出错：{' '.join(sys.argv)}\n{text}\n")
    except OSError:
        path = Path(tempfile.gettempdir()) / "gongkai-错误.log"
        with path.open("a", encoding="utf-8") as f:
            f.write(text)
    return path
