"""Batch work on several cores: `--workers N` runs the checks and the document rendering in a process
pool while the main process alone touches the ledger and moves files, in the same order as the
one-worker path (record → archive → render), so a crash is recovered the same way."""
from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

from . import documents
from .check import check_file
from .inbox import Claim, special_kind
from .intake import (BUSY, Outcome, Read, display_name, prune_empty_dirs, read_inbox_file, refuse,
                     settle_read, written)
from .model import Report
from .read import convert_ahead, is_ignorable, libreoffice
from .rules import Rules

T = TypeVar("T")
R = TypeVar("R")


def bounded_map(pool: ProcessPoolExecutor, fn: Callable[..., R], items: Iterable[T], *args,
                window: int = 8) -> Iterator[tuple[T, R]]:
    """pool.map with at most `window` tasks in flight, in input order: memory stays flat in N."""
    pending: deque[tuple[T, Future]] = deque()
    for item in items:
        pending.append((item, pool.submit(fn, item, *args)))
        if len(pending) >= window:
            first, fut = pending.popleft()
            yield first, fut.result()
    while pending:
        first, fut = pending.popleft()
        yield first, fut.result()


# A worker process receives the rules once, at start, instead of with every task: a check takes
# ~20 ms, and pickling the rules with each one ate most of the second core's gain.
_WORKER_RULES: Rules | None = None


def _init_worker(rules: Rules, conversions: tuple | None = None) -> None:
    global _WORKER_RULES
    _WORKER_RULES = rules
    libreoffice.adopt(conversions)  # the run's converted .doc/.wps/…: one LibreOffice, in the main process


def _read_one(path: Path) -> Read:
    assert _WORKER_RULES is not None
    return read_inbox_file(path, _WORKER_RULES)


def _render_one(job: documents.RenderJob) -> documents.JobResult:
    assert _WORKER_RULES is not None
    return documents.run_job(job, _WORKER_RULES)


def _pool(workers: int, rules: Rules) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(rules, libreoffice.shared()))


def _check_chunk(paths: list[Path]) -> list[Report]:
    assert _WORKER_RULES is not None
    return [check_file(p, _WORKER_RULES) for p in paths]


def check_many(paths: list[Path], rules: Rules, workers: int, chunk: int = 4) -> list[Report]:
    if workers <= 1:
        return [check_file(p, rules) for p in paths]
    def converted(chunks: Iterable[list[Path]]) -> Iterator[list[Path]]:
        for c in chunks:  # legacy formats converted here by the run's one LibreOffice, just before a worker reads them
            for p in c:
                convert_ahead(p, rules.limits)
            yield c

    chunks = [paths[i:i + chunk] for i in range(0, len(paths), chunk)]
    with _pool(workers, rules) as pool:
        return [r for _, rs in bounded_map(pool, _check_chunk, converted(chunks), window=2 * workers) for r in rs]


def ingest_many(session, files: list[Path], workers: int,
                on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    s = session
    outcomes: list[Outcome] = []
    renders: deque[tuple[documents.RenderJob, Future]] = deque()

    def finish_renders(keep: int) -> None:
        while len(renders) > keep:
            job, fut = renders.popleft()
            documents.finish(s.settings, s.ledger, job, fut.result())

    with _pool(workers, s.rules) as pool:
        def render(settings, ledger, item_id: str) -> None:
            for job in documents.ingest_jobs(settings, ledger, item_id):
                renders.append((job, pool.submit(_render_one, job)))
            finish_renders(keep=4 * workers)

        ready, unfinished = written(s.settings, files)
        for path in ready:  # symlinks and special files: moved aside here, never opened by a worker
            kind = None if is_ignorable(path.name) else special_kind(path)
            if kind is not None:
                outcomes.append(refuse(s.settings, s.ledger, path, kind))
        claims: dict[Path, Claim] = {}

        def claimed(paths: list[Path]) -> Iterator[Path]:
            """Claim each file just before a worker reads it; one another process holds is left to it."""
            for path in paths:
                claim = Claim(path)
                if claim.acquire():
                    claims[path] = claim
                    convert_ahead(path, s.rules.limits)  # by the run's one LibreOffice, here in the main process
                    yield path
                else:
                    outcomes.append(Outcome(display_name(s.settings, path), "busy", message=BUSY))

        todo = [f for f in ready if not is_ignorable(f.name) and special_kind(f) is None]
        for path, read in bounded_map(pool, _read_one, claimed(todo), window=4 * workers):
            try:
                outcome = settle_read(s.settings, s.ledger, path, read, render)
            finally:
                claims.pop(path).release()
            outcomes.append(outcome)
            if on_done:
                on_done(outcome)
        finish_renders(keep=0)
    skipped = [Outcome(display_name(s.settings, f), "skipped", message="临时/锁文件，已忽略")
               for f in files if is_ignorable(f.name)]
    prune_empty_dirs(s.settings.inbox)
    return outcomes + unfinished + skipped


def generate_many(session, jobs: Iterable[documents.RenderJob], workers: int,
                  on_done: Callable[[documents.RenderJob], None] | None = None) -> list[Path]:
    s = session
    out = []
    with _pool(workers, s.rules) as pool:
        for job, result in bounded_map(pool, _render_one, jobs, window=4 * workers):
            out.append(documents.finish(s.settings, s.ledger, job, result))
            if on_done:
                on_done(job)
    return out
