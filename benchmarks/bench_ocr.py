"""OCR figures of issue 11 §3 (run by `python benchmarks/bench.py --ocr-only`, and within `--formats`):

- ocr_page_s_<dpi>: `check_file` of one scanned A4 page at 150 / 200 / 300 dpi, end to end (read worker,
  render, OCR, check; the worker and its models already loaded, as in an ingest) — target ≤ 3 s;
- ocr_ratio: checking the 200 dpi scans against rapidocr alone (`RapidOCR()(picture)`, its defaults) on the
  same page pictures gongkai renders — target ≤ 1.2; ocr_recognise_s: gongkai's own OCR call alone;
- ocr_page_cpu_s_200: the read worker's CPU seconds per 200 dpi page (what the load of other programs on a
  shared machine does not change);
- ocr_worker_peak_mb: the read worker's peak resident memory over all of it;
- ocr_runs_on_text_pdfs: text PDFs whose check used OCR (must be 0).

The scans are the generated drafts' first pages rasterised by pdftoppm (grey, as a copier scans) and
wrapped as picture-only PDFs. Every figure is the best of `rounds`, the two sides of a ratio alternating;
each check reads a fresh copy (one byte more), so no cache of the worker answers it.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _fresh(path: Path, n: int) -> Path:
    """A copy of the PDF with a comment after %%EOF: the same pages, another sha256 (no cache hit)."""
    out = path.with_name(f"{path.stem}_r{n}.pdf")
    shutil.copyfile(path, out)
    with out.open("ab") as f:
        f.write(f"\n%round {n}\n".encode())
    return out


def _worker_status(key: str) -> float:
    from pipeline.read import worker

    proc = worker._WORKER._proc if worker._WORKER is not None else None
    if proc is None:
        return 0.0
    with open(f"/proc/{proc.pid}/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    return 0.0


def _worker_cpu_s() -> float:
    from pipeline.read import worker

    proc = worker._WORKER._proc if worker._WORKER is not None else None
    with open(f"/proc/{proc.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    import os

    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def measure_ocr(pdfs: list[Path], folder: Path, rounds: int = 3) -> dict:
    import numpy as np
    from rapidocr_onnxruntime import RapidOCR

    from bench_formats import scanned_pages
    from pipeline.check import check_file
    from pipeline.read import ocr
    from pipeline.read.limits import Limits
    from pipeline.rules import load_rules

    rules = load_rules()
    limits = Limits()
    scans = scanned_pages(pdfs[:5], folder / "200", 200)
    pictures = [ocr.render_pdf_pages(s, [1], limits.max_ocr_pixels, limits.max_unzipped_bytes, grayscale=True)[0].image
                for s in scans]
    arrays = [np.asarray(p.convert("RGB")) for p in pictures]
    plain = RapidOCR()
    plain(arrays[0])  # models loaded and warm before timing
    ocr.engine()
    check_file(_fresh(scans[0], 0), rules)  # the worker started and its models loaded
    base = full = ours = float("inf")
    cpu = float("inf")
    for n in range(1, rounds + 1):
        copies = [_fresh(s, n) for s in scans]
        base = min(base, _timed(lambda: [plain(a, return_word_box=True) for a in arrays]))
        c0 = _worker_cpu_s()
        full = min(full, _timed(lambda copies=copies: [check_file(c, rules) for c in copies]))
        cpu = min(cpu, (_worker_cpu_s() - c0) / len(copies))
        ours = min(ours, _timed(lambda: [ocr.recognise(p) for p in pictures]))
    r = {"ocr_pages": len(scans), "ocr_rapidocr_alone_s": base, "ocr_recognise_s": ours, "ocr_check_s": full,
         "ocr_ratio": full / base, "ocr_page_cpu_s_200": cpu}
    for dpi in (150, 200, 300):
        page = scanned_pages(pdfs[:1], folder / f"one{dpi}", dpi)[0]
        r[f"ocr_page_s_{dpi}"] = min(_timed(lambda n=n, page=page: check_file(_fresh(page, 100 + n), rules))
                                     for n in range(rounds))
    used = [p.name for p in pdfs if check_file(p, rules).metadata.ocr]
    r["ocr_runs_on_text_pdfs"] = len(used)
    r["ocr_worker_peak_mb"] = _worker_status("VmHWM:")
    return r
