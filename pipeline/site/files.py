"""The public column's files answered before Flask: GET/HEAD of /public/… straight from the built folder, with
a small cache of file bytes checked against each file's size and mtime. The pages are nearly all of the
traffic, and this path costs a stat and a dict lookup instead of a Flask dispatch. Paths are joined with
werkzeug's safe_join (no .., no absolute parts); anything else falls through to the Flask app."""
from __future__ import annotations

import mimetypes
import os
import threading
from pathlib import Path
from typing import Callable

Hook = Callable[[str, bytes, dict], tuple[bytes, list[tuple[str, str]]]]
MAX_CACHED = 4096  # files; a column of 1,000 items has about 1,100


class PublicFiles:
    def __init__(self, app, folder: Path, prefix: str, headers: list[tuple[str, str]], hook: Hook | None = None):
        self.app, self.folder, self.prefix, self.headers, self.hook = app, str(folder), prefix, headers, hook
        self.cache: dict[str, tuple[int, int, bytes]] = {}
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        from werkzeug.security import safe_join

        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not path.startswith(self.prefix):
            return self.app(environ, start_response)
        try:
            rel = path[len(self.prefix):].encode("latin-1").decode("utf-8")
        except UnicodeError:
            return self.app(environ, start_response)
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        full = safe_join(self.folder, rel)
        body = self._read(full) if full else None
        if body is None:
            return self.app(environ, start_response)  # Flask answers the 404 (or whatever else it is)
        extra: list[tuple[str, str]] = []
        if self.hook is not None and rel.endswith(".html"):
            body, extra = self.hook(rel, body, environ)
        kind = mimetypes.guess_type(rel)[0] or "application/octet-stream"
        if kind.startswith("text/"):
            kind += "; charset=utf-8"
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body))),
                                  ("Cache-Control", "no-cache" if extra else "public, max-age=60"),
                                  *self.headers, *extra])
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]

    def _read(self, full: str) -> bytes | None:
        try:
            st = os.stat(full)
        except OSError:
            return None
        if not os.path.isfile(full):
            return None
        hit = self.cache.get(full)
        if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
            return hit[2]
        try:
            with open(full, "rb") as f:
                data = f.read()
        except OSError:
            return None
        with self.lock:
            if len(self.cache) >= MAX_CACHED:
                self.cache.clear()
            self.cache[full] = (st.st_size, st.st_mtime_ns, data)
        return data
