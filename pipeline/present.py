"""What the clerk reads: reports and items as plain Chinese text for the terminal."""
from __future__ import annotations

from .model import SEVERITIES, SEVERITY_NAMES, Report

FIELD_NAMES = (
    ("title", "标题"), ("doc_number", "发文字号"), ("date", "成文日期"), ("issuer", "发文机关"),
    ("secrecy", "密级"), ("disclosure_note", "附注"), ("category_name", "内容类别"),
)
APP_NAMES = (("scope", "公开范围"), ("form", "公开形式"), ("period", "公开时限"), ("applicant", "申请人"))
TIMING_NAMES = {"periodic": "规定性工作（定期公开）", "phase": "阶段性工作", "temporary": "临时性工作（随时公开）"}


def format_report(r: Report) -> str:
    lines = [f"■ {r.file}"]
    if r.status != "ok":
        lines.append(f"  结论：无法检查 —— {r.error.message if r.error else ''}")
        return "\n".join(lines)
    md = r.metadata
    assert md is not None
    for key, name in FIELD_NAMES:
        value = getattr(md, key)
        if key == "secrecy" and value:
            value = value + (f"★{md.secrecy_period}" if md.secrecy_period else "")
        if key == "category_name" and value:
            value = f"第{md.category}类 {value}"
        lines.append(f"  {name}：{value if value else '（未识别）' if key in ('title', 'date', 'issuer') else '无'}")
    if md.application:
        for key, name in APP_NAMES:
            lines.append(f"  {name}：{getattr(md.application, key) or '（空）'}")
    if r.timing and r.timing.kind:
        due = f"，应于 {r.timing.due} 前公开" if r.timing.due else ""
        lines.append(f"  时限类别：{TIMING_NAMES[r.timing.kind]}{due}")
    lines += _findings(r)
    lines.append(f"  结论：{r.verdict}")
    return "\n".join(lines)


def _findings(r: Report) -> list[str]:
    if not r.findings:
        return ["  检查结果：未发现问题"]
    out = [f"  检查结果：发现 {len(r.findings)} 个问题"]
    for sev in SEVERITIES:
        group = [f for f in r.findings if f.severity == sev]
        if group:
            out.append(f"  【{SEVERITY_NAMES[sev]}】")
            for f in group:
                out.append(f"    - {f.message}")
                out.append(f"      位置：{f.location}　原文：“{f.evidence}”")
    return out


def summary_line(reports: list[Report]) -> str:
    n = len(reports)
    err = sum(r.status != "ok" for r in reports)
    blocked = sum(r.disclosable is False for r in reports)
    ok = n - err - blocked
    return f"共检查 {n} 个文件：可公开（含需履行程序或修改）{ok} 个，不得公开 {blocked} 个，无法检查 {err} 个。"
