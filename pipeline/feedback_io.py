"""Reading the office's opinion register (意见登记表, .xlsx or .csv) and linking each row to an item.

`read_register` turns the register into `FeedbackRow`s; `match_item` finds the draft a row refers to
(by 发文字号, then by title, then by a long shared phrase) and never guesses between equal candidates.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Sequence

from pipeline.errors import InputError, UsageError

# field -> header names seen in registers (compared after NFKC, whitespace and "(…)" removal)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "received": ("收到日期", "收到时间", "登记日期", "登记时间", "受理日期", "受理时间", "接收日期", "来件日期",
                 "反映日期", "反映时间", "提出日期", "日期", "时间"),
    "channel": ("渠道", "意见渠道", "反映渠道", "来源渠道", "收集渠道", "来源", "意见来源", "反映方式", "收集方式"),
    "person": ("反映人", "反映人姓名", "姓名", "提出人", "意见人", "提意见人", "来信人", "来电人", "署名"),
    "contact": ("联系方式", "联系电话", "电话", "手机", "邮箱"),
    "content": ("意见内容", "内容", "意见", "意见建议", "意见及建议", "反映内容", "主要内容", "反映问题", "意见摘要"),
    "ref": ("涉及事项", "发文字号", "文号", "文件名称", "事项名称", "文件/事项名称", "文件或事项名称", "涉及文件",
            "相关事项", "公开事项", "所涉事项", "针对事项", "事项", "文件"),
    "number": ("编号", "序号", "登记号", "登记编号"),
}
NOT_OPINION = ("答复", "回复", "办理", "处理", "承办", "备注")
REQUIRED = ("content", "channel")
HEADER_HINT = "“意见内容”和“渠道”两列（可选：收到日期、反映人、联系方式、涉及事项/发文字号/文件名称、编号）"
HEADER_SCAN_ROWS = 20
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
BRACKETS = str.maketrans({c: "(" for c in "〔[（【〖"} | {c: ")" for c in "〕]）】〗"})
TITLE_NOISE = re.compile(r"[\s《》〈〉“”\"‘’'「」『』]")


@dataclass(frozen=True)
class FeedbackRow:
    """One registered opinion, with its cell texts as written (dates normalised to ISO)."""

    received: str | None
    channel: str
    person: str | None
    content: str
    ref: str | None
    row: int
    number: str | None = None  # the register's own 编号, if it has one
    contact: str | None = None  # 联系方式 — personal data, keep out of anything published

    @property
    def key(self) -> str:
        """Stable over formats and re-imports: the same opinion gives the same key."""
        payload = json.dumps([self.received, self.channel, self.person, self.content, self.ref], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- reading


def read_register(path: Path) -> list[FeedbackRow]:
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"找不到意见登记表：{path}，请检查路径。")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        sheets = _xlsx_sheets(path)
    elif suffix in (".csv", ".txt"):
        sheets = [_csv_rows(path)]
    elif suffix == ".xls":
        raise InputError(f"{path.name} 是旧版 .xls 格式，请在 Excel 中“另存为” .xlsx 或 CSV 后再导入。")
    else:
        raise InputError(f"{path.name} 不是可导入的意见登记表，请使用 .xlsx 或 .csv 文件。")
    for rows in sheets:
        found = _find_header(rows)
        if found is not None:
            at, columns = found
            return [fb for n, cells in enumerate(rows[at + 1:], start=at + 2)
                    if (fb := _to_row(cells, columns, n, path.name)) is not None]
    if suffix in (".csv", ".txt") and _encoding(path.read_bytes()) == "gb18030":
        raise InputError(f"无法识别 {path.name} 的编码：它不是 UTF-8 或 UTF-16，按 GBK 读取又找不到表头，可能是繁体 Big5 "
                         "等其他编码或已损坏。请在 Excel 中打开后另存为“CSV UTF-8（逗号分隔）”或“Unicode 文本”，再导入。")
    raise InputError(f"{path.name} 中找不到意见登记表的表头：表头行应包含{HEADER_HINT}，请核对列名。")


def _xlsx_sheets(path: Path) -> list[list[list[Any]]]:
    import openpyxl  # imported here so the CSV path does not need it

    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return [[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]
        finally:
            wb.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, SyntaxError) as exc:
        hint = "这是 Excel 打开文件时生成的临时锁文件，请改用原文件" if path.name.startswith("~$") \
            else "文件已损坏、已加密或并非 .xlsx，请在 Excel 中打开后重新保存（如有密码请先取消）"
        raise InputError(f"无法读取 {path.name}：{hint}。（{type(exc).__name__}）") from exc


def _csv_rows(path: Path) -> list[list[Any]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取 {path.name}：{exc.strerror}。") from exc
    encoding = _encoding(data)
    if encoding is None:
        raise InputError(f"无法识别 {path.name} 的编码（不是 UTF-8、UTF-16 或 GBK），请在 Excel 中另存为“CSV UTF-8（逗号分隔）”。")
    text = data.decode(encoding)
    if "\x00" in text:
        raise InputError(f"{path.name} 不是文本格式的 CSV（可能是改了扩展名的其他文件），请重新导出。")
    delimiter = "\t" if text[:2048].count("\t") > text[:2048].count(",") else ","  # Excel "Unicode text"
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _encoding(data: bytes) -> str | None:
    """UTF-16 (Excel's "Unicode 文本": a BOM, or NULs only in odd (or only in even) bytes), UTF-8 (with or without BOM), else
    GB18030 (GBK's superset); None when none decodes."""
    odd, even = data[1:4096:2].count(0), data[0:4096:2].count(0)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        candidates: tuple[str, ...] = ("utf-16",)
    elif len(data) % 2 == 0 and odd >= 2 and odd > 3 * even:
        candidates = ("utf-16-le",)  # tabs, digits and line ends carry a NUL in their odd byte
    elif len(data) % 2 == 0 and even >= 2 and even > 3 * odd:
        candidates = ("utf-16-be",)
    else:
        candidates = ("utf-8-sig", "gb18030")
    for encoding in candidates:
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return None


def _norm_header(value: Any) -> str:
    text = unicodedata.normalize("NFKC", _cell(value) or "")
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"\(.*?\)", "", text)
    return text.strip("*:")


def _field_of(header: str) -> str | None:
    if not header:
        return None
    for field, names in SYNONYMS.items():
        if header in names:
            return field
    if any(word in header for word in NOT_OPINION):
        return None  # 答复内容, 办理时间 … describe the answer, not the opinion
    best = max(((len(n), f) for f, names in SYNONYMS.items() for n in names if len(n) >= 2 and n in header),
               default=None)
    return best[1] if best else None


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, list[int]]] | None:
    for at, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns: dict[str, list[int]] = {}
        for i, value in enumerate(cells):
            field = _field_of(_norm_header(value))
            if field:
                columns.setdefault(field, []).append(i)
        if all(f in columns for f in REQUIRED) and len(columns) >= 3:
            return at, columns
    return None


