"""gongkai site build on a real workspace (tests/site_helpers.py): what each column holds, escaping, no raw
personal number anywhere in public/, atomic and incremental builds, site.auto."""
from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from pipeline import api
from pipeline.api import open_session
from pipeline.errors import RenderError
from pipeline.workspace import load_workspace
from pipeline.workdays import When
from site_helpers import ANSWER, INGESTED, NOW, PARTY_TITLE, PII_ID, PII_PHONE, TODAY, make_site_workspace
from wf_helpers import WsCli, draft


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    settings, ids = make_site_workspace(tmp_path_factory.mktemp("site"))
    with open_session(settings) as s:
        api.build_site(s, today=TODAY)
    return settings, ids


@pytest.fixture
def fresh(built, tmp_path):
    settings, ids = built
    shutil.copytree(settings.root, tmp_path / "ws")
    return load_workspace(tmp_path / "ws"), ids


def all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def public_bytes(site: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in all_files(site / "public"))


def test_every_page_kind_is_built(built):
    settings, ids = built
    site = settings.root / "site"
    for column in ("public", "inside"):
        for rel in ["index.html", "results.html", "catalogue/index.html", "catalogue/2026.html", "assets/site.css",
                    *[f"category/{n}.html" for n in range(1, 8)], f"items/{ids['plain']}.html"]:
            assert (site / column / rel).is_file(), f"{column}/{rel}"
    assert (site / "inside" / "工作台.html").is_file()
    assert not (site / "public" / "工作台.html").exists()


def test_party_only_item_is_never_in_public(built):
    settings, ids = built
    site = settings.root / "site"
    assert not (site / "public" / "items" / f"{ids['party']}.html").exists()
    assert PARTY_TITLE.encode() not in public_bytes(site)
    assert ids["party"].encode() not in public_bytes(site)
    assert PARTY_TITLE in (site / "inside" / "items" / f"{ids['party']}.html").read_text(encoding="utf-8")


def test_inside_first_and_unreviewed_items_stay_out_of_public(built):
    settings, ids = built
    public = public_bytes(settings.root / "site")
    assert ids["inside_first"].encode() not in public
    assert ids["waiting"].encode() not in public


def test_no_raw_personal_number_in_any_public_file_or_name(built):
    settings, ids = built
    site = settings.root / "site"
    names = "\n".join(str(p.relative_to(site)) for p in all_files(site / "public"))
    blob = public_bytes(site)
    for raw in (PII_ID, PII_PHONE):
        assert raw.encode() not in blob
        assert raw not in names
    page = (site / "public" / "items" / f"{ids['pii']}.html").read_text(encoding="utf-8")
    assert "138****5678" in page  # the 公开稿's masked number (public view: first 3, last 4): the content is there


def test_inside_column_reads_the_original(built):
    settings, ids = built
    page = (settings.root / "site" / "inside" / "items" / f"{ids['pii']}.html").read_text(encoding="utf-8")
    assert PII_ID in page


def test_hostile_title_is_text(built):
    settings, ids = built
    page = (settings.root / "site" / "public" / "items" / f"{ids['hostile']}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert b"<script" not in public_bytes(settings.root / "site")
    assert "<b>加固</b>" not in page


def test_home_lists_the_open_predisclosure_with_its_last_day_and_channels(built):
    settings, ids = built
    home = (settings.root / "site" / "public" / "index.html").read_text(encoding="utf-8")
    assert f"items/{ids['consult']}.html" in home
    assert "最后一天：2026年11月12日" in re.sub(r"<[^>]+>", "", home)  # 2026-11-05 + 5 working days
    assert settings.phone in home
    assert settings.opinion_box in home
    assert "、".join(settings.supervisors) in home


def test_category_page_counts(built):
    settings, ids = built
    page = (settings.root / "site" / "public" / "category" / "6.html").read_text(encoding="utf-8")
    assert "本类共 1 项" in page


def test_catalogue_of_the_year_lists_public_disclosures(built):
    settings, ids = built
    page = (settings.root / "site" / "public" / "catalogue" / "2026.html").read_text(encoding="utf-8")
    assert "共 3 项" in page


def test_results_page_shows_the_answer_with_the_citizen_number_masked(built):
    settings, ids = built
    page = (settings.root / "site" / "public" / "results.html").read_text(encoding="utf-8")
    assert ANSWER in page
    assert "联系电话138****5678" in page


def test_status_page_lists_waiting_and_open_periods(built):
    settings, ids = built
    page = (settings.root / "site" / "inside" / "工作台.html").read_text(encoding="utf-8")
    assert "待审核（1）" in page
    assert "正在征求意见（1）" in page
    assert 'class="bar" style="width: ' in page


def test_unchanged_rebuild_writes_nothing(fresh):
    settings, ids = fresh
    with open_session(settings) as s:
        r = api.build_site(s, today=TODAY)
    assert r.written == 0


def inodes(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_ino for c in ("public", "inside") for p in all_files(site / c)}


def test_rebuild_after_one_publish_writes_only_what_changed(fresh):
    settings, ids = fresh
    site = settings.root / "site"
    before = inodes(site)
    with open_session(settings, clock=NOW) as s:
        api.publish(s, ids["inside_first"], "outside", "章晓鸣", When(date(2026, 11, 6)))
        r = api.build_site(s, today=TODAY)
    after = inodes(site)
    rewritten = {k for k in after if before.get(k) != after[k]}  # every other file is a hard link to the old one
    item = ids["inside_first"]
    # the item's category page (第1类: 关于调整机关党支部设置的决定) and the inside catalogue's 公开范围 change too
    assert rewritten == {f"public/items/{item}.html", "public/index.html", "public/category/1.html",
                         "public/catalogue/2026.html", f"inside/items/{item}.html", "inside/catalogue/2026.html",
                         "inside/工作台.html"}
    assert r.written == 7
    assert not list(site.glob(".build-*"))


def site_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for c in ("public", "inside") for p in all_files(site / c)}


