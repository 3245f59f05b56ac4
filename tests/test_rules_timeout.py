"""Regular expressions from the office's rules file cannot hang the checker: a catastrophic one is
refused when the rules are loaded (exit 2), one that explodes only on some draft's text makes that draft
an error (exit 3) and the next draft is checked. The packaged patterns stay on Python's re."""
from __future__ import annotations

import json
import pickle
import re
import subprocess

import pytest

from fixtures import gongkai_script, official_doc, plain_doc, write_rules
from pipeline.errors import UsageError
from pipeline.rules import load_rules
from pipeline.rules.timed import TimedPattern


def test_the_packaged_patterns_compile_with_re(tmp_path):
    assert isinstance(load_rules().docno, re.Pattern)


def test_an_office_pattern_runs_under_a_timeout(tmp_path):
    rules = load_rules(write_rules(tmp_path / "r.toml", "[docno]\npattern = '青科党〔\\d{4}〕\\d+号'\n"))
    assert isinstance(rules.docno, TimedPattern)
    assert rules.docno.search("青科党〔2023〕12号")[0] == "青科党〔2023〕12号"


def test_a_timed_pattern_survives_the_trip_to_a_worker_process():
    p = pickle.loads(pickle.dumps(TimedPattern(r"\d+号")))
    assert p.search("第12号")[0] == "12号"


def test_a_catastrophic_office_pattern_is_refused_at_load(tmp_path):
    f = write_rules(tmp_path / "r.toml", "[docno]\npattern = '^(\\w+\\s?)+$'\n")
    with pytest.raises(UsageError) as e:
        load_rules(f)
    assert "灾难性回溯" in e.value.message
    assert "^(\\w+\\s?)+$" in e.value.message


def test_the_cli_refuses_such_a_rules_file_with_exit_2(tmp_path):
    f = write_rules(tmp_path / "r.toml", "[docno]\npattern = '^(\\w+\\s?)+$'\n")
    out = subprocess.run([gongkai_script(), "check", str(official_doc(tmp_path / "a.docx")), "--rules", str(f)],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert "灾难性回溯" in out.stderr


# explodes only after 关于: the load-time trials never contain it, a draft's line does
TRAP = "[bad_date]\npatterns = ['关于(\\w|\\w\\w)+$']\n"


def test_a_pattern_that_explodes_on_one_draft_fails_that_draft_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "批"
    folder.mkdir()
    plain_doc(folder / "1陷阱.docx", "关于" + "字" * 40 + "！")
    official_doc(folder / "2正常.docx")
    rules = write_rules(tmp_path / "r.toml", TRAP)
    out = subprocess.run([gongkai_script(), "check", str(folder), "--json", "--rules", str(rules)],
                         capture_output=True, text=True)
    assert out.returncode == 3
    first, second = json.loads(out.stdout)
    assert first["error"]["code"] == "RULE_TIMEOUT"
    assert "规则文件中的正则表达式运行超时" in first["error"]["message"]
    assert second["status"] == "ok"
