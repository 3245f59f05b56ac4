"""A real waitress server on a free port in a thread, and a small cookie-keeping HTTP client (urllib)."""
from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator


@contextmanager
def running(settings, today) -> Iterator[str]:
    from pipeline.site.serve import make_server, shutdown

    server = make_server(settings, "127.0.0.1", 0, today=lambda: today)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        shutdown(server, thread)


@dataclass
class Reply:
    status: int
    url: str
    headers: dict
    text: str


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, form: dict | None = None) -> Reply:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(self.base + urllib.parse.quote(path, safe="/?=&%"), data=data)
        try:
            with self.opener.open(req, timeout=30) as r:
                return Reply(r.status, r.url, dict(r.headers), r.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as e:
            return Reply(e.code, e.url, dict(e.headers), e.read().decode("utf-8", "replace"))

    def get(self, path: str) -> Reply:
        return self.request(path)

    def post(self, path: str, form: dict) -> Reply:
        return self.request(path, form)

    def token(self, page: str) -> str:
        m = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        assert m, "no CSRF token in the page"
        return m[1]

    def login(self, user: str, password: str) -> Reply:
        token = self.token(self.get("/login").text)
        return self.post("/login", {"csrf": token, "user": user, "password": password, "next": "/inside/index.html"})
