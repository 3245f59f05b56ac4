"""The opinion register (意见登记表) reader and the row → item matcher. Fixtures are built in tmp_path."""
from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from pipeline.errors import InputError, UsageError
from pipeline.feedback_io import FeedbackRow, match_item, read_register

HEADER = ["编号", "收到日期", "渠道", "反映人", "联系方式", "涉及事项", "意见内容"]
TITLE = "青川区科学技术局党务公开意见登记表"
DATA = [  # (编号, date as a CSV would show it, 渠道, 反映人, 联系方式, 涉及事项, 意见内容)
    ("YJ-001", "2023/10/9", "监督电话", "匿名", None, "关于陈一平等同志拟任职务的任前公示", "建议补充拟任人选的主要工作经历。"),
    ("YJ-002", "2023年10月11日", "意见箱", "张明", "13600001111", "青科党〔2023〕24号", "补助上限200万元是否包含区级配套？"),
    ("YJ-003", "2023-11-02", "网络", None, None, None, "创新券兑付流程能否进一步简化。"),
]
DATES = [datetime(2023, 10, 9), datetime(2023, 10, 11, 15, 30), datetime(2023, 11, 2)]
EXPECTED = [
    FeedbackRow("2023-10-09", "监督电话", "匿名", "建议补充拟任人选的主要工作经历。", "关于陈一平等同志拟任职务的任前公示", 3,
                "YJ-001", None),
    FeedbackRow("2023-10-11", "意见箱", "张明", "补助上限200万元是否包含区级配套？", "青科党〔2023〕24号", 4,
                "YJ-002", "13600001111"),
    FeedbackRow("2023-11-02", "网络", None, "创新券兑付流程能否进一步简化。", None, 6, "YJ-003", None),
]


def make_xlsx(path: Path, header: list[str] = HEADER) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for i, (row, when) in enumerate(zip(DATA, DATES)):
        if i == 2:
            ws.append([None] * len(header))  # a blank line the office left in
        number, _, channel, person, contact, ref, content = row
        ws.append([number, when, channel, person, int(contact) if contact else None, ref, content])
    wb.save(path)
    return path


def make_csv(path: Path, encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh)
        out.writerow([TITLE] + [""] * 6)
        out.writerow(HEADER)
        out.writerows([DATA[0], DATA[1], [""] * 7, DATA[2]])
    return path


def test_xlsx_every_field(tmp_path: Path) -> None:
    rows = read_register(make_xlsx(tmp_path / "登记表.xlsx"))
    assert rows == EXPECTED


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_matches_xlsx(tmp_path: Path, encoding: str) -> None:
    rows = read_register(make_csv(tmp_path / f"登记表_{encoding}.csv", encoding))
    assert rows == EXPECTED
    xlsx_rows = read_register(make_xlsx(tmp_path / "登记表.xlsx"))
    assert [r.key for r in rows] == [r.key for r in xlsx_rows]


def make_unicode_text(path: Path, encoding: str = "utf-16") -> Path:
    """Excel's "Unicode 文本" (.txt): UTF-16 with a BOM, tab-separated."""
    lines = ["\t".join([TITLE] + [""] * 6), "\t".join(HEADER)]
    for row in (DATA[0], DATA[1], [""] * 7, DATA[2]):
        lines.append("\t".join(v or "" for v in row))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize("name, encoding", [("登记表.txt", "utf-16"), ("登记表.csv", "utf-16"),
                                            ("登记表_le.txt", "utf-16-le")])
def test_excel_unicode_text_is_read(tmp_path: Path, name: str, encoding: str) -> None:
    assert read_register(make_unicode_text(tmp_path / name, encoding)) == EXPECTED


def test_a_big5_register_gets_an_encoding_message_not_no_header(tmp_path: Path) -> None:
    path = tmp_path / "登記表.csv"
    path.write_bytes("編號,收到日期,渠道,反映人,意見內容\n1,2023-10-09,意見箱,張明,建議公開表決程序。\n".encode("big5"))
    with pytest.raises(InputError) as info:
        read_register(path)
    assert "编码" in info.value.message and "Big5" in info.value.message and "CSV UTF-8" in info.value.message


def test_undecodable_bytes_get_an_encoding_message(tmp_path: Path) -> None:
    path = tmp_path / "乱码.csv"
    path.write_bytes(bytes(range(0x80, 0x100)) * 8)
    with pytest.raises(InputError) as info:
        read_register(path)
    assert "编码" in info.value.message


def test_key_is_stable_and_content_sensitive() -> None:
    a = EXPECTED[0]
    same = FeedbackRow(a.received, a.channel, a.person, a.content, a.ref, row=99, number="other", contact="x")
    assert same.key == a.key and len(a.key) == 64
    assert FeedbackRow(a.received, a.channel, a.person, a.content + "！", a.ref, a.row).key != a.key
    assert len({r.key for r in EXPECTED}) == 3


def test_date_forms_and_excel_serial(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["收到日期", "渠道", "意见内容"])
    for value in ["2023-10-09", "2023/10/9", "2023年10月9日", "2023.10.09 14:30:00", 45208, datetime(2023, 10, 9)]:
        ws.append([value, "网络", "同意"])
    wb.save(tmp_path / "d.xlsx")
    assert {r.received for r in read_register(tmp_path / "d.xlsx")} == {"2023-10-09"}


