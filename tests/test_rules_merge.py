"""The office's rules file: [[garble]] and [[obligation]] entries add to the defaults (same identity
replaces), tables merge key by key, plain arrays replace."""
from pathlib import Path

from pipeline.rules import load_rules


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "规则.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_a_new_garble_pair_is_added_to_the_defaults(tmp_path):
    default = load_rules()
    rules = load_rules(write(tmp_path, '[[garble]]\nwrong = "制订方案"\nright = "制定方案"\n'))
    assert len(rules.garbles) == len(default.garbles) + 1
    assert {g.wrong for g in default.garbles} < {g.wrong for g in rules.garbles}


def test_a_garble_with_the_same_wrong_word_replaces_the_default(tmp_path):
    rules = load_rules(write(tmp_path, '[[garble]]\nwrong = "效劳"\nright = "服务"\nexcept = ["效劳大局"]\n'))
    same = [g for g in rules.garbles if g.wrong == "效劳"]
    assert len(same) == 1 and same[0].exceptions == ("效劳大局",)


def test_an_obligation_entry_changes_only_the_keys_it_names(tmp_path):
    default = {o.code: o for o in load_rules().obligations}
    rules = load_rules(write(tmp_path, '[[obligation]]\ncode = "PRE_DISCLOSE"\nwords = ["征求意见稿", "意见征询"]\n'))
    pre = {o.code: o for o in rules.obligations}["PRE_DISCLOSE"]
    assert pre.words == ("征求意见稿", "意见征询")
    assert pre.label == default["PRE_DISCLOSE"].label and len(rules.obligations) == len(default)


def test_a_category_word_list_replaces_and_other_categories_stay(tmp_path):
    default = {c.code: c for c in load_rules().categories}
    rules = load_rules(write(tmp_path, '[categories.7]\nwords = ["食堂"]\n'))
    cats = {c.code: c for c in rules.categories}
    assert cats[7].words == ("食堂",) and cats[7].name == default[7].name
    assert cats[3] == default[3]
