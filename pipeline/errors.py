"""The small family of errors gongkai raises, and the exit codes of every command. Each error carries
an exit code and a Chinese fix-it message; `cli.Shell.main` turns errors into exit codes in one place."""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What each exit status means (the README's table lists the same)."""

    OK = 0
    BLOCKED = 1  # check: at least one draft must not be disclosed
    USAGE = 2  # wrong arguments, a missing file, a broken config or rules file (click's usage errors too)
    UNREADABLE = 3  # check: at least one file could not be read
    REFUSED = 4  # the workflow forbids the action; nothing was changed
    NOT_FOUND = 5  # no such item or feedback
    BUSY = 6  # another watcher already runs on this workspace
    RENDER = 7  # a template or a document could not be written
    INTERNAL = 8  # an unexpected error (a bug): logged with its traceback to gongkai.log
    IN_PROGRESS = 9  # ingest: every waiting draft is being processed by another process right now
    INTERRUPTED = 130  # Ctrl+C


class GongkaiError(Exception):
    exit_code: ExitCode = ExitCode.INTERNAL
    code = "ERROR"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InputError(GongkaiError):
    """A draft that cannot be read: corrupt, encrypted, legacy format, too large … (per file)."""

    exit_code = ExitCode.UNREADABLE
    code = "UNREADABLE"


class UsageError(GongkaiError):
    """Bad arguments, a missing file, a broken config or rules file."""

    exit_code = ExitCode.USAGE
    code = "USAGE"


class WorkflowError(GongkaiError):
    """A transition the disclosure workflow forbids; nothing was changed."""

    exit_code = ExitCode.REFUSED
    code = "REFUSED"


class NotFoundError(GongkaiError):
    exit_code = ExitCode.NOT_FOUND
    code = "NOT_FOUND"


class BusyError(GongkaiError):
    """Another process holds the resource (a second watcher on the same inbox)."""

    exit_code = ExitCode.BUSY
    code = "BUSY"


class InProgressError(GongkaiError):
    """Every draft waiting in the inbox is claimed by another process (the watcher, another ingest)."""

    exit_code = ExitCode.IN_PROGRESS
    code = "IN_PROGRESS"


class RenderError(GongkaiError):
    """A template that cannot be rendered or whose output is not a valid document."""

    exit_code = ExitCode.RENDER
    code = "RENDER"