def test_header_synonyms_spaces_full_width_and_answer_columns(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("序号,收 到 日 期,反映渠道,姓名,文件/事项名称,意见内容（必填）,答复内容,办理时间\n"
                    "1,2023-10-09,监督员,刘芳,议事规则,建议公开表决程序。,已采纳,2023-10-20\n"
                    "2,,,,,,,\n", encoding="utf-8")
    (row,) = read_register(path)
    assert (row.received, row.channel, row.person, row.ref, row.content, row.number) == \
        ("2023-10-09", "监督员", "刘芳", "议事规则", "建议公开表决程序。", "1")


def test_leading_empty_rows_keep_source_row_numbers(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B3"], ws["C3"], ws["D3"] = "渠道", "意见内容", "涉及事项"
    ws["B5"], ws["C5"] = "意见箱", "好"
    wb.save(tmp_path / "e.xlsx")
    (row,) = read_register(tmp_path / "e.xlsx")
    assert (row.row, row.channel, row.content, row.received) == (5, "意见箱", "好", None)


@pytest.mark.parametrize("name, data", [
    ("a.docx", b"PK\x03\x04"),
    ("a.xls", b"\xd0\xcf\x11\xe0"),
    ("a.xlsx", b"this is not a zip"),
    ("a.xlsx", b""),
    ("~$a.xlsx", b"\x00" * 162),
    ("a.csv", "收到日期,备注\n2023-10-09,无\n".encode("utf-8")),
    ("a.csv", b"\x00\x01\x02,\xff\xfe"),
])
def test_bad_files_raise_input_error(tmp_path: Path, name: str, data: bytes) -> None:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(InputError) as info:
        read_register(tmp_path / name)
    assert info.value.message and any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)


def test_missing_header_names_expected_columns(tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_text("甲,乙,丙\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="意见内容.*渠道"):
        read_register(tmp_path / "h.csv")


def test_missing_file_is_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        read_register(tmp_path / "nope.xlsx")


@pytest.mark.parametrize("line, fragment", [
    ("2023-13-40,网络,同意", "第2行的收到日期"),
    ("2023-10-09,网络,", "第2行已登记但“意见内容”为空"),
])
def test_bad_rows_are_reported_by_row(tmp_path: Path, line: str, fragment: str) -> None:
    (tmp_path / "r.csv").write_text(f"收到日期,渠道,意见内容\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError, match=fragment):
        read_register(tmp_path / "r.csv")


ITEMS = [
    ("i01", "中共青川区科学技术局党组关于调整局领导班子成员工作分工的通知", "青科党〔2023〕21号"),
    ("i02", "关于陈一平等同志拟任职务的任前公示", None),
    ("i07", "青川区科学技术局2023年为民办实事项目进展情况", None),
    ("i06", "中共青川区科学技术局党组关于印发《局领导班子议事规则（修订）》的通知", "青科党〔2023〕15号"),
    ("i13", "中共青川区科学技术局党组关于出台《青川区科技创新专项资金管理办法》的决定", "青科党〔2023〕24号"),
    ("i10", "关于召开机关第一党支部党员大会进行换届选举的通知", "青科机党〔2023〕11号"),
    ("i99", None, None),
]


def fb(ref: str | None, content: str = "请予以说明。") -> FeedbackRow:
    return FeedbackRow("2023-10-09", "网络", None, content, ref, 2)


@pytest.mark.parametrize("ref, content, expected", [
    ("青科党[2023]24号", "请予以说明。", "i13"),
    ("青科党【2023】024 号", "请予以说明。", "i13"),
    ("青科党（２０２３）15号", "请予以说明。", "i06"),
    (None, "对青科机党〔2023〕11号文件有意见。", "i10"),
    ("青科党〔2023〕1号", "请予以说明。", None),  # no such number; 1号 must not hit 11号/21号
    ("关于 陈一平等同志 拟任职务的“任前公示”", "请予以说明。", "i02"),
    ("《局领导班子议事规则(修订)》", "请予以说明。", "i06"),
    ("2023年为民办实事项目", "请予以说明。", "i07"),
    (None, "科技创新专项资金的申报条件能否放宽？", "i13"),
    ("换届选举", "支部换届选举时间？", "i10"),
    (None, "工作做得很好。", None),
])
def test_match_item(ref: str | None, content: str, expected: str | None) -> None:
    assert match_item(fb(ref, content), ITEMS) == expected


def test_match_item_never_guesses() -> None:
    twins = [("a", "关于开展主题教育的通知", "青科党〔2023〕5号"), ("b", "关于开展主题教育的通知", "青科党〔2023〕5号")]
    assert match_item(fb("青科党〔2023〕5号"), twins) is None  # same number twice
    assert match_item(fb("关于开展主题教育的通知"), twins[:1] + [("b", "关于开展主题教育的通知", None)]) is None
    assert match_item(fb("通知"), ITEMS) is None  # contained in several titles and too short anyway
    # both titles share the same 8-character phrase with the comment: equally good, so no match
    assert match_item(fb(None, "青川区科学技术局的工作很扎实"), ITEMS) is None
    # a doc number in the content that names two different items is ambiguous too
    assert match_item(fb("青科党〔2023〕24号", "另见青科党〔2023〕15号。"), ITEMS) is None
    assert match_item(fb("任前公示"), []) is None
