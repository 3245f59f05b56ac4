"""Reading the office's TOML files (gongkai.toml, a rules file) with errors that name the real cause in
Chinese: a file saved as GBK/ANSI, a syntax error with its line and the usual culprit (Chinese quotes, a
missing =). A UTF-8 BOM, which Notepad writes, is accepted."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from .errors import UsageError

CHINESE_PUNCT = "“”‘’＝［］｛｝，"


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """The parsed file; `what` names it in messages (配置文件, 规则文件). FileNotFoundError passes through."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{what} {path} 不是 UTF-8 编码（{_encoding_guess(raw)}）；请用 UTF-8 保存："
                         "用记事本打开，“另存为”时编码选 UTF-8。") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UsageError(syntax_message(path, what, text, str(e))) from None


def _encoding_guess(raw: bytes) -> str:
    try:
        raw.decode("gb18030")
        return "看起来是 GBK/ANSI 编码"
    except UnicodeDecodeError:
        return "编码无法识别"


def syntax_message(path: Path, what: str, text: str, error: str) -> str:
    m = re.search(r"line (\d+), column (\d+)", error)
    if not m:
        return f"{what} {path} 格式有误；请检查引号、括号和等号（英文半角）。"
    line_no, col = int(m.group(1)), int(m.group(2))
    lines = text.splitlines()
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    hint = "请检查这一行的引号、括号和等号（须用英文半角符号）"
    odd = sorted({c for c in line if c in CHINESE_PUNCT})
    if odd:
        hint = f"这一行用了中文标点 {' '.join(odd)}，键、等号、引号和括号须用英文半角符号（\" = [ ] {{ }}）"
    elif "duplicate" in error.lower() or "cannot overwrite" in error.lower():
        hint = "同一个键或同一节写了两次，请删去重复的一处"
    return f"{what} {path} 第 {line_no} 行第 {col} 列有误：{line.strip()[:60]}\n  {hint}。"
