"""Site figures for benchmarks/bench.py (--site, --site-only): `site build` for N items, the incremental
rebuild after one publish, and `serve` latency under 50 concurrent clients on 127.0.0.1.

The ledger is filled directly (record → review → publish through the workflow) from real .docx/.pdf drafts
made by bench.py's generator: checking 1,000 drafts is ingest's benchmark, not the site's."""
from __future__ import annotations

import hashlib
import shutil
import statistics
import threading
import time
import urllib.request
from datetime import date, datetime
from pathlib import Path

CLIENTS = 50
REQUESTS_PER_CLIENT = 40  # bounded: 2,000 requests in all
LOAD_TIMEOUT = 120.0


def fill_ledger(base: Path, n: int):
    import random

    from bench import make_docx, make_pdf
    from pipeline import workflow
    from pipeline.api import open_session
    from pipeline.model import Metadata, Report
    from pipeline.workdays import Clock, When
    from pipeline.workspace import init_workspace, load_workspace

    settings, _ = init_workspace(base / "site_ws")
    settings = load_workspace(settings.root)
    rng = random.Random(11)
    clock = Clock(fixed=datetime(2026, 11, 30, 10, 0))
    ids = []
    with open_session(settings, clock=Clock(fixed=datetime(2026, 11, 2, 9, 0))) as s:
        for i in range(1, n + 1):
            suffix = "pdf" if i % 10 == 0 else "docx"
            path = base / f"src{i}.{suffix}"
            (make_pdf if suffix == "pdf" else make_docx)(path, i + 1, rng)  # i+1: never the PII/secret variants' 7/23
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
            archived = settings.archive / sha[:12] / path.name
            archived.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, archived)
            md = Metadata(format=suffix, title=f"关于第{i}项党务工作事项安排情况的通知", doc_number=f"青科党〔2026〕{i}号",
                          date="2026-10-12", issuer="中共青川区科学技术局党组", category=i % 7 + 1)
            report = Report(path.name, sha, "ok", metadata=md)
            rec = s.ledger.record(report, path.name, str(archived.relative_to(settings.root)), "2026-12-31", "received")
            ids.append(rec.item_id)
    with open_session(settings, clock=clock) as s:
        for k, item_id in enumerate(ids):
            workflow.review(s.ledger, item_id, True, "陈先荣", "bureau", None, When(date(2026, 11, 3)))
            if k < n - 1:  # the last one is published by the incremental measurement
                workflow.publish(s.ledger, item_id, "outside", "章晓鸣", None, When(date(2026, 11, 4 + k % 20)))
    return settings, ids, clock


def measure_site(base: Path, n: int) -> dict:
    from pipeline import workflow
    from pipeline.api import build_site, open_session
    from pipeline.workdays import When

    settings, ids, clock = fill_ledger(base, n)
    today = date(2026, 11, 30)
    with open_session(settings, clock=clock) as s:
        t = time.perf_counter()
        full = build_site(s, today=today)
        cold = time.perf_counter() - t
        workflow.publish(s.ledger, ids[-1], "outside", "章晓鸣", None, When(date(2026, 11, 27)))
        t = time.perf_counter()
        inc = build_site(s, today=today)
        incremental = time.perf_counter() - t
    serve = measure_serve(settings, ids, today)
    return {"site_items": n, "site_build_s": cold, "site_files": full.written,
            "site_rebuild_after_publish_s": incremental, "site_rebuild_written": inc.written, **serve}


def measure_serve(settings, ids: list[str], today: date) -> dict:
    from pipeline.site.serve import make_server, shutdown

    server = make_server(settings, "127.0.0.1", 0, today=lambda: today)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    paths = ["/public/index.html", "/public/category/3.html", "/public/catalogue/2026.html"] + \
            [f"/public/items/{i}.html" for i in ids[:200]]
    lat: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + LOAD_TIMEOUT

    def client(k: int) -> None:
        nonlocal errors
        for r in range(REQUESTS_PER_CLIENT):
            if time.monotonic() > deadline:
                return
            url = base + urllib.request.quote(paths[(k * REQUESTS_PER_CLIENT + r) % len(paths)])
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=30) as resp:
                    resp.read()
                    ok = resp.status == 200
            except OSError:
                ok = False
            with lock:
                lat.append(time.perf_counter() - t)
                errors += not ok

    try:
        client(0)  # warm up
        lat.clear()
        threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
        started = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join(LOAD_TIMEOUT)
        wall = time.perf_counter() - started
    finally:
        shutdown(server, thread)
    lat.sort()
    return {"serve_requests": len(lat), "serve_errors": errors, "serve_p50_ms": 1000 * statistics.median(lat),
            "serve_p95_ms": 1000 * lat[int(0.95 * (len(lat) - 1))], "serve_rps": len(lat) / wall}
