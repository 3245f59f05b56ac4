"""Signed approval forms coming back through the inbox (the detect stage's other branch).

A scan whose pages carry approval-form codes (formcode, read by formscan) is not a draft:
- each form in it (pages grouped by code; a batch scan holds several) is kept with its item as
  archive/<item>/签字审批表_第N版.<ext> — a single-form file is moved there unchanged, a batch is split into
  one PDF per form and the batch itself archived unchanged under archive/签字审批表批量扫描/;
- it is recorded as the event 收到签字审批表 (version, file, sha256, received, pages);
- a form of an older version is kept but flagged 版本不符: the current version needs a fresh signature;
- a code this workspace never printed (another workspace, an unknown item, a forged code) sends the file to
  failed/ with a note.
A scan with no readable code goes on as an ordinary draft (OCR'd when installed); its outcome says that no
form code was found, in case it was meant to be a signed form."""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, replace
from pathlib import Path

from . import formcode, formscan
from .intake import Outcome, display_name, move_aside, safe_move
from .ledger import Ledger
from .read import Limits, sha256_of
from .workspace import Settings

NO_CODE_NOTE = "未发现审批表二维码；如果这是签字后的审批表，请确认右上角二维码完整清晰后重新扫描。"
BATCH_FOLDER = "签字审批表批量扫描"


@dataclass(frozen=True)
class FormScan:
    """What the detect stage found in one inbox file."""

    pages: int
    groups: tuple[tuple[formcode.FormCode | None, tuple[int, ...]], ...]  # (code, its pages), in page order
    scanned: bool  # some page had no text layer (a scan or photo)


def detect(path: Path, limits: Limits) -> FormScan | None:
    """The form codes in `path` grouped by form, or None when it is no candidate at all (a .docx …)."""
    if not formscan.is_candidate(path):
        return None
    pages, scanned, codes = formscan.page_codes_bounded(path, limits)
    by_page: dict[int, formcode.FormCode | None] = {}
    for pc in codes:
        by_page.setdefault(pc.page, pc.code)
    groups: list[tuple[formcode.FormCode | None, list[int]]] = []
    lead: list[int] = []  # pages before the first code (its code unreadable): they belong to the first form
    for page in range(pages):
        if page in by_page and (not groups or groups[-1][0] != by_page[page]):
            groups.append((by_page[page], lead + [page]))
            lead = []
        elif groups:
            groups[-1][1].append(page)
        else:
            lead.append(page)
    return FormScan(pages, tuple((c, tuple(p)) for c, p in groups), scanned)


def take(settings: Settings, ledger: Ledger, path: Path, scan: FormScan) -> Outcome:
    """Record every form in `scan` (which has at least one group) and move the file where it belongs;
    one outcome for the file (a batch names each form it held)."""
    outcomes = _take(settings, ledger, path, scan)
    if len(outcomes) == 1:
        return outcomes[0]
    first = outcomes[0]
    return Outcome(first.file, first.kind, first.item_id, first.status,
                   f"批量扫描 {len(outcomes)} 份：" + "；".join(o.message for o in outcomes))


