"""The signed 审批表 comes back (issue 16), built for real: approval forms rendered by gongkai, converted to PDF
by LibreOffice, rasterised by pdftoppm, "signed" with a pen stroke and photographed (rotation, blur, uneven
light) with Pillow, saved as PNG, JPG, image-only PDF and a 3-form batch PDF, and dropped into a watched inbox.

Every scan is made from the forms of the module's own workspace; nothing reads ../shared."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from optional import need_binary
from watch_helpers import ThreadWatcher, make_workspace, wait_until
from wf_helpers import db_rows, draft, one, sha256

ITEMS = ("GK-2026-0001", "GK-2026-0002", "GK-2026-0003", "GK-2026-0004")


# ----------------------------------------------------------------------------------------------- scans
def docx_to_pages(docx: Path, out: Path, dpi: int) -> list[Path]:
    """LibreOffice → PDF → pdftoppm PNG pages at `dpi` (private LibreOffice profile)."""
    soffice = need_binary("soffice", "LibreOffice (libreoffice-writer-nogui)")
    pdftoppm = need_binary("pdftoppm", "poppler-utils (pdftoppm)")
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(docx)], check=True, capture_output=True, timeout=180)
    pdf = out / (docx.stem + ".pdf")
    subprocess.run([pdftoppm, "-r", str(dpi), "-png", str(pdf), str(out / "page")], check=True, timeout=120)
    return sorted(out.glob("page-*.png"))


def photograph(page: Path, angle: float, blur: float, seed: int = 0):
    """A signed, hand-held copy of a page: pen stroke over the signature line, rotated, blurred, unevenly lit."""
    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    img = Image.open(page).convert("RGB")
    w, h = img.size
    draw = ImageDraw.Draw(img)
    pts = [(w * (0.55 + 0.05 * i), h * (0.62 + 0.01 * ((i + seed) % 3))) for i in range(5)]
    draw.line(pts, fill=(25, 25, 110), width=max(3, w // 250))  # the leader's signature
    img = img.rotate(angle, expand=True, fillcolor=(235, 235, 230), resample=Image.BICUBIC)
    img = img.filter(ImageFilter.GaussianBlur(blur))
    light = Image.linear_gradient("L").rotate(35 + seed * 20).resize(img.size)
    light = light.point(lambda v: 140 + v * 115 // 255)
    return ImageChops.multiply(img, Image.merge("RGB", [light] * 3))


def image_only_pdf(images, path: Path, dpi: int) -> Path:
    images[0].save(path, format="PDF", save_all=True, append_images=list(images[1:]), resolution=dpi)
    return path


# ----------------------------------------------------------------------------------------------- workspace
@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A workspace with four recorded items and their approval forms, and the scans made from them."""
    from pipeline.api import open_session, run_ingest

    root = tmp_path_factory.mktemp("signed")
    settings = make_workspace(root / "ws", stable=0.3, rescan=1.0)
    kinds = ("plain", "inside_first", "pre_disclose", "escalate")
    for n, kind in enumerate(kinds):
        draft(settings.inbox / f"{n + 1}_{kind}.docx", kind)
    with open_session(settings) as s:
        outcomes = run_ingest(s)
    assert sorted(o.item_id for o in outcomes) == list(ITEMS)
    pages = {}
    for item in ITEMS:
        form = one(next((settings.outbox).glob(f"{item}_*")), "*审批表.docx")
        pages[item] = docx_to_pages(form, root / "render" / item, dpi=200)
    return settings, root, pages


def code_on(settings, item: str) -> str:
    rows = db_rows(settings.root, "SELECT code FROM form_codes WHERE item_id=? ORDER BY at DESC", (item,))
    return rows[0][0]


# ----------------------------------------------------------------------------------------------- the code itself
def test_every_page_of_the_form_carries_the_code_the_ledger_printed(world):
    from pipeline.formscan import page_codes

    settings, root, pages = world
    for page in pages["GK-2026-0001"]:
        _, scanned, codes = page_codes(page)
        assert [c.text for c in codes] == [code_on(settings, "GK-2026-0001")]


def test_the_code_names_workspace_item_version_and_hash(world):
    from pipeline.formcode import parse
    from pipeline.ledger import Ledger

    settings, _, _ = world
    code = parse(code_on(settings, "GK-2026-0002"))
    with Ledger(settings.db) as ledger:
        ws = ledger.workspace_id()
    assert (code.workspace, code.item_id, code.version, len(code.content_hash)) == (ws, "GK-2026-0002", 1, 8)


def test_regenerating_after_a_review_changes_the_hash_not_item_and_version(world):
    from pipeline.api import open_session, review
    from pipeline.formcode import parse

    settings, _, _ = world
    before = parse(code_on(settings, "GK-2026-0004"))
    with open_session(settings) as s:
        review(s, "GK-2026-0004", True, "陈先荣", "bureau", "同意")
    after = parse(code_on(settings, "GK-2026-0004"))
    assert (after.item_id, after.version, after.content_hash != before.content_hash) == (
        "GK-2026-0004", 1, True)