def test_an_incremental_build_after_a_publish_equals_a_full_build(fresh, tmp_path):
    settings, ids = fresh
    with open_session(settings, clock=NOW) as s:
        api.publish(s, ids["inside_first"], "outside", "章晓鸣", When(date(2026, 11, 6)))
        api.build_site(s, today=TODAY)
    shutil.copytree(settings.root, tmp_path / "again", ignore=shutil.ignore_patterns("site"))
    again = load_workspace(tmp_path / "again")
    with open_session(again) as s:
        api.build_site(s, today=TODAY)
    incremental, full = site_files(settings.root / "site"), site_files(again.root / "site")
    assert sorted(incremental) == sorted(full)
    assert [k for k in full if incremental[k] != full[k]] == []


def test_conversions_of_documents_no_longer_shown_are_pruned(fresh):
    settings, ids = fresh
    cache = settings.root / ".cache" / "site-html"
    stale = cache / ("0" * 64 + ".v1.html")
    stale.write_text("<p>旧版本</p>", encoding="utf-8")
    kept = sorted(p.name for p in cache.iterdir() if p != stale)
    with open_session(settings) as s:
        api.build_site(s, today=TODAY)
    assert sorted(p.name for p in cache.iterdir()) == kept


def test_publishing_converts_the_documents_the_item_shows_before_any_build(fresh):
    settings, ids = fresh
    cache = settings.root / ".cache" / "site-html"
    shutil.rmtree(cache)
    with open_session(settings) as s:
        api.publish(s, ids["inside_first"], "outside", "章晓鸣", When(date(2026, 11, 6)))
        item = s.ledger.item(ids["inside_first"])
        copy = s.ledger.artifact(item.id, item.version, "redacted")
    assert sorted(p.name for p in cache.glob("*.html")) == sorted([f"{item.sha256}.v1.html", f"{copy.sha256}.v1.html"])


def test_a_copied_workspace_is_still_built_incrementally(fresh, tmp_path):
    settings, ids = fresh  # `fresh` is itself a copy of the workspace the module built, site folder included
    with open_session(settings) as s:
        r = api.build_site(s, today=TODAY)
    assert r.made == 0  # nothing rendered again: no page's fingerprint names the workspace's folder


def test_a_second_build_converts_nothing(fresh):
    settings, ids = fresh
    cache = settings.root / ".cache" / "site-html"
    converted = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.html")}
    shutil.rmtree(settings.root / "site" / "public")
    shutil.rmtree(settings.root / "site" / "inside")
    with open_session(settings) as s:
        api.build_site(s, today=TODAY)
    assert {p.name: p.stat().st_mtime_ns for p in cache.glob("*.html")} == converted
    assert (settings.root / "site" / "public" / "items" / f"{ids['plain']}.html").is_file()


def test_a_failed_build_leaves_the_old_site_as_it_was(fresh):
    settings, ids = fresh
    site = settings.root / "site"
    before = {p: p.read_bytes() for p in all_files(site / "public")}
    cfg = settings.root / "gongkai.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('supervision_phone = "85820611"',
                                                           f'supervision_phone = "{PII_PHONE}"'), encoding="utf-8")
    with open_session(load_workspace(settings.root)) as s, pytest.raises(RenderError):
        api.build_site(s, today=TODAY)
    assert {p: p.read_bytes() for p in all_files(site / "public")} == before
    assert not list(site.glob(".build-*"))


def test_site_auto_rebuilds_after_publish(fresh):
    settings, ids = fresh
    cfg = settings.root / "gongkai.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("auto = false", "auto = true"), encoding="utf-8")
    with open_session(load_workspace(settings.root), clock=NOW) as s:
        api.publish(s, ids["inside_first"], "outside", "章晓鸣", When(date(2026, 11, 6)))
    assert (settings.root / "site" / "public" / "items" / f"{ids['inside_first']}.html").is_file()


def test_cli_site_build_to_a_folder(fresh, tmp_path):
    settings, ids = fresh
    result = WsCli(settings.root)("site", "build", tmp_path / "out")
    assert result.exit_code == 0
    assert "网站已生成" in result.stdout
    assert (tmp_path / "out" / "public" / "index.html").is_file()


def test_a_pdf_draft_shows_its_public_text_outside_and_links_the_pdf_inside(tmp_path):
    from pipeline.workspace import init_workspace

    settings, _ = init_workspace(tmp_path / "ws")
    draft(settings.inbox / "a.pdf", "plain")
    with open_session(settings, clock=INGESTED) as s:
        (o,) = api.run_ingest(s)
    with open_session(settings, clock=NOW) as s:
        api.review(s, o.item_id, True, "陈先荣", "bureau", None, When(date(2026, 11, 2)))
        api.publish(s, o.item_id, "outside", "章晓鸣", When(date(2026, 11, 2)))
        api.build_site(s, today=TODAY)
    public = (settings.root / "site" / "public" / "items" / f"{o.item_id}.html").read_text(encoding="utf-8")
    inside = (settings.root / "site" / "inside" / "items" / f"{o.item_id}.html").read_text(encoding="utf-8")
    assert "为加强机关食堂管理，现通知如下。" in public  # public: the text of its re-checked 公开稿
    assert "files/" not in public
    assert f'href="../files/{o.item_id}.pdf"' in inside  # inside: the original PDF, linked
    assert (settings.root / "site" / "inside" / "files" / f"{o.item_id}.pdf").read_bytes()[:5] == b"%PDF-"