def _take(settings: Settings, ledger: Ledger, path: Path, scan: FormScan) -> list[Outcome]:
    name = display_name(settings, path)
    sha = sha256_of(path)
    known = ledger.signed_form_by_sha(sha)
    if known is not None:
        moved = move_aside(path, settings.archive / "重复件",
                           f"与 {known['item_id']} 已收到的签字审批表完全相同，未重复登记。", ledger.clock.now())
        return [Outcome(name, "duplicate", known["item_id"], None,
                        f"与 {known['item_id']} 已收到的签字审批表完全相同（已移至 {moved.relative_to(settings.root)}）")]
    unknown = [c for c, _ in scan.groups if not _ours(ledger, c)]
    if unknown:
        shown = "、".join(c.item_id if c else "无法解析" for c in unknown)
        note = (f"文件中有审批表二维码（{shown}），但不是本工作区打印的审批表，或事项不存在；"
                "请确认放入了正确的收件箱，或联系联络员。")
        moved = move_aside(path, settings.failed, note, ledger.clock.now())
        return [Outcome(name, "failed", message=f"{note}（已移至 {moved.relative_to(settings.root)}）")]
    if len(scan.groups) == 1:
        code = scan.groups[0][0]
        assert code is not None
        target = _free(settings.archive / code.item_id / f"签字审批表_第{code.version}版{path.suffix.lower()}")
        safe_move(path, target)
        return [_record(settings, ledger, name, code, target, sha, scan.groups[0][1])]
    batch = _free(settings.archive / BATCH_FOLDER / path.name)
    safe_move(path, batch)  # the batch itself, unchanged; each form is split out of it
    out = []
    for code, pages in scan.groups:
        assert code is not None
        target = _free(settings.archive / code.item_id / f"签字审批表_第{code.version}版.pdf")
        part_sha = _split(batch, pages, target)
        out.append(_record(settings, ledger, name, code, target, part_sha, pages, batch))
    return out


def noted(outcome: Outcome, scan: FormScan | None) -> Outcome:
    """A scan that went on as a draft says that no form code was found on it."""
    if scan is None or not scan.scanned or outcome.kind not in ("recorded", "version", "failed"):
        return outcome
    return replace(outcome, message=f"{outcome.message}（{NO_CODE_NOTE}）" if outcome.message else NO_CODE_NOTE)


def _ours(ledger: Ledger, code: formcode.FormCode | None) -> bool:
    return code is not None and code.workspace == ledger.workspace_id() and ledger.form_code(code.text) is not None


def _record(settings: Settings, ledger: Ledger, name: str, code: formcode.FormCode, target: Path, sha: str,
            pages: tuple[int, ...], batch: Path | None = None) -> Outcome:
    item = ledger.item(code.item_id)
    stale = code.version != item.version
    record = {"version": code.version, "file": str(target.relative_to(settings.root)), "sha256": sha,
              "received": ledger.clock.stamp(), "code": code.text, "pages": [p + 1 for p in pages],
              "source": name, "stale": stale}
    if batch is not None:
        record["batch"] = str(batch.relative_to(settings.root))
    ledger.add_signed_form(item.id, record)
    msg = f"{item.id} 第{code.version}版 收到签字审批表"
    if stale:
        msg += f"（版本不符：当前为第{item.version}版，须对新版本重新签字）"
    return Outcome(name, "signed", item.id, None, msg)


def _free(target: Path) -> Path:
    """`target`, or `name(2).ext`, `name(3).ext` … when a scan of the same form was kept before."""
    n, candidate = 2, target
    while candidate.exists():
        candidate = target.with_name(f"{target.stem}({n}){target.suffix}")
        n += 1
    return candidate


def _split(batch: Path, pages: tuple[int, ...], target: Path) -> str:
    """The pages of one form out of a batch, as a PDF of their own (PDF batch) or of the images (image batch)."""
    import os
    import tempfile

    data = _pdf_pages(batch, pages) if batch.suffix.lower() == ".pdf" else _image_pages(batch, pages)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".签字审批表.", suffix=".part", dir=target.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return hashlib.sha256(data).hexdigest()


def _pdf_pages(batch: Path, pages: tuple[int, ...]) -> bytes:
    import pypdfium2 as pdfium

    src, dst = pdfium.PdfDocument(str(batch)), pdfium.PdfDocument.new()
    try:
        dst.import_pages(src, list(pages))
        buf = io.BytesIO()
        dst.save(buf)
        return buf.getvalue()
    finally:
        dst.close()
        src.close()


def _image_pages(batch: Path, pages: tuple[int, ...]) -> bytes:
    from PIL import Image

    with Image.open(batch) as img:
        frames = []
        for p in pages:
            img.seek(p)
            frames.append(img.convert("RGB"))
    buf = io.BytesIO()
    frames[0].save(buf, format="PDF", save_all=True, append_images=frames[1:], resolution=200)
    return buf.getvalue()