def test_the_form_says_where_to_return_it(world):
    from docx import Document

    settings, _, _ = world
    form = one(next(settings.outbox.glob("GK-2026-0001_*")), "*审批表.docx")
    header = " ".join(p.text for p in Document(str(form)).sections[0].header.paragraphs)
    assert "签字后请扫描放入收件箱" in header


# ----------------------------------------------------------------------------------------------- scans in the inbox
@pytest.fixture(scope="module")
def received(world):
    """Drop every variant into a watched inbox at once; returns the watcher's outcomes by file name."""
    settings, root, pages = world
    staging = root / "staging"
    staging.mkdir()
    p1 = photograph(pages["GK-2026-0001"][0], angle=3, blur=1.0)
    p1.save(staging / "签字_手机.png")
    photograph(pages["GK-2026-0002"][0], angle=-6, blur=1.4, seed=1).resize(
        (round(p1.width * 0.75), round(p1.height * 0.75))).save(staging / "签字_手机.jpg", quality=72)  # ≈150 dpi
    image_only_pdf([photograph(pages["GK-2026-0003"][0], angle=8, blur=0.8, seed=2)], staging / "签字_复印.pdf", 200)
    batch = [photograph(pages[i][0], angle=a, blur=1.0, seed=n)
             for n, (i, a) in enumerate(zip(ITEMS[:3], (2, -4, 7)))]
    image_only_pdf(batch, staging / "签字_批量.pdf", 200)
    from PIL import Image

    Image.new("RGB", (1240, 1754), (250, 250, 250)).save(staging / "无二维码.png")
    with ThreadWatcher(settings, polling=False) as w:
        for f in sorted(staging.iterdir()):
            shutil.copy(f, settings.inbox / f.name)
        w.wait_outcomes(5, timeout=120)
    return {o.file: o for o in w.outcomes}, staging


def test_a_phone_png_is_matched_to_its_item(received, world):
    outcomes, staging = received
    o = outcomes["签字_手机.png"]
    assert (o.kind, o.item_id) == ("signed", "GK-2026-0001")


def test_a_150_dpi_phone_jpg_is_matched_to_its_item(received):
    outcomes, _ = received
    o = outcomes["签字_手机.jpg"]
    assert (o.kind, o.item_id) == ("signed", "GK-2026-0002")


def test_a_copier_pdf_is_matched_to_its_item(received):
    outcomes, _ = received
    o = outcomes["签字_复印.pdf"]
    assert (o.kind, o.item_id) == ("signed", "GK-2026-0003")


def test_the_scan_is_kept_with_its_item_unchanged(received, world):
    settings, _, _ = world
    _, staging = received
    kept = settings.archive / "GK-2026-0001" / "签字审批表_第1版.png"
    assert sha256(kept) == sha256(staging / "签字_手机.png")


def test_a_batch_scan_is_split_by_code_into_one_pdf_per_form(received, world):
    import pypdfium2 as pdfium

    settings, _, _ = world
    outcomes, _ = received
    rows = db_rows(settings.root, "SELECT item_id, json_extract(data, '$.file') FROM events"
                   " WHERE json_extract(data, '$.source') = '签字_批量.pdf' ORDER BY item_id")
    assert (outcomes["签字_批量.pdf"].kind, [r[0] for r in rows]) == ("signed", list(ITEMS[:3]))
    assert [len(pdfium.PdfDocument(str(settings.root / r[1]))) for r in rows] == [1, 1, 1]


def test_the_batch_itself_is_archived_unchanged(received, world):
    settings, _, _ = world
    _, staging = received
    assert sha256(settings.archive / "签字审批表批量扫描" / "签字_批量.pdf") == sha256(staging / "签字_批量.pdf")


def test_a_scan_without_a_code_goes_on_as_a_draft_and_says_no_code_was_found(received):
    outcomes, _ = received
    assert "未发现审批表二维码" in outcomes["无二维码.png"].message


def test_signed_forms_are_events_and_show_in_show_json(received, world, gongkai):
    settings, _, _ = world
    result = gongkai("--workspace", settings.root, "show", "GK-2026-0003", "--json")
    forms = json.loads(result.stdout)["signed_forms"]
    assert [(f["version"], f["file"], f["current"]) for f in forms] == [
        (1, "archive/GK-2026-0003/签字审批表_第1版.pdf", True),
        (1, "archive/GK-2026-0003/签字审批表_第1版(2).pdf", True)]
    events = db_rows(settings.root, "SELECT COUNT(*) FROM events WHERE item_id=? AND action='收到签字审批表'",
                     ("GK-2026-0003",))
    assert events == [(2,)]


def test_the_same_scan_dropped_again_is_a_duplicate(received, world):
    from pipeline.api import open_session, run_ingest

    settings, _, _ = world
    _, staging = received
    shutil.copy(staging / "签字_手机.png", settings.inbox / "再次放入.png")
    with open_session(settings) as s:
        (o,) = run_ingest(s)
    assert (o.kind, o.item_id) == ("duplicate", "GK-2026-0001")


