"""Hostile section of the benchmark: the worst files of issue 9 §4, full size, each checked by
`check_file` in a fresh process (the real path: the parent hands the file to the bounded read worker).

For each: the outcome (error code, or ok + what it found), wall time of the check (the worker already up),
peak RSS of the checking process and of the read worker. Target: each ≤ 10 s and ≤ 500 MB.

    python benchmarks/bench.py --hostile-only [--json FILE]
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import hostile  # noqa: E402  (tests/hostile.py: the same generators the tests use, at full size)

SENTENCE = "局党组坚持民主集中制，凡属重大决策、重要干部任免、重大项目安排和大额度资金使用事项，必须集体讨论决定。"  # 50 chars
CASES = [  # name, file name, maker
    ("zip bomb: a part declared and inflating to 1 GiB", "bomb.docx", lambda p: hostile.bomb_entry_docx(p, 1024)),
    ("lying size: document.xml says 4 KB, inflates to 1.5 GiB", "lying.docx", lambda p: hostile.lying_docx(p, 1536)),
    ("billion laughs (DOCTYPE with nested entities)", "laughs.docx", lambda p: hostile.doctype_docx(p, "laughs")),
    ("external entity (file:///etc/passwd)", "xxe.docx", lambda p: hostile.doctype_docx(p, "external")),
    ("5.5 million one-character paragraphs (190 MB document.xml)", "paras.docx",
     lambda p: hostile.paragraphs_docx(p, 5_500_000)),
    ("9,500 paragraphs of 102 characters (969,000): under every cap, read and checked in full",
     "under_cap.docx", lambda p: hostile.paragraphs_docx(p, 9_500, SENTENCE * 2)),
    ("2 million characters in 19,900 paragraphs: over the character cap, refused after reading",
     "over_chars.docx", lambda p: hostile.paragraphs_docx(p, 19_900, SENTENCE * 2)),
    ("124,000 paragraphs: over the paragraph cap, counted from the bytes", "over_cap.docx",
     lambda p: hostile.paragraphs_docx(p, 124_000)),
    ("content controls nested 100,000 deep", "nested.docx", lambda p: hostile.nested_docx(p, 100_000)),
    ("100,000 zip entries", "entries.docx", lambda p: hostile.many_entries_docx(p, 100_000)),
    ("PDF stream bomb: 1.5 MB file, stream inflates to 1.5 GiB", "bomb.pdf", lambda p: hostile.stream_bomb_pdf(p, 1536)),
    ("PDF page of 300,000 text operators (4 KB file)", "slow.pdf", lambda p: hostile.slow_page_pdf(p, 300_000)),
    ("PDF arrays nested 100,000 deep", "nested.pdf", lambda p: hostile.nested_array_pdf(p, 100_000)),
    ("PDF of 20 such slow pages (the second slow page fails the file)", "slow20.pdf",
     lambda p: hostile.many_slow_pages_pdf(p, 20, 300_000)),
    ("scan of 35,000² 1-bit pixels on a 3 m page (5 KB, CCITT): rendered at 2000², OCR'd", "hugemono.pdf",
     lambda p: hostile.huge_mono_pdf(p, 35_000)),
    ("scan of 9,000² RGB pixels (232 MB decoded, 237 KB file): not decoded, the page unchecked", "hugergb.pdf",
     lambda p: hostile.huge_rgb_pdf(p, 9_000)),
]
CATASTROPHIC_RULES = '[docno]\npattern = \'^(\\w+\\s?)+$\'\n'

RUNNER = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r}); sys.path.insert(0, {tests!r})
from pathlib import Path
from fixtures import official_doc
from pipeline.check import check_file
from pipeline.errors import GongkaiError
from pipeline.read import worker
from pipeline.rules import load_rules
rules_file = {rules!r}
t = time.perf_counter()
try:
    rules = load_rules(Path(rules_file) if rules_file else None)
except GongkaiError as e:
    print(json.dumps({{"outcome": e.code, "message": e.message, "s": time.perf_counter() - t,
                      "parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "reader_mb": 0}}))
    raise SystemExit
check_file(official_doc(Path({warm!r})), rules)  # the worker is up and has read one draft
t = time.perf_counter()
r = check_file(Path({file!r}), rules)
took = time.perf_counter() - t
worker.stop_worker()
if r.error:
    outcome, message = r.error.code, r.error.message
else:
    outcome = "ok: " + ",".join(sorted({{f.code for f in r.findings}})) 
    message = next((f.message + " @" + f.location for f in r.findings if f.code == "NO_TEXT"), "")
print(json.dumps({{"outcome": outcome, "message": message, "s": took,
                  "parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "reader_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""


def run_case(base: Path, file: Path | None, rules: Path | None = None) -> dict:
    code = RUNNER.format(root=str(ROOT), tests=str(ROOT / "tests"), rules=str(rules) if rules else "",
                         warm=str(base / "warm.docx"), file=str(file) if file else "")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    if out.returncode:
        return {"outcome": "CRASH", "message": out.stderr[-500:], "s": 0, "parent_mb": 0, "reader_mb": 0}
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_hostile(base: Path) -> tuple[dict, list[dict]]:
    folder = base / "hostile"
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, file_name, make in CASES:
        path = folder / file_name
        t = time.perf_counter()
        make(path)
        made = time.perf_counter() - t
        row = {"case": name, "file_kb": path.stat().st_size / 1024, "make_s": made, **run_case(folder, path)}
        path.unlink()
        rows.append(row)
        print(f"  {row['s']:6.2f} s {max(row['parent_mb'], row['reader_mb']):6.0f} MB  {row['outcome']:<12} {name}",
              file=sys.stderr)
    rules = folder / "catastrophic.toml"
    rules.write_text(CATASTROPHIC_RULES, encoding="utf-8")
    rows.append({"case": "rules file with a catastrophic regex ^(\\w+\\s?)+$", "file_kb": 0, "make_s": 0,
                 **run_case(folder, None, rules)})
    worst_s = max(r["s"] for r in rows)
    worst_mb = max(max(r["parent_mb"], r["reader_mb"]) for r in rows)
    summary = {"hostile_worst_s": worst_s, "hostile_worst_mb": worst_mb,
               "hostile_over_10s": sum(r["s"] > 10 for r in rows),
               "hostile_over_500mb": sum(max(r["parent_mb"], r["reader_mb"]) > 500 for r in rows)}
    return summary, rows


def table(rows: list[dict]) -> str:
    lines = ["| 攻击文件 hostile file | 大小 | 结果 | 用时 | 峰值内存（检查进程 / 读取进程） |", "|---|---|---|---|---|"]
    for r in rows:
        size = f"{r['file_kb']:,.0f} KB" if r["file_kb"] else "—"
        lines.append(f"| {r['case']} | {size} | `{r['outcome']}` | {r['s']:.2f} 秒 | "
                     f"{r['parent_mb']:.0f} / {r['reader_mb']:.0f} MB |")
    return "\n".join(lines)