def _to_row(cells: list[Any], columns: dict[str, list[int]], n: int, name: str) -> FeedbackRow | None:
    def get(field: str) -> str | None:
        parts = [_cell(cells[i]) for i in columns.get(field, []) if i < len(cells)]
        return " ".join(p for p in parts if p) or None

    values = {f: get(f) for f in SYNONYMS}
    if not any(v for f, v in values.items() if f != "number"):
        return None  # blank, or a pre-numbered empty line
    if not values["content"]:
        raise InputError(f"{name} 第{n}行已登记但“意见内容”为空，请补全或删除该行。")
    received_cell = next((cells[i] for i in columns.get("received", []) if i < len(cells)), None)
    return FeedbackRow(received=_iso_date(received_cell, n, name), channel=values["channel"] or "",
                       person=values["person"], content=values["content"], ref=values["ref"], row=n,
                       number=values["number"], contact=values["contact"])


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 13600001111.0 -> "13600001111"
    if isinstance(value, datetime):
        value = value.date()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return text or None


DATE_PATTERN = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _iso_date(value: Any, n: int, name: str) -> str | None:
    if isinstance(value, date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        return (date(1899, 12, 30) + timedelta(days=int(value))).isoformat()  # an Excel serial day
    text = unicodedata.normalize("NFKC", _cell(value) or "")
    if not text:
        return None
    m = DATE_PATTERN.match(text)
    if m and not text[m.end():].strip(" T0123456789:."):  # a time of day after the date is fine
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            pass
    raise InputError(f"{name} 第{n}行的收到日期“{text}”无法识别，请写成 2023-10-09 或 2023年10月9日。")


# ---------------------------------------------------------------- matching

Item = tuple[str, str | None, str | None]


def match_item(row: FeedbackRow, items: Sequence[Item]) -> str | None:
    """The id of the item the row refers to, or None when nothing (or more than one) fits."""
    for stage in (_by_number, _by_title, _by_keyword):
        if (verdict := stage(row, items)) is not None:
            return verdict or None  # "" means: this stage found equally good candidates, so no guess
    return None


def _unique_best(scores: dict[str, int], minimum: int) -> str | None:
    """The single top scorer; "" when two tie for the top; None when nobody reaches `minimum`."""
    ranked = sorted(((s, i) for i, s in scores.items() if s >= minimum), reverse=True)
    if not ranked:
        return None
    return "" if len(ranked) > 1 and ranked[1][0] == ranked[0][0] else ranked[0][1]


def norm_doc_number(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(BRACKETS)
    text = re.sub(r"\s+", "", text)
    return re.sub(r"\d+", lambda m: str(int(m[0])), text)


def _by_number(row: FeedbackRow, items: Sequence[Item]) -> str | None:
    haystack = norm_doc_number(f"{row.ref or ''}\n{row.content}")
    hits = {item_id for item_id, _, number in items if number and norm_doc_number(number) in haystack}
    if not hits:
        return None
    return hits.pop() if len(hits) == 1 else ""


def _norm_title(text: str) -> str:
    return TITLE_NOISE.sub("", unicodedata.normalize("NFKC", text))


def _by_title(row: FeedbackRow, items: Sequence[Item]) -> str | None:
    if not row.ref:
        return None
    ref = _norm_title(row.ref)
    titled = [(item_id, t) for item_id, title, _ in items if title and (t := _norm_title(title))]
    if not ref:
        return None
    exact = {item_id for item_id, title in titled if title == ref}
    if exact:
        return exact.pop() if len(exact) == 1 else ""
    scores = {item_id: min(len(ref), len(title)) for item_id, title in titled if ref in title or title in ref}
    return _unique_best(scores, 4)


def _common_cjk_run(a: str, b: str) -> int:
    """Length of the longest common substring made only of CJK characters."""
    best, prev = 0, [0] * (len(b) + 1)
    for ch in a:
        cur = [0] * (len(b) + 1)
        if CJK.match(ch):
            for j, other in enumerate(b, start=1):
                if ch == other:
                    cur[j] = prev[j - 1] + 1
                    best = max(best, cur[j])
        prev = cur
    return best


def _by_keyword(row: FeedbackRow, items: Sequence[Item]) -> str | None:
    text = _norm_title(f"{row.ref or ''}|{row.content}")
    scores = {item_id: _common_cjk_run(text, _norm_title(title)) for item_id, title, _ in items if title}
    return _unique_best(scores, 4)
