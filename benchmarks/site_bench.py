"""Site figures for benchmarks/bench.py (--site, --site-only): `site build` for N items, the incremental
rebuild after one publish, and `serve` latency under 50 concurrent clients on 127.0.0.1.

The ledger is filled directly (record → review → publish through the workflow) from real .docx/.pdf drafts
made by bench.py's generator: checking 1,000 drafts is ingest's benchmark, not the site's. Each draft gets
its real 公开稿 (pipeline/redact.py: sanitised, masked, re-checked), recorded as the ledger's artifact, so
the public column converts 公开稿 and the inside column originals, as in a workspace.

Each document is converted when its item is published (site/build.py prepare_documents, as api.publish
does), so the build figures are min-of-`repeat` on copies of one filled workspace: the first build (no site
folder; the documents converted at publication), the build of a workspace whose documents were never
converted (no site folder, no conversions: an upgrade from a version that converted at build time), the
rebuild with nothing changed, and publishing one more item (its conversion included) with the rebuild."""
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
    from pipeline.public import view
    from pipeline.redact import redact_copy
    from pipeline.site.build import prepare_documents
    from pipeline.workdays import Clock, When
    from pipeline.workspace import init_workspace, load_workspace

    settings, _ = init_workspace(base / "site_ws")
    settings = load_workspace(settings.root)
    rng = random.Random(11)
    clock = Clock(fixed=datetime(2026, 11, 30, 10, 0))
    ids = []
    with open_session(settings, clock=Clock(fixed=datetime(2026, 11, 2, 9, 0))) as s:
        pv = view(settings, s.rules)
        for i in range(1, n + 1):
            suffix = "pdf" if i % 10 == 0 else "docx"
            path = base / f"src{i}.{suffix}"
            (make_pdf if suffix == "pdf" else make_docx)(path, 7 * i + 1, rng)  # never the generator's PII variant (7k)
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
            archived = settings.archive / sha[:12] / path.name
            archived.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, archived)
            md = Metadata(format=suffix, title=f"关于第{i}项党务工作事项安排情况的通知", doc_number=f"青科党〔2026〕{i}号",
                          date="2026-10-12", issuer="中共青川区科学技术局党组", category=i % 7 + 1)
            report = Report(path.name, sha, "ok", metadata=md)
            rel = str(archived.relative_to(settings.root))
            rec = s.ledger.record(report, path.name, rel, "2026-12-31", "received")
            copy = redact_copy(archived, settings.outbox / f"{rec.item_id}-公开稿.docx", pv, md.title)
            assert copy.passed, copy.problems
            s.ledger.add_artifact(rec.item_id, rec.version, "redacted", str(copy.path.relative_to(settings.root)),
                                  hashlib.sha256(copy.path.read_bytes()).hexdigest())
            ids.append(rec.item_id)
    with open_session(settings, clock=clock) as s:
        for k, item_id in enumerate(ids):
            workflow.review(s.ledger, item_id, True, "陈先荣", "bureau", None, When(date(2026, 11, 3)))
            if k < n - 1:  # the last one is published by the incremental measurement
                workflow.publish(s.ledger, item_id, "outside", "章晓鸣", s.rules, When(date(2026, 11, 4 + k % 20)))
                prepare_documents(settings, s.ledger, s.rules, item_id)  # as api.publish does
    return settings, ids, clock


