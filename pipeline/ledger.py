"""Stage 4 — record: the ledger, one SQLite file in the workspace.

WAL and a busy timeout let the watcher and the CLI write at once; migrations are recorded in the
database; events are append-only (triggers refuse UPDATE and DELETE); every state change is one
transaction that also checks the state it starts from, so a crash or a race never half-applies it."""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import NotFoundError, WorkflowError
from .model import Event, Item, Report
from .textutil import squeeze
from .workdays import Clock

MIGRATIONS: tuple[str, ...] = (
    # 1: items, versions, events (append-only)
    """
    CREATE TABLE items (
        id TEXT PRIMARY KEY, year INTEGER NOT NULL, seq INTEGER NOT NULL, status TEXT NOT NULL,
        title TEXT, doc_number TEXT, due TEXT, created TEXT NOT NULL, updated TEXT NOT NULL,
        UNIQUE (year, seq));
    CREATE TABLE versions (
        item_id TEXT NOT NULL REFERENCES items(id), version INTEGER NOT NULL, sha256 TEXT NOT NULL UNIQUE,
        file TEXT NOT NULL, archived TEXT NOT NULL, report TEXT NOT NULL, received TEXT NOT NULL,
        PRIMARY KEY (item_id, version));
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, item_id TEXT NOT NULL REFERENCES items(id), at TEXT NOT NULL,
        actor TEXT NOT NULL, action TEXT NOT NULL, from_state TEXT, to_state TEXT, comment TEXT, data TEXT);
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE INDEX events_item ON events(item_id, id);
    """,
    # 2: generated documents, feedback
    """
    CREATE TABLE artifacts (
        item_id TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (item_id, version, kind));
    CREATE TABLE feedback (
        id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, received TEXT, channel TEXT, person TEXT, contact TEXT,
        content TEXT NOT NULL, ref TEXT, source TEXT, source_row INTEGER, item_id TEXT REFERENCES items(id),
        answer TEXT, answered_by TEXT, answered_at TEXT, created TEXT NOT NULL);
    """,
    # 3: a short content summary per version, for the approval form
    "ALTER TABLE versions ADD COLUMN summary TEXT;",
    # 4: look items up by 发文字号 and by whitespace-free title instead of scanning every open item
    """
    ALTER TABLE items ADD COLUMN title_key TEXT;
    UPDATE items SET title_key = gk_squeeze(title);
    CREATE INDEX items_doc_number ON items(doc_number);
    CREATE INDEX items_title_key ON items(title_key);
    """,
    # 5: the workspace's own id (printed in form codes) and every approval-form code ever printed
    """
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT OR IGNORE INTO meta VALUES ('workspace_id', upper(hex(randomblob(4))));
    CREATE TABLE form_codes (
        code TEXT PRIMARY KEY, item_id TEXT NOT NULL REFERENCES items(id), version INTEGER NOT NULL,
        at TEXT NOT NULL);
    """,
    # 6: the register's own number of an opinion (its 编号 column, e.g. YJ2023-001), accepted by every command
    """
    ALTER TABLE feedback ADD COLUMN number TEXT;
    CREATE INDEX feedback_number ON feedback(number);
    """,
    # 7: every generated document with its hash and, for the re-checked 公开稿, the outcome of the re-check
    """
    ALTER TABLE artifacts ADD COLUMN sha256 TEXT;
    ALTER TABLE artifacts ADD COLUMN status TEXT NOT NULL DEFAULT 'ok';
    ALTER TABLE artifacts ADD COLUMN note TEXT;
    ALTER TABLE artifacts ADD COLUMN detail TEXT;
    """,
)
OPEN_STATES = ("received", "returned", "blocked")
IN_REVIEW_STATES = ("approved", "predisclosed")  # a revised draft restarts the review
PUBLISHED_STATES = ("disclosed_inside", "disclosed", "closed")  # a revised draft is a 更正 with its own review


@dataclass(frozen=True)
class Recorded:
    item_id: str
    version: int
    new_item: bool
    status: str
    correction: bool = False  # a 更正 of an item already published


@dataclass(frozen=True)
class FeedbackRecord:
    id: str
    received: str | None
    channel: str | None
    person: str | None
    content: str
    ref: str | None
    item_id: str | None
    answer: str | None
    answered_by: str | None
    answered_at: str | None
    contact: str | None = None
    number: str | None = None  # the register's own 编号


