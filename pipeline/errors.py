"""The small family of errors gongkai raises. Each carries an exit code and a Chinese fix-it message;
`cli.main` turns them into exit codes in one place."""
from __future__ import annotations


class GongkaiError(Exception):
    exit_code = 1
    code = "ERROR"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InputError(GongkaiError):
    """A draft that cannot be read: corrupt, encrypted, legacy format, too large … (per file)."""

    exit_code = 3
    code = "UNREADABLE"


class UsageError(GongkaiError):
    """Bad arguments, a missing file, a broken config or rules file."""

    exit_code = 2
    code = "USAGE"


class WorkflowError(GongkaiError):
    """A transition the disclosure workflow forbids; nothing was changed."""

    exit_code = 4
    code = "REFUSED"


class NotFoundError(GongkaiError):
    exit_code = 5
    code = "NOT_FOUND"


class BusyError(GongkaiError):
    """Another process holds the resource (a second watcher on the same inbox)."""

    exit_code = 6
    code = "BUSY"


class RenderError(GongkaiError):
    """A template that cannot be rendered or whose output is not a valid document."""

    exit_code = 7
    code = "RENDER"
