"""The command-line shell, one module per user area. Each command parses its options, calls one pipeline
function, prints, and returns an ExitCode (None = OK); errors and results become exit codes in
`pipeline.shell.Shell.main` and nowhere else. Every message, click's own included, is in Chinese."""
from __future__ import annotations

from ..shell import install_chinese

install_chinese()  # before any command is declared: click's own texts are replaced at import

from . import documents, feedback, intake, items, site  # noqa: E402,F401  (each registers its commands)
from .root import cli  # noqa: E402

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="gongkai")  # exits with the command's ExitCode
