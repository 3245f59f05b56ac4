"""Regular expressions the office wrote into its rules file run under a timeout.

Python's `re` cannot be interrupted: a catastrophic pattern such as (a+)+$ on a long line hangs the
checker for ever. The `regex` module (re-compatible syntax, VERSION0) takes a timeout per call. The
packaged default patterns stay on `re` (trusted, and what the benchmark measures); a pattern that is not
one of them is an office pattern:

- at load, it is tried on a few texts that make backtracking explode; over the timeout, the rules file
  is refused (UsageError, exit 2) and says which pattern;
- at check time, each call runs under the timeout; over it, that draft gets an InputError naming the
  pattern (the batch goes on).
"""
from __future__ import annotations

import re
from typing import Any, Iterator

import regex

from ..errors import InputError, UsageError

CALL_SECONDS = 1.0  # one search/match on one block of text
PROBE_SECONDS = 0.2
PROBES = tuple(c * n + end for n in (30, 3000) for c, end in (("a", "!"), ("1", "x"), ("字", "!"), (" ", "!"),
                                                                 ("a1", "!"), ("-", "x")))


class TimedPattern:
    """Stands for a compiled re.Pattern; every matching method runs under CALL_SECONDS."""

    def __init__(self, pattern: str, timeout: float = CALL_SECONDS):
        self.pattern = pattern
        self.timeout = timeout
        self._rx = regex.compile(pattern, regex.VERSION0)
        self.flags = self._rx.flags
        self.groups = self._rx.groups
        self.groupindex = self._rx.groupindex

    def __reduce__(self):
        return (TimedPattern, (self.pattern, self.timeout))

    def __repr__(self) -> str:
        return f"TimedPattern({self.pattern!r})"

    def _run(self, method: str, *args: Any, **kwargs: Any):
        try:
            return getattr(self._rx, method)(*args, timeout=self.timeout, **kwargs)
        except TimeoutError:
            raise _timeout(self.pattern) from None

    def search(self, string: str, *args: Any):
        return self._run("search", string, *args)

    def match(self, string: str, *args: Any):
        return self._run("match", string, *args)

    def fullmatch(self, string: str, *args: Any):
        return self._run("fullmatch", string, *args)

    def findall(self, string: str, *args: Any):
        return self._run("findall", string, *args)

    def sub(self, repl, string: str, count: int = 0):
        return self._run("sub", repl, string, count)

    def subn(self, repl, string: str, count: int = 0):
        return self._run("subn", repl, string, count)

    def split(self, string: str, maxsplit: int = 0):
        return self._run("split", string, maxsplit)

    def finditer(self, string: str, *args: Any) -> Iterator:
        it = self._run("finditer", string, *args)
        while True:
            try:
                yield next(it)
            except StopIteration:
                return
            except TimeoutError:
                raise _timeout(self.pattern) from None


def _timeout(pattern: str) -> InputError:
    return InputError(f"规则文件中的正则表达式运行超时（超过 {CALL_SECONDS:.0f} 秒）：{pattern}；这份文稿未检查完。"
                      "请管理员简化这条规则（避免 (a+)+ 这类嵌套重复）后重新检查。", "RULE_TIMEOUT")


def compile_rule(pattern: str, trusted: frozenset[str], source: str) -> re.Pattern[str] | TimedPattern:
    """A default pattern → re; an office pattern → TimedPattern, tried first on explosive texts."""
    if pattern in trusted:
        return re.compile(pattern)
    try:
        re.compile(pattern)  # the office writes Python re syntax: its errors are reported as such
        timed = TimedPattern(pattern)
    except (re.error, regex.error) as e:
        raise UsageError(f"规则文件 {source} 中的正则表达式写法有误：{pattern}（{e}）；请检查括号和转义。") from e
    probe = regex.compile(pattern, regex.VERSION0)
    for text in PROBES:
        try:
            probe.search(text, timeout=PROBE_SECONDS)
        except TimeoutError:
            raise UsageError(f"规则文件 {source} 中的正则表达式可能导致灾难性回溯（试运行超时）：{pattern}；"
                             "请避免 (a+)+、(\\d*)* 这类嵌套重复后再使用。") from None
    return timed


def strings_in(data: Any) -> Iterator[str]:
    """Every string in a TOML document (the patterns among them)."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for v in data.values():
            yield from strings_in(v)
    elif isinstance(data, list):
        for v in data:
            yield from strings_in(v)