# ----------------------------------------------------------------------------------------------- versions, strangers, the gate
def test_a_form_of_an_older_version_is_kept_but_flagged(world, tmp_path):
    from pipeline.api import open_session, run_ingest

    settings, root, pages = world
    old_scan = tmp_path / "旧版签字.png"
    photograph(pages["GK-2026-0002"][0], angle=-3, blur=0.8, seed=4).save(old_scan)
    draft(settings.inbox / "修改稿.docx", "inside_first", body=["经局党组研究决定，调整机关党支部设置。", "（修改稿）"])
    shutil.copy(old_scan, settings.inbox / "旧版签字.png")
    with open_session(settings) as s:
        outcomes = {o.file: o for o in run_ingest(s)}
    assert outcomes["修改稿.docx"].kind == "version"
    assert "版本不符" in outcomes["旧版签字.png"].message


def test_a_code_from_another_workspace_goes_to_failed_with_a_note(world, tmp_path):
    from pipeline.api import open_session, run_ingest

    settings, root, pages = world
    other = make_workspace(tmp_path / "other", stable=0.3, rescan=1.0)
    draft(other.inbox / "a.docx", "plain")
    with open_session(other) as s:
        run_ingest(s)
    form = one(next(other.outbox.glob("GK-2026-0001_*")), "*审批表.docx")
    page = docx_to_pages(form, tmp_path / "r", dpi=200)[0]
    photograph(page, angle=4, blur=0.8).save(settings.inbox / "别的工作区.png")
    with open_session(settings) as s:
        (o,) = run_ingest(s)
    note = settings.failed / "别的工作区.png.原因.txt"
    assert (o.kind, "不是本工作区打印的审批表" in note.read_text(encoding="utf-8-sig")) == ("failed", True)


def test_require_signed_form_refuses_publication_until_the_current_version_is_signed(world, tmp_path):
    from pipeline.api import open_session, publish, review, run_ingest
    from pipeline.errors import WorkflowError
    from pipeline.workspace import load_workspace

    _, _, _ = world
    settings = make_workspace(tmp_path / "gate", stable=0.3, rescan=1.0)
    cfg = settings.root / "gongkai.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("require_signed_form = false", "require_signed_form = true"),
                   encoding="utf-8")
    settings = load_workspace(settings.root)
    draft(settings.inbox / "a.docx", "plain")
    with open_session(settings) as s:
        (o,) = run_ingest(s)
        review(s, o.item_id, True, "陈先荣", "bureau", "同意")
        with pytest.raises(WorkflowError) as refused:
            publish(s, o.item_id, "inside", "章晓鸣")
    assert "尚未收到第1版的签字审批表" in refused.value.message
    form = one(next(settings.outbox.glob(f"{o.item_id}_*")), "*审批表.docx")
    page = docx_to_pages(form, tmp_path / "r", dpi=200)[0]
    photograph(page, angle=-2, blur=0.8).save(settings.inbox / "签字.jpg", quality=80)
    with open_session(settings) as s:
        run_ingest(s)
        item = publish(s, o.item_id, "inside", "章晓鸣")
    assert item.status == "disclosed_inside"


def test_the_qr_picture_is_small_and_in_the_top_right_corner(world):
    from PIL import Image

    from pipeline.formscan import page_codes

    settings, root, pages = world
    img = Image.open(pages["GK-2026-0001"][0])
    w, h = img.size
    corner = img.crop((int(w * 0.75), 0, w, int(h * 0.12)))
    buf = io.BytesIO()
    corner.save(buf, format="PNG")
    path = root / "corner.png"
    path.write_bytes(buf.getvalue())
    _, _, codes = page_codes(path)
    assert [c.code.item_id for c in codes] == ["GK-2026-0001"]


def test_the_status_page_lists_only_approved_items_whose_current_form_has_not_come_back(world, tmp_path):
    from datetime import date

    from pipeline.api import open_session, review, run_ingest
    from pipeline.site.status import compute

    _, _, _ = world
    settings = make_workspace(tmp_path / "status", stable=0.3, rescan=1.0)
    draft(settings.inbox / "1.docx", "plain")
    draft(settings.inbox / "2.docx", "inside_first")
    with open_session(settings) as s:
        ids = sorted(o.item_id for o in run_ingest(s))
        for item_id in ids:
            review(s, item_id, True, "陈先荣", "bureau", "同意")
    form = one(next(settings.outbox.glob(f"{ids[0]}_*")), "*审批表.docx")
    photograph(docx_to_pages(form, tmp_path / "r", dpi=200)[0], angle=3, blur=0.8).save(settings.inbox / "签字.png")
    with open_session(settings) as s:
        run_ingest(s)
        status = compute(s.settings, s.ledger, s.rules, date(2026, 12, 1))
    assert [r.id for r in status.waiting_signed] == [ids[1]]
