"""The ledger read once for a site build: every item, its events, its current 公开稿 artifact, the archived
original, the summary and the opinions, in a handful of queries instead of several per item.

A Snapshot answers the read methods the site and workflow.facts use (items, item, event_data, signed_forms,
artifact, archived_path, summary, feedback) from memory, so collect and the status page read it exactly as
they would read the ledger."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from ..ledger import Artifact, FeedbackRecord, Ledger
from ..model import Event, Item, Report


@dataclass(frozen=True)
class Snapshot:
    _items: tuple[Item, ...]
    _data: dict[str, list[dict]]
    _versions: dict[tuple[str, int], tuple[str, str | None]]  # (archived path, summary)
    _artifacts: dict[tuple[str, int, str], Artifact]
    _feedback: tuple[FeedbackRecord, ...]
    _feedback_of: dict[str, tuple[FeedbackRecord, ...]]

    def items(self) -> list[Item]:
        return list(self._items)

    def event_data(self, item_id: str) -> list[dict]:
        return list(self._data.get(item_id, ()))

    def signed_forms(self, item_id: str) -> list[dict]:
        return [d for d in self.event_data(item_id) if d.get("kind") == "signed_form"]

    def artifact(self, item_id: str, version: int, kind: str) -> Artifact | None:
        return self._artifacts.get((item_id, version, kind))

    def archived_path(self, item_id: str, version: int) -> str:
        return self._versions[(item_id, version)][0]

    def summary(self, item_id: str, version: int) -> str | None:
        v = self._versions.get((item_id, version))
        return v[1] if v else None

    def feedback(self, item_id: str | None = None) -> list[FeedbackRecord]:
        return list(self._feedback if item_id is None else self._feedback_of.get(item_id, ()))


def snapshot(ledger: Ledger, kinds: tuple[str, ...] = ("redacted",)) -> Snapshot:
    db = ledger.db
    latest = {r["item_id"]: r for r in db.execute(
        "SELECT v.* FROM versions v JOIN (SELECT item_id, MAX(version) AS version FROM versions GROUP BY item_id) m"
        " ON v.item_id = m.item_id AND v.version = m.version")}
    events: dict[str, list[Event]] = defaultdict(list)
    data: dict[str, list[dict]] = defaultdict(list)
    for e in db.execute("SELECT item_id, at, actor, action, from_state, to_state, comment, data FROM events ORDER BY id"):
        events[e["item_id"]].append(Event(e["at"], e["actor"], e["action"], e["from_state"], e["to_state"], e["comment"]))
        if e["data"] is not None:
            data[e["item_id"]].append(json.loads(e["data"]))
    items = []
    for row in db.execute("SELECT * FROM items ORDER BY year, seq"):
        v = latest[row["id"]]
        items.append(Item(row["id"], row["status"], row["title"], v["file"], v["sha256"], v["version"],
                          Report.from_json(json.loads(v["report"])), row["due"], row["created"],
                          tuple(events.get(row["id"], ()))))
    versions = {(r["item_id"], r["version"]): (r["archived"], r["summary"]) for r in latest.values()}
    marks = ",".join("?" * len(kinds))
    artifacts = {(a.item_id, a.version, a.kind): a for a in (
        Artifact(r["item_id"], r["version"], r["kind"], r["path"], r["sha256"], r["at"], r["status"], r["note"],
                 json.loads(r["detail"]) if r["detail"] else None)
        for r in db.execute(f"SELECT * FROM artifacts WHERE kind IN ({marks})", kinds))}
    feedback = tuple(ledger.feedback())
    of: dict[str, list[FeedbackRecord]] = defaultdict(list)
    for f in feedback:
        if f.item_id:
            of[f.item_id].append(f)
    return Snapshot(tuple(items), dict(data), versions, artifacts, feedback, {k: tuple(v) for k, v in of.items()})
