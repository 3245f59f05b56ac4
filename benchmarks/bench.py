"""gongkai benchmark: throughput, latency and memory against the libraries' own floor.

    python benchmarks/bench.py --n 100 --json bench.json [--mem]

Needs the test extra (reportlab makes the PDFs): pip install -e '.[test]'. Not part of the test suite.
Reports on stdout and writes to FILE: check_ratio, ingest_ratio, watch_p50_s, watch_p95_s,
watch_polling_p50_s, mem_mb_100 (and mem_mb_1000 with --mem; *_reader: the read worker process),
workers_speedup (ingest),
check_workers_speedup, generate_workers_speedup; and the hostile section (benchmarks/hostile_bench.py:
the worst files of issue 9 §4, each checked in a fresh process; its table on stderr, rows in FILE):
hostile_worst_s, hostile_worst_mb, hostile_over_10s, hostile_over_500mb. --hostile-only runs just that.
With --formats: only the .doc and OCR figures of bench_formats.py; --ocr-only: only the OCR figures (bench_ocr.py).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SENTENCES = [
    "为进一步加强局机关党的建设，根据区委统一部署，结合工作实际，制定本方案。",
    "局党组坚持民主集中制，凡属重大决策、重要干部任免、重大项目安排和大额度资金使用事项，必须集体讨论决定。",
    "各党支部要认真组织党员学习，按时足额缴纳党费，严格党费管理和使用。",
    "公示期为5个工作日，公示期间党员群众可通过来信、来电、来访等方式反映情况。",
    "监督电话：85820611，意见箱设在局机关一楼大厅。",
    "坚持以人为本、效劳大局，稳固保持先进性教育活动成果，以到达相互促进的良好效果。",
    "本季度共公开党务事项14项，其中党内公开6项，党外公开8项。",
    "对科技型中小企业研发投入给予补助，涉及全区企业和群众切身利益。",
    "联系人：王晓丽，联系电话：13905718826。",
    "时间为2023年lo月至11月份，完善各项制度，建立健全长效工作机制。",
]


def id_number(rng: random.Random) -> str:
    body = f"3301{rng.randint(10, 99)}19{rng.randint(60, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def paragraphs(i: int, rng: random.Random) -> tuple[str, list[str], list[list[str]]]:
    title = f"关于第{i}项党务工作事项安排情况的通知"
    n = rng.randint(8, 80)  # roughly 1 to 10 pages
    body = [f"（{k + 1}）{rng.choice(SENTENCES)}" for k in range(n)]
    if i % 7 == 0:
        body.insert(2, f"来信人身份证号{id_number(rng)}。")
    rows = [["项目", "数量", "备注"]] + [[f"事项{k}", str(rng.randint(1, 99)), "按期完成"] for k in range(rng.randint(0, 8))]
    head = [f"青科党{'[2023]' if i % 5 == 0 else '〔2023〕'}{i}号", title, "局机关各科室："]
    if i % 23 == 0:
        head.insert(0, "秘密★1年")
    return title, head + body + ["中共青川区科学技术局党组", "2023年9月12日"], rows if len(rows) > 1 else []


def make_docx(path: Path, i: int, rng: random.Random) -> None:
    import docx

    _, paras, rows = paragraphs(i, rng)
    d = docx.Document()
    for p in paras[:5]:
        d.add_paragraph(p)
    if rows:
        t = d.add_table(rows=len(rows), cols=3)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                t.cell(r, c).text = v
    for p in paras[5:]:
        d.add_paragraph(p)
    d.save(str(path))


def make_pdf(path: Path, i: int, rng: random.Random) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    _, paras, rows = paragraphs(i, rng)
    c = canvas.Canvas(str(path))
    y = 800
    for p in paras + ["　".join(r) for r in rows]:
        for k in range(0, len(p), 30):
            if y < 60:
                c.showPage()
                y = 800
            c.setFont("STSong-Light", 14)
            c.drawString(60, y, p[k:k + 30])
            y -= 22
    c.save()


def make_drafts(folder: Path, n: int, seed: int = 7) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    out = []
    for i in range(1, n + 1):
        path = folder / f"草稿{i:04d}.{'pdf' if i % 3 == 0 else 'docx'}"
        (make_pdf if path.suffix == ".pdf" else make_docx)(path, i, rng)
        out.append(path)
    return out


# ------------------------------------------------------------------ floors
def extract_floor(path: Path) -> str:
    if path.suffix == ".docx":
        import docx

        d = docx.Document(str(path))
        parts = [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]
        return "\n".join(parts)
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return "\n".join(pg.extract_text() or "" for pg in pdf.pages)


def render_floor(template: Path, out: Path) -> None:
    from docxtpl import DocxTemplate

    from pipeline.render import TEMPLATE_KEYS

    ctx = {k: "x" for k in TEMPLATE_KEYS["审批表"]}
    ctx.update(findings=[{"severity": "fix", "code": "GARBLE", "message": "m", "evidence": "e", "location": "l"}],
               need_district=False)
    tpl = DocxTemplate(str(template))
    tpl.render(ctx)
    tpl.save(str(out))


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


# A shared 2-core VM is noisy (the same pass varies by ±30 % from one run to the next), so every figure
# is the best of ROUNDS runs, and the runs of a pair being compared alternate.
ROUNDS = 3


# ------------------------------------------------------------------ measurements
def workspace(base: Path, drafts: list[Path], name: str, stable: float = 0.5):
    from pipeline.workspace import init_workspace

    root = base / name
    settings, _ = init_workspace(root)
    cfg = (root / "gongkai.toml").read_text(encoding="utf-8")
    cfg = cfg.replace("stable_seconds = 2.0", f"stable_seconds = {stable}")
    (root / "gongkai.toml").write_text(cfg, encoding="utf-8")
    for d in drafts:
        shutil.copy(d, settings.inbox / d.name)
    from pipeline.workspace import load_workspace

    return load_workspace(root)


def measure_check(drafts: list[Path]) -> dict:
    from pipeline.batch import check_many
    from pipeline.check import check_file
    from pipeline.rules import load_rules

    rules = load_rules()
    for d in drafts[:3]:  # warm imports and caches for both sides
        extract_floor(d), check_file(d, rules)
    floor = check = check2 = float("inf")
    for _ in range(ROUNDS):
        floor = min(floor, timed(lambda: [extract_floor(d) for d in drafts]))
        check = min(check, timed(lambda: [check_file(d, rules) for d in drafts]))
        check2 = min(check2, timed(lambda: check_many(drafts, rules, 2)))
    return {"check_s": check, "check_floor_s": floor, "check_ratio": check / floor,
            "check_workers_speedup": check / check2}


def measure_ingest(base: Path, drafts: list[Path]) -> dict:
    from pipeline.api import generate, open_session, run_ingest
    from pipeline.render import PACKAGED_TEMPLATES

    tpl = PACKAGED_TEMPLATES / "审批表.docx"
    out = base / "floor.docx"
    floor = float("inf")
    res: dict = {1: float("inf"), 2: float("inf"), "gen1": float("inf"), "gen2": float("inf")}
    for r in range(ROUNDS):
        floor = min(floor, timed(lambda: [(extract_floor(d), render_floor(tpl, out)) for d in drafts]))
        for workers in (1, 2):
            settings = workspace(base, drafts, f"ingest{workers}_{r}")
            with open_session(settings) as s:
                res[workers] = min(res[workers], timed(lambda: run_ingest(s, workers=workers)))
                res[f"gen{workers}"] = min(res[f"gen{workers}"], timed(lambda: generate(s, "forms", workers=workers)))
            shutil.rmtree(settings.root)
    return {"ingest_s": res[1], "ingest_floor_s": floor, "ingest_ratio": res[1] / floor,
            "workers_speedup": res[1] / res[2], "generate_workers_speedup": res["gen1"] / res["gen2"]}


def measure_watch(base: Path, drafts: list[Path], polling: bool, k: int = 15) -> list[float]:
    from pipeline.api import run_watch

    settings = workspace(base, [], f"watch{'P' if polling else 'I'}")
    stop = threading.Event()
    t = threading.Thread(target=run_watch, args=(settings, polling), kwargs={"stop": stop, "signals": False})
    t.start()
    time.sleep(1.0)
    lat = []
    staging = base / f"staging{polling}"
    staging.mkdir(exist_ok=True)
    for d in drafts[:k]:
        tmp = staging / d.name
        shutil.copy(d, tmp)
        start = time.perf_counter()
        os.rename(tmp, settings.inbox / d.name)  # a completed copy appears in the inbox at once
        while not any(settings.outbox.glob("*/*审批表.docx")) or \
                len(list(settings.outbox.glob("*/*审批表.docx"))) < len(lat) + 1:
            if time.perf_counter() - start > 30:
                break
            time.sleep(0.02)
        lat.append(time.perf_counter() - start - settings.stable_seconds)
    stop.set()
    t.join()
    return lat


def measure_memory(base: Path, n: int) -> tuple[float, float]:
    drafts = make_drafts(base / f"mem{n}_drafts", n)
    settings = workspace(base, drafts, f"mem{n}")
    code = "\n".join([
        "import resource, sys",
        f"sys.path.insert(0, {str(ROOT)!r})",
        "from pathlib import Path",
        "from pipeline.api import open_session, run_ingest",
        "from pipeline.workspace import load_workspace",
        f"with open_session(load_workspace(Path({str(settings.root)!r}))) as s:",
        "    run_ingest(s)",
        "from pipeline.read.worker import stop_worker",
        "stop_worker()  # reaped: its peak joins RUSAGE_CHILDREN",
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
    ])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    own, reader = out.stdout.strip().splitlines()[-1].split()
    return int(own) / 1024, int(reader) / 1024


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--json", dest="json_file")
    ap.add_argument("--mem", action="store_true", help="also measure peak memory of ingest for N=1000")
    ap.add_argument("--site", action="store_true", help="also measure site build / rebuild / serve for --site-n items")
    ap.add_argument("--site-only", action="store_true", help="measure only the site figures")
    ap.add_argument("--site-n", type=int, default=1000)
    ap.add_argument("--site-repeat", type=int, default=3, help="site figures: min of this many rounds")
    ap.add_argument("--hostile-only", action="store_true", help="measure only the hostile files (issue 9 §4)")
    ap.add_argument("--no-hostile", action="store_true", help="leave out the hostile files")
    ap.add_argument("--ocr-only", action="store_true", help="only the OCR figures (bench_ocr.py, issue 11 §3)")
    ap.add_argument("--formats", action="store_true",
                    help="only the format intake: .doc through LibreOffice, scans through OCR (bench_formats.py)")
    ap.add_argument("--formats-parts", default="doc,ocr", help="with --formats: doc, ocr or both (doc,ocr)")
    ap.add_argument("--rounds", type=int, default=3, help="with --formats: min of this many runs")
    a = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    if a.hostile_only:
        try:
            r = {"cores": os.cpu_count(), **hostile_section(base)}
        finally:
            shutil.rmtree(base, ignore_errors=True)
        return report(r, a.json_file)
    if a.site_only:
        from site_bench import measure_site

        try:
            r = {"cores": os.cpu_count(), "load_before": os.getloadavg()[0],
                 **measure_site(base, a.site_n, a.site_repeat), "load_after": os.getloadavg()[0]}
        finally:
            shutil.rmtree(base, ignore_errors=True)
        return report(r, a.json_file)
    try:
        if a.ocr_only:
            from bench_ocr import measure_ocr

            pdfs = [d for d in make_drafts(base / "drafts", 30) if d.suffix == ".pdf"]
            r = {"cores": os.cpu_count(), "load_before": os.getloadavg()[0], **measure_ocr(pdfs, base / "scans")}
            r["load_after"] = os.getloadavg()[0]
            return report(r, a.json_file)
        if a.formats:
            from bench_formats import measure_formats

            r = {"cores": os.cpu_count(), **measure_formats(make_drafts(base / "drafts", 30), base, a.rounds,
                                                                tuple(a.formats_parts.split(",")))}
            return report(r, a.json_file)
        drafts = make_drafts(base / "drafts", a.n)
        r: dict = {"n": a.n, "cores": os.cpu_count()}
        r.update(measure_check(drafts))
        r.update(measure_ingest(base, drafts))
        lat = measure_watch(base, drafts, polling=False)
        r.update(watch_p50_s=statistics.median(lat), watch_p95_s=pct(lat, 0.95))
        r["watch_polling_p50_s"] = statistics.median(measure_watch(base, drafts, polling=True))
        r["mem_mb_100"], r["mem_mb_100_reader"] = measure_memory(base, 100)
        if a.mem:
            r["mem_mb_1000"], r["mem_mb_1000_reader"] = measure_memory(base, 1000)
        if a.site:
            from site_bench import measure_site

            r.update(measure_site(base, a.site_n, a.site_repeat))
        if not a.no_hostile:
            r.update(hostile_section(base))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    report(r, a.json_file)


def hostile_section(base: Path) -> dict:
    """The hostile files: figures for the report, and the README table printed to stderr."""
    from hostile_bench import measure_hostile, table

    summary, rows = measure_hostile(base)
    print(table(rows), file=sys.stderr)
    return {**summary, "hostile": rows}


def report(r: dict, json_file: str | None) -> None:
    width = max(len(k) for k in r)
    for k, v in r.items():
        if isinstance(v, list):  # the hostile rows: in the JSON file, and as a table on stderr
            continue
        print(f"{k:<{width}}  {v:.3f}" if isinstance(v, float) else f"{k:<{width}}  {v}")
    if json_file:
        Path(json_file).write_text(json.dumps(r, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