def _timed(fn) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process and its finished children, result)."""
    import os

    t, c = time.perf_counter(), os.times()
    result = fn()
    d = os.times()
    cpu = (d.user - c.user) + (d.system - c.system) + (d.children_user - c.children_user) \
        + (d.children_system - c.children_system)
    return time.perf_counter() - t, cpu, result


def measure_site(base: Path, n: int, repeat: int = 3) -> dict:
    """min-of-`repeat` figures, each round on a fresh copy of the filled workspace."""
    from pipeline import workflow
    from pipeline.api import build_site, open_session
    from pipeline.site.build import prepare_documents
    from pipeline.workdays import When
    from pipeline.workspace import load_workspace

    filled, ids, clock = fill_ledger(base, n)
    today = date(2026, 11, 30)
    rounds: dict[str, list[tuple[float, float]]] = {"first": [], "unconverted": [], "unchanged": [], "publish": []}
    counts: dict[str, int] = {}
    for r in range(repeat):
        root = base / f"round{r}"
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(filled.root, root)
        settings = load_workspace(root)
        with open_session(settings, clock=clock) as s:
            # the first build: no site folder; every document was converted when it was published
            wall, cpu, full = _timed(lambda: build_site(s, today=today))
            rounds["first"].append((wall, cpu))
            shutil.rmtree(root / "site")  # a workspace whose documents were never converted (an upgrade)
            shutil.rmtree(root / ".cache" / "site-html")
            wall, cpu, fresh = _timed(lambda: build_site(s, today=today))
            rounds["unconverted"].append((wall, cpu))
            wall, cpu, same = _timed(lambda: build_site(s, today=today))
            rounds["unchanged"].append((wall, cpu))

            def publish_one(s=s):
                workflow.publish(s.ledger, ids[-1], "outside", "章晓鸣", s.rules, When(date(2026, 11, 27)))
                prepare_documents(s.settings, s.ledger, s.rules, ids[-1])  # as api.publish does
                return build_site(s, today=today)

            wall, cpu, inc = _timed(publish_one)
            rounds["publish"].append((wall, cpu))
        counts = {"site_files": full.written, "site_unconverted_written": fresh.written,
                  "site_unchanged_written": same.written, "site_rebuild_written": inc.written}
        if r < repeat - 1:
            shutil.rmtree(root, ignore_errors=True)
        settings_last = settings
    best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in rounds.items()}
    serve = measure_serve(settings_last, ids, today)
    return {"site_items": n, "site_repeat": repeat,
            "site_build_s": best["first"][0], "site_build_cpu_s": best["first"][1],
            "site_build_unconverted_s": best["unconverted"][0], "site_build_unconverted_cpu_s": best["unconverted"][1],
            "site_rebuild_unchanged_s": best["unchanged"][0], "site_rebuild_unchanged_cpu_s": best["unchanged"][1],
            "site_rebuild_after_publish_s": best["publish"][0], "site_rebuild_after_publish_cpu_s": best["publish"][1],
            **counts, **serve}


LOAD = r"""
import http.client, json, sys, threading, time
host, port, clients, per, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
paths = json.loads(sys.stdin.read())
lat, errors, lock = [], [0], threading.Lock()
deadline = time.monotonic() + timeout
start = threading.Barrier(clients)
def client(k):
    conn = http.client.HTTPConnection(host, port, timeout=30)  # one keep-alive connection per client, as a browser
    start.wait()
    for r in range(per):
        if time.monotonic() > deadline:
            return
        t = time.perf_counter()
        try:
            conn.request("GET", paths[(k * per + r) % len(paths)])
            resp = conn.getresponse(); resp.read(); ok = resp.status == 200
        except OSError:
            ok = False; conn.close(); conn = http.client.HTTPConnection(host, port, timeout=30)
        with lock:
            lat.append(time.perf_counter() - t); errors[0] += not ok
threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
t0 = time.perf_counter()
for th in threads: th.start()
for th in threads: th.join(timeout)
print(json.dumps({"lat": lat, "errors": errors[0], "wall": time.perf_counter() - t0}))
"""


def measure_serve(settings, ids: list[str], today: date) -> dict:
    """The load loop runs in its own process (its threads must not take the server's interpreter lock):
    CLIENTS keep-alive connections, REQUESTS_PER_CLIENT each, all stopped at LOAD_TIMEOUT."""
    import json
    import subprocess
    import sys
    from urllib.parse import quote

    from pipeline.site.serve import make_server, shutdown

    import logging

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # 50 clients on 8 threads: a queue is the point
    server = make_server(settings, "127.0.0.1", 0, today=lambda: today)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    paths = [quote(p) for p in ["/public/index.html", "/public/category/3.html", "/public/catalogue/2026.html"]
             + [f"/public/items/{i}.html" for i in ids[:200]]]
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.effective_port}{paths[0]}", timeout=30) as r:
            r.read()  # warm up
        out = subprocess.run([sys.executable, "-c", LOAD, "127.0.0.1", str(server.effective_port), str(CLIENTS),
                              str(REQUESTS_PER_CLIENT), str(LOAD_TIMEOUT)], input=json.dumps(paths),
                             capture_output=True, text=True, timeout=LOAD_TIMEOUT + 60)
    finally:
        shutdown(server, thread)
    res = json.loads(out.stdout)
    lat = sorted(res["lat"])
    return {"serve_requests": len(lat), "serve_errors": res["errors"], "serve_p50_ms": 1000 * statistics.median(lat),
            "serve_p95_ms": 1000 * lat[int(0.95 * (len(lat) - 1))], "serve_rps": len(lat) / res["wall"]}
