"""Benchmarks of the format intake (run by `python benchmarks/bench.py --formats`):

- convert_speedup: 20 .doc files through one long-lived LibreOffice (started, used, stopped) against a
  fresh `soffice --convert-to` per file (target ≥ 3);
- doc_check_ratio: `check` of 20 .doc files against the floor "convert with the same LibreOffice, then
  check the .docx" (target ≤ 1.3);
- doc_ingest_workers*: `gongkai ingest` of those 20 .doc files with --workers 1 and 2, each a fresh process
  (the run has one LibreOffice either way; 2 workers must not be slower);
- the OCR figures of bench_ocr.py (also alone: `bench.py --ocr-only`).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def make_docs(docx: list[Path], folder: Path) -> list[Path]:
    """The .docx drafts saved as Word 97 .doc by one soffice call (the inputs, not what is measured)."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="gongkai-bench-lo-"))
    try:
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to",
                        "doc:MS Word 97", "--outdir", str(folder), *map(str, docx)], check=True,
                       capture_output=True, timeout=600)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return sorted(folder.glob("*.doc"))


def measure_convert(docs: list[Path], out: Path, rounds: int) -> dict:
    from pipeline.read.libreoffice import ConvertSettings, OneShotConverter, UnoConverter, find_soffice, find_uno_python

    soffice = find_soffice(ConvertSettings())
    python = find_uno_python(soffice, ConvertSettings())
    assert python, "python3-uno is needed for the long-lived converter"
    out.mkdir(parents=True, exist_ok=True)

    def long_lived() -> None:
        conv = UnoConverter(soffice, python, 60)
        try:
            for d in docs:
                conv.convert(d, out / f"{d.stem}.docx", "doc")
        finally:
            conv.stop()

    def fresh() -> None:
        conv = OneShotConverter(soffice, 60)
        for d in docs:
            conv.convert(d, out / f"{d.stem}.docx", "doc")

    uno = one = float("inf")
    for _ in range(rounds):
        uno = min(uno, _timed(long_lived))
        one = min(one, _timed(fresh))
    return {"convert_uno_s": uno, "convert_fresh_soffice_s": one, "convert_speedup": one / uno}


def measure_doc_check(docs: list[Path], out: Path, rounds: int) -> dict:
    """Both sides with the same warm LibreOffice, in alternating order (the machine is shared and noisy)."""
    from pipeline.check import check_file
    from pipeline.read import _RECENT, libreoffice
    from pipeline.rules import load_rules

    rules = load_rules()
    out.mkdir(parents=True, exist_ok=True)
    check = floor = float("inf")
    for n in range(rounds):
        with libreoffice.session():
            conv = libreoffice._current().get()
            conv.convert(docs[0], out / "warm.docx", "doc")  # LibreOffice started before either side is timed

            def ours() -> None:
                _RECENT.clear()
                for d in docs:
                    check_file(d, rules)

            def floor_run(conv=conv) -> None:
                _RECENT.clear()
                for d in docs:
                    target = out / f"{d.stem}.docx"
                    conv.convert(d, target, "doc")
                    check_file(target, rules)

            if n % 2:
                check = min(check, _timed(ours))
                floor = min(floor, _timed(floor_run))
            else:
                floor = min(floor, _timed(floor_run))
                check = min(check, _timed(ours))
    return {"doc_check_s": check, "doc_check_floor_s": floor, "doc_check_ratio": check / floor}


def measure_ingest_workers(docs: list[Path], base: Path, rounds: int) -> dict:
    """`gongkai ingest --workers N` of a folder of .doc files, each run a fresh process and workspace."""
    import sys

    best: dict[int, float] = {}
    for r in range(rounds):
        for workers in (1, 2):
            ws = base / f"ws{workers}_{r}"
            subprocess.run([sys.executable, "-m", "cli", "init", str(ws)], check=True, capture_output=True,
                           cwd=Path(__file__).resolve().parents[1])
            for d in docs:
                shutil.copyfile(d, ws / "inbox" / d.name)
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "cli", "-w", str(ws), "ingest", "--workers", str(workers)],
                           check=True, capture_output=True, cwd=Path(__file__).resolve().parents[1], timeout=900)
            best[workers] = min(best.get(workers, float("inf")), time.perf_counter() - t)
            left = list((ws / "inbox").iterdir())
            assert not left, f"inbox not emptied: {left}"
    return {"doc_ingest_workers1_s": best[1], "doc_ingest_workers2_s": best[2],
            "doc_ingest_workers2_speedup": best[1] / best[2]}


def scanned_pages(pdfs: list[Path], folder: Path, dpi: int) -> list[Path]:
    """Page 1 of each text PDF rasterised (pdftoppm) and wrapped as a picture-only PDF, as a copier scans."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for pdf in pdfs:
        stem = folder / f"{pdf.stem}_{dpi}"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", "-f", "1", "-l", "1",
                        str(pdf), str(stem)], check=True, capture_output=True, timeout=120)
        with Image.open(f"{stem}.png") as im:
            im.save(f"{stem}.pdf", "PDF", resolution=float(dpi))
        out.append(Path(f"{stem}.pdf"))
    return out


def measure_formats(drafts: list[Path], base: Path, rounds: int = 3, parts: tuple[str, ...] = ("doc", "ocr")) -> dict:
    r: dict = {"load_before": os.getloadavg()[0]}
    if "doc" in parts:
        docx = [d for d in drafts if d.suffix == ".docx"][:20]
        docs = make_docs(docx, base / "docs")
        r["doc_files"] = len(docs)
        r.update(measure_convert(docs, base / "converted", rounds))
        r.update(measure_doc_check(docs, base / "floor", rounds))
        r.update(measure_ingest_workers(docs, base / "ingest", rounds))
    if "ocr" in parts:
        from bench_ocr import measure_ocr

        pdfs = [d for d in drafts if d.suffix == ".pdf"][:10]
        r.update(measure_ocr(pdfs, base / "scans", rounds))
    r["load_after"] = os.getloadavg()[0]
    return r