@dataclass(frozen=True)
class Artifact:
    """A generated document as the ledger knows it. status: "ok", or "failed" with the reason in note
    (a 公开稿 that did not pass its re-check, not left in outbox/)."""

    item_id: str
    version: int
    kind: str  # form, redacted, report, predisclosure, notice_inside, notice_outside, response_YJ-0001, results …
    path: str  # relative to the workspace root
    sha256: str | None
    at: str  # ISO time it was written
    status: str = "ok"
    note: str | None = None  # why it failed, in Chinese
    detail: dict | None = None  # structured extras: for the 公开稿 {"removed": [...]}


class Ledger:
    def __init__(self, path: Path, clock: Clock | None = None):
        self.path = path
        self.clock = clock or Clock()
        self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=30000")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.create_function("gk_squeeze", 1, lambda t: squeeze(t) if t else None, deterministic=True)
        self._migrate()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE: take the write lock first, so two writers queue instead of deadlocking."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        with self.tx() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TEXT)")
            done = {r[0] for r in db.execute("SELECT version FROM schema_migrations")}
            for n, sql in enumerate(MIGRATIONS, start=1):
                if n not in done:
                    for stmt in _statements(sql):
                        db.execute(stmt)
                    db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (n, self.clock.stamp()))

    # ------------------------------------------------------------------ drafts
    def version_by_sha(self, sha: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM versions WHERE sha256 = ?", (sha,)).fetchone()

    def record(self, report: Report, file: str, archived: str, due: str | None, status: str,
               actor: str = "系统", summary: str | None = None,
               for_item: str | None = None) -> Recorded:
        """A checked draft becomes a new item, or a new version of the item it corrects."""
        md = report.metadata
        title = md.title if md else None
        docno = md.doc_number if md else None
        at = self.clock.stamp()
        with self.tx() as db:
            if db.execute("SELECT 1 FROM versions WHERE sha256 = ?", (report.sha256,)).fetchone():
                raise WorkflowError("这份文稿已经登记过（内容完全相同）。", "DUPLICATE")
            prior = self._named_item(for_item) or self._item_to_correct(title, docno, OPEN_STATES) \
                or self._item_to_correct(title, docno, IN_REVIEW_STATES + PUBLISHED_STATES)
            correction = prior is not None and prior["status"] in PUBLISHED_STATES
            payload = json.dumps(report.to_json(), ensure_ascii=False)
            if prior is None:
                item_id = self._new_id(int(at[:4]))  # the year of registration
                db.execute("INSERT INTO items (id, year, seq, status, title, doc_number, due, created, updated, title_key)"
                           " VALUES (?,?,?,?,?,?,?,?,?,?)",
                           (item_id, int(item_id[3:7]), int(item_id[8:]), status, title, docno, due, at, at,
                            squeeze(title) if title else None))
                version, old = 1, None
            else:
                item_id, old = prior["id"], prior["status"]
                version = db.execute("SELECT MAX(version) FROM versions WHERE item_id=?", (item_id,)).fetchone()[0] + 1
                db.execute("UPDATE items SET status=?, title=?, doc_number=?, due=?, updated=?, title_key=? WHERE id=?",
                           (status, title, docno, due, at, squeeze(title) if title else None, item_id))
            db.execute("INSERT INTO versions VALUES (?,?,?,?,?,?,?,?)",
                       (item_id, version, report.sha256, file, archived, payload, at, summary))
            if version == 1:
                action = "登记"
            elif correction:
                action = f"收到更正稿（第{version}版，更正已公开的第{version - 1}版，须重新审核后公开）"
            else:
                action = f"收到修改稿（第{version}版）"
            self._event(item_id, actor, action, old, status, file,
                        {"kind": "version", "version": version, "date": at, **({"correction": True} if correction else {})})
        return Recorded(item_id, version, prior is None, status, correction)

    def _named_item(self, item_id: str | None) -> sqlite3.Row | None:
        """An open item a file names itself a version of (GK-2026-0012_录入稿.docx: the typed transcript
        of a scan), else None."""
        if not item_id:
            return None
        marks = ",".join("?" * len(OPEN_STATES))
        return self.db.execute(f"SELECT * FROM items WHERE id = ? AND status IN ({marks})",
                               (item_id.upper(), *OPEN_STATES)).fetchone()

    def _item_to_correct(self, title: str | None, docno: str | None, states: tuple[str, ...]) -> sqlite3.Row | None:
        """An item in one of `states` the new draft is a corrected version of: same 发文字号, else same title
        (unless both carry a 发文字号 and they differ: then they are two documents)."""
        marks = ",".join("?" * len(states))
        if docno:
            hit = self.db.execute(f"SELECT * FROM items WHERE doc_number = ? AND status IN ({marks})"
                                  " ORDER BY created DESC LIMIT 1", (docno, *states)).fetchone()
            if hit:
                return hit
        if not title or not squeeze(title):
            return None
        return self.db.execute(
            f"SELECT * FROM items WHERE title_key = ? AND status IN ({marks})"
            " AND (? IS NULL OR doc_number IS NULL OR doc_number = ?) ORDER BY created DESC LIMIT 1",
            (squeeze(title), *states, docno, docno)).fetchone()

    def _new_id(self, year: int) -> str:
        seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM items WHERE year = ?", (year,)).fetchone()[0]
        return f"GK-{year}-{seq:04d}"

    def _event(self, item_id: str, actor: str, action: str, old: str | None, new: str | None,
               comment: str | None = None, data: dict | None = None) -> None:
        self.db.execute(
            "INSERT INTO events (item_id, at, actor, action, from_state, to_state, comment, data) VALUES (?,?,?,?,?,?,?,?)",
            (item_id, self.clock.stamp(), actor, action, old, new, comment,
             json.dumps(data, ensure_ascii=False) if data else None))

    # ------------------------------------------------------------------ state changes
    def transition(self, item_id: str, expected: str, new: str, actor: str, action: str,
                   comment: str | None = None, data: dict | None = None) -> None:
        """Move an item from `expected` to `new` and log it, atomically; refuse if it moved meanwhile."""
        with self.tx() as db:
            cur = db.execute("UPDATE items SET status=?, updated=? WHERE id=? AND status=?",
                             (new, self.clock.stamp(), item_id, expected))
            if cur.rowcount != 1:
                raise WorkflowError(f"{item_id} 的状态已被其他操作改变，请重新查看（gongkai show {item_id}）后再试。")
            self._event(item_id, actor, action, expected, new, comment, data)

    def set_category(self, item_id: str, version: int, code: int, name: str, actor: str) -> None:
        """The reviewer's content category for the item's current version: written into its recorded
        report (category and category_name set, candidates cleared) and logged, in one transaction."""
        with self.tx() as db:
            row = db.execute("SELECT report FROM versions WHERE item_id=? AND version=?", (item_id, version)).fetchone()
            status = db.execute("SELECT status FROM items WHERE id=?", (item_id,)).fetchone()
            if row is None or status is None:
                raise NotFoundError(f"没有编号为 {item_id} 的事项；请用 gongkai list 查看全部事项。")
            report = json.loads(row["report"])
            md = report.get("metadata")
            if not md:
                raise WorkflowError(f"{item_id} 没有可设定类别的检查结果（文件无法读取）。")
            was = md.get("category")
            md.update({"category": code, "category_name": name, "category_candidates": None})
            db.execute("UPDATE versions SET report=? WHERE item_id=? AND version=?",
                       (json.dumps(report, ensure_ascii=False), item_id, version))
            self._event(item_id, actor, f"设定内容类别：第{code}类 {name}", status[0], status[0], None,
                        {"kind": "category", "code": code, "was": was, "version": version})

    def set_due(self, item_id: str, due: str | None) -> None:
        with self.tx() as db:
            db.execute("UPDATE items SET due=? WHERE id=?", (due, item_id))

    # ------------------------------------------------------------------ reading
    def item(self, item_id: str) -> Item:
        row = self.db.execute("SELECT * FROM items WHERE id = ?", (item_id.strip().upper(),)).fetchone()
        if row is None:
            raise NotFoundError(f"没有编号为 {item_id} 的事项；请用 gongkai list 查看全部事项。")
        return self._item(row)

    def items(self, status: str | None = None) -> list[Item]:
        sql, args = "SELECT * FROM items", ()
        if status:
            sql, args = sql + " WHERE status = ?", (status,)
        return [self._item(r) for r in self.db.execute(sql + " ORDER BY year, seq", args)]

    def _item(self, row: sqlite3.Row) -> Item:
        v = self.db.execute("SELECT * FROM versions WHERE item_id=? ORDER BY version DESC LIMIT 1",
                            (row["id"],)).fetchone()
        events = tuple(
            Event(e["at"], e["actor"], e["action"], e["from_state"], e["to_state"], e["comment"])
            for e in self.db.execute("SELECT * FROM events WHERE item_id=? ORDER BY id", (row["id"],)))
        return Item(row["id"], row["status"], row["title"], v["file"], v["sha256"], v["version"],
                    Report.from_json(json.loads(v["report"])), row["due"], row["created"], events)

    def timeline(self, item_id: str) -> list[tuple[str, str | None, str | None, dict]]:
        """(entered at, from state, to state, data) of every event of the item, oldest first."""
        rows = self.db.execute("SELECT at, from_state, to_state, data FROM events WHERE item_id=? ORDER BY id", (item_id,))
        return [(r["at"], r["from_state"], r["to_state"], json.loads(r["data"]) if r["data"] else {}) for r in rows]

    def event_data(self, item_id: str) -> list[dict]:
        """The structured side of the item's events (decisions, periods, publications), oldest first."""
        rows = self.db.execute("SELECT data FROM events WHERE item_id=? AND data IS NOT NULL ORDER BY id", (item_id,))
        return [json.loads(r["data"]) for r in rows]

    def summary(self, item_id: str, version: int) -> str | None:
        row = self.db.execute("SELECT summary FROM versions WHERE item_id=? AND version=?", (item_id, version)).fetchone()
        return row[0] if row else None

    def version_received(self, item_id: str, version: int) -> str | None:
        row = self.db.execute("SELECT received FROM versions WHERE item_id=? AND version=?", (item_id, version)).fetchone()
        return row[0] if row else None

    def archived_path(self, item_id: str, version: int) -> str:
        return self.db.execute("SELECT archived FROM versions WHERE item_id=? AND version=?",
                               (item_id, version)).fetchone()[0]

    # ------------------------------------------------------------------ artifacts
    def add_artifact(self, item_id: str, version: int, kind: str, path: str, sha256: str | None = None,
                     status: str = "ok", note: str | None = None, detail: str | None = None) -> Artifact:
        """Record (or replace) the document of this kind for this item version (detail: JSON text)."""
        at = self.clock.stamp()
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO artifacts (item_id, version, kind, path, at, sha256, status, note, detail)"
                       " VALUES (?,?,?,?,?,?,?,?,?)", (item_id, version, kind, path, at, sha256, status, note, detail))
        return Artifact(item_id, version, kind, path, sha256, at, status, note, json.loads(detail) if detail else None)

    def lacking(self, kind: str) -> list[str]:
        """Items whose latest version has no artifact of this kind (a run stopped before rendering)."""
        rows = self.db.execute(
            "SELECT v.item_id FROM versions v WHERE v.version = (SELECT MAX(version) FROM versions w"
            " WHERE w.item_id = v.item_id) AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.item_id = v.item_id"
            " AND a.version = v.version AND a.kind = ?) ORDER BY v.item_id", (kind,))
        return [r[0] for r in rows]

    def artifact(self, item_id: str, version: int, kind: str) -> Artifact | None:
        row = self.db.execute("SELECT * FROM artifacts WHERE item_id=? AND version=? AND kind=?",
                              (item_id, version, kind)).fetchone()
        return _artifact(row) if row else None

    def artifacts(self, item_id: str | None = None) -> list[Artifact]:
        """Every recorded document (of one item), oldest version first."""
        sql, args = "SELECT * FROM artifacts", ()
        if item_id:
            sql, args = sql + " WHERE item_id = ?", (item_id,)
        return [_artifact(r) for r in self.db.execute(sql + " ORDER BY item_id, version, at, kind", args)]

    # ------------------------------------------------------------------ approval-form codes and signed forms
    def workspace_id(self) -> str:
        return self.db.execute("SELECT value FROM meta WHERE key='workspace_id'").fetchone()[0]

    def add_form_code(self, code: str, item_id: str, version: int) -> None:
        with self.tx() as db:
            db.execute("INSERT OR IGNORE INTO form_codes VALUES (?,?,?,?)", (code, item_id, version, self.clock.stamp()))

    def form_code(self, code: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM form_codes WHERE code = ?", (code,)).fetchone()

    def add_signed_form(self, item_id: str, record: dict, actor: str = "系统") -> None:
        """收到签字审批表: an event whose data is the scan's record (version, file, sha256, received, …)."""
        with self.tx():
            note = f"第{record['version']}版" + ("（版本不符，须重新签字）" if record.get("stale") else "")
            self._event(item_id, actor, "收到签字审批表", None, None, note, {"kind": "signed_form", **record})

    def signed_forms(self, item_id: str) -> list[dict]:
        return [d for d in self.event_data(item_id) if d.get("kind") == "signed_form"]

    def signed_form_by_sha(self, sha: str) -> dict | None:
        row = self.db.execute("SELECT item_id, data FROM events WHERE action = '收到签字审批表'"
                              " AND json_extract(data, '$.sha256') = ?", (sha,)).fetchone()
        return {"item_id": row["item_id"], **json.loads(row["data"])} if row else None

    # ------------------------------------------------------------------ feedback
    def add_feedback(self, key: str, fields: dict, source: str, row: int, item_id: str | None) -> str | None:
        """Insert one register row; None when the same row was imported before."""
        with self.tx() as db:
            if db.execute("SELECT 1 FROM feedback WHERE key=?", (key,)).fetchone():
                return None
            n = db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0] + 1
            fid = f"YJ-{n:04d}"
            db.execute(
                "INSERT INTO feedback (id, key, received, channel, person, contact, content, ref, source, source_row,"
                " item_id, created, number) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (fid, key, fields.get("received"), fields.get("channel"), fields.get("person"), fields.get("contact"),
                 fields["content"], fields.get("ref"), source, row, item_id, self.clock.stamp(), fields.get("number")))
            if item_id:
                self._event(item_id, "系统", f"收到意见 {fid}", None, None, fields["content"][:60])
        return fid

    def feedback(self, fid: str | None = None, item_id: str | None = None) -> list[FeedbackRecord]:
        """All opinions, or one by its ledger id (YJ-0001) or the register's own number (YJ2023-001)."""
        sql, args = "SELECT * FROM feedback", []
        if fid:
            sql, args = sql + " WHERE id = ? OR UPPER(number) = ?", [fid.strip().upper()] * 2
        elif item_id:
            sql, args = sql + " WHERE item_id = ?", [item_id]
        rows = self.db.execute(sql + " ORDER BY id", args).fetchall()
        return [FeedbackRecord(r["id"], r["received"], r["channel"], r["person"], r["content"], r["ref"],
                               r["item_id"], r["answer"], r["answered_by"], r["answered_at"], r["contact"],
                               r["number"])
                for r in rows]

    def link_feedback(self, fid: str, item_id: str, actor: str, old_item: str | None = None) -> None:
        with self.tx() as db:
            db.execute("UPDATE feedback SET item_id=? WHERE id=?", (item_id, fid))
            self._event(item_id, actor, f"关联意见 {fid}", None, None)
            if old_item and old_item != item_id:
                self._event(old_item, actor, f"意见 {fid} 改关联到 {item_id}", None, None)

    def answer_feedback(self, fid: str, item_id: str, text: str, by: str, decided: str, entered: str) -> int:
        """Record an answer (a later one supersedes the earlier, which stays in the history); returns its round."""
        with self.tx() as db:
            n = len(self.answers(fid)) + 1
            db.execute("UPDATE feedback SET answer=?, answered_by=?, answered_at=? WHERE id=?", (text, by, decided, fid))
            action = f"答复意见 {fid}" + (f"（第{n}次答复，取代第{n - 1}次）" if n > 1 else "")
            self._event(item_id, by, action, None, None, text[:60],
                        {"kind": "answer", "fid": fid, "round": n, "text": text, "by": by, "date": decided,
                         "entered": entered})
        return n

    def answers(self, fid: str) -> list[dict]:
        """Every answer given to an opinion, oldest first (whatever item it was linked to then)."""
        rows = self.db.execute("SELECT data FROM events WHERE data LIKE '%\"kind\": \"answer\"%' ORDER BY id")
        return [d for d in (json.loads(r[0]) for r in rows) if d.get("fid") == fid]

    def reopen(self, item_id: str, actor: str, reason: str) -> str:
        """A closed item back to the state it was closed from; returns that state."""
        row = self.db.execute("SELECT from_state FROM events WHERE item_id=? AND to_state='closed' ORDER BY id DESC"
                              " LIMIT 1", (item_id,)).fetchone()
        back = row[0] if row and row[0] else "disclosed"
        self.transition(item_id, "closed", back, actor, "重新打开", reason, {"kind": "reopen", "reason": reason,
                                                                         "date": self.clock.stamp()})
        return back


def _artifact(row: sqlite3.Row) -> Artifact:
    return Artifact(row["item_id"], row["version"], row["kind"], row["path"], row["sha256"], row["at"],
                    row["status"], row["note"], json.loads(row["detail"]) if row["detail"] else None)


def _statements(sql: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (BEGIN … END;) whole."""
    out, buf = [], ""
    for part in sql.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                out.append(buf.strip())
            buf = ""
    return out
