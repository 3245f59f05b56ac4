"""The workspace as staff find it: templates copied in by init and exported anywhere, template mistakes
explained in Chinese with the template and paragraph, configuration errors that name the real cause,
and `check` following the workspace's own rules file."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import docx

from fixtures import gongkai_script, plain_doc
from wf_helpers import WsCli

from pipeline.errors import ExitCode
from pipeline.render import PACKAGED_TEMPLATES, TEMPLATE_KEYS


def run(cwd: Path, *args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([gongkai_script(), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=300, stdin=subprocess.DEVNULL)


def init(root: Path) -> WsCli:
    cli = WsCli(root)
    assert cli("init", root).exit_code == 0
    return cli


# ----------------------------------------------------------------------------------------------- templates
def test_init_copies_every_template_into_the_workspace(tmp_path):
    init(tmp_path)
    names = sorted(p.name for p in (tmp_path / "templates").iterdir())
    assert names == sorted(f"{n}.docx" for n in TEMPLATE_KEYS)
    assert (tmp_path / "templates" / "审批表.docx").read_bytes() == (PACKAGED_TEMPLATES / "审批表.docx").read_bytes()


def test_init_again_keeps_a_template_staff_edited(tmp_path):
    cli = init(tmp_path)
    form = tmp_path / "templates" / "审批表.docx"
    d = docx.Document(str(form))
    d.add_paragraph("本局自加的说明")
    d.save(str(form))
    edited = form.read_bytes()
    assert cli("init", tmp_path).exit_code == 0
    assert form.read_bytes() == edited


def test_templates_export_copies_the_templates_in_use(tmp_path):
    cli = init(tmp_path / "ws")
    form = tmp_path / "ws" / "templates" / "审批表.docx"
    d = docx.Document(str(form))
    d.add_paragraph("本局自加的说明")
    d.save(str(form))
    r = cli("templates", "export", tmp_path / "out")
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"{n}.docx" for n in TEMPLATE_KEYS)
    assert (tmp_path / "out" / "审批表.docx").read_bytes() == form.read_bytes()
    again = cli("templates", "export", tmp_path / "out")
    assert "已存在，未覆盖" in again.stdout


def broken_template(root: Path, text: str) -> None:
    form = root / "templates" / "公开公告.docx"
    d = docx.Document(str(form))
    d.add_paragraph(text)
    d.save(str(form))


def test_templates_check_catches_full_width_braces(tmp_path):
    cli = init(tmp_path)
    broken_template(tmp_path, "标题：｛｛ title ｝｝")
    r = cli("templates", "check")
    assert r.exit_code == ExitCode.RENDER
    assert "公开公告.docx 第" in r.stdout
    assert "全角括号" in r.stdout


def test_templates_check_catches_an_unpaired_closing_brace(tmp_path):
    cli = init(tmp_path)
    broken_template(tmp_path, "发文机关：org }}")
    r = cli("templates", "check")
    assert r.exit_code == ExitCode.RENDER
    assert "变量标记不成对" in r.stdout


def test_templates_check_explains_an_unclosed_tag_in_chinese(tmp_path):
    cli = init(tmp_path)
    broken_template(tmp_path, "{% if org %}只在有单位名称时显示")
    r = cli("templates", "check")
    assert r.exit_code == ExitCode.RENDER
    assert "缺少结束标记 {% endif %}" in r.stdout
    assert "Jinja" not in r.stdout


def test_templates_check_explains_a_misspelt_variable(tmp_path):
    cli = init(tmp_path)
    broken_template(tmp_path, "{{ isuer }}")
    r = cli("templates", "check")
    assert "公开公告.docx：未知变量 {{ isuer }}" in r.stdout


def test_templates_check_explains_a_space_in_a_variable_name(tmp_path):
    cli = init(tmp_path)
    broken_template(tmp_path, "{{ doc number }}")
    r = cli("templates", "check")
    assert "变量名中不能有空格" in r.stdout


# ----------------------------------------------------------------------------------------------- configuration
def test_a_config_saved_as_gbk_says_save_as_utf8(tmp_path):
    init(tmp_path)
    cfg = tmp_path / "gongkai.toml"
    cfg.write_bytes(cfg.read_text(encoding="utf-8").encode("gbk"))
    r = run(tmp_path, "list")
    assert r.returncode == ExitCode.USAGE
    assert "不是 UTF-8 编码" in r.stderr
    assert "GBK" in r.stderr
    assert "请用 UTF-8 保存" in r.stderr


def test_a_config_saved_with_a_bom_is_read(tmp_path):
    init(tmp_path)
    cfg = tmp_path / "gongkai.toml"
    cfg.write_bytes(b"\xef\xbb\xbf" + cfg.read_bytes())
    assert run(tmp_path, "list").returncode == ExitCode.OK


def test_chinese_quotes_in_the_config_are_named_with_their_line(tmp_path):
    init(tmp_path)
    cfg = tmp_path / "gongkai.toml"
    text = cfg.read_text(encoding="utf-8").replace('name = "中共青川区科学技术局党组"', "name = “中共青川区科学技术局党组”")
    cfg.write_text(text, encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("name = “"))
    r = run(tmp_path, "list")
    assert r.returncode == ExitCode.USAGE
    assert f"第 {line} 行" in r.stderr
    assert "中文标点" in r.stderr


def test_a_number_written_as_words_is_named(tmp_path):
    init(tmp_path)
    cfg = tmp_path / "gongkai.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("phase_days = 30", 'phase_days = "三十"'), encoding="utf-8")
    r = run(tmp_path, "list")
    assert r.returncode == ExitCode.USAGE
    assert "[time_limits] 中的 phase_days 应是数字" in r.stderr


def test_a_rules_file_with_the_old_temporary_days_says_where_it_went(tmp_path):
    rules = tmp_path / "规则.toml"
    rules.write_text("[timing]\ntemporary_days = 3\n", encoding="utf-8")
    draft = plain_doc(tmp_path / "a.docx", "关于开展学习活动的通知")
    r = run(tmp_path, "check", draft, "--rules", rules)
    assert r.returncode == ExitCode.USAGE
    assert "[time_limits]" in r.stderr


# ----------------------------------------------------------------------------------------------- check
def test_check_inside_a_workspace_follows_its_rules_file(tmp_path):
    init(tmp_path)
    (tmp_path / "规则.toml").write_text('[[garble]]\nwrong = "制订方案"\nright = "制定方案"\n', encoding="utf-8")
    cfg = tmp_path / "gongkai.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('rules = ""', 'rules = "规则.toml"'), encoding="utf-8")
    sub = tmp_path / "草稿"
    sub.mkdir()
    draft = plain_doc(sub / "方案.docx", "关于印发学习方案的通知", "请各支部按照本制订方案组织学习。")
    r = run(sub, "check", draft.name, "--json")
    assert "GARBLE" in {f["code"] for f in json.loads(r.stdout)[0]["findings"]}


def test_check_outside_any_workspace_uses_the_default_rules(tmp_path):
    folder = tmp_path / "别处"
    folder.mkdir()
    shutil.copy(plain_doc(tmp_path / "方案.docx", "关于印发学习方案的通知", "请各支部按照本制订方案组织学习。"),
                folder / "方案.docx")
    r = run(folder, "check", "方案.docx", "--json")
    assert "GARBLE" not in {f["code"] for f in json.loads(r.stdout)[0]["findings"]}
