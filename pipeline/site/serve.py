"""`gongkai serve`: the built site behind waitress (pure Python, runs on Windows servers too), with Flask.

Flask rather than a hand-written WSGI app: its static file serving joins paths safely and answers
conditional requests, its sessions are signed (itsdangerous), form parsing has size limits, and werkzeug
hashes passwords — the parts that are easy to get wrong by hand.

/public/… is open; /inside/… and /status need a login and are not served at all while no user is set.
With `site.feedback_form`, each pre-disclosed or published item page carries an opinion form (CSRF token,
honeypot, length limits, a per-address rate limit); an opinion is stored as plain text, channel 网络."""
from __future__ import annotations

import hmac
import re
import secrets
import threading
import time
import uuid
from collections import defaultdict, deque
from datetime import date
from hashlib import sha256
from pathlib import Path
from typing import Callable

from ..ledger import Ledger
from ..render import clean_text
from ..workspace import Settings
from .build import site_dir
from .pages import ACCOUNT_MARK, FEEDBACK_MARK, environment, status_page
from .users import check_user, load_users, secret_key

MAX_CONTENT, MAX_NAME, MAX_CONTACT = 2000, 50, 100
ITEM_ID = re.compile(r"^GK-\d{4}-\d{4}$")
OPEN_STATES = ("predisclosed", "disclosed_inside", "disclosed")
CSRF_COOKIE = "gk_csrf"
TOKEN_SLOT = "gk-token-" + secrets.token_hex(8)  # replaced by the visitor's token when served
WINDOW = 3600.0
CSP = ("default-src 'none'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = [("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY")]


class RateLimit:
    """At most `limit` events per address in a sliding window (memory bounded by the addresses seen)."""

    def __init__(self, limit: int, window: float = WINDOW, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self.seen: dict[str, deque] = defaultdict(deque)
        self.lock = threading.Lock()

    def allow(self, addr: str) -> bool:
        now = self.clock()
        with self.lock:
            q = self.seen[addr]
            while q and now - q[0] > self.window:
                q.popleft()
            if len(q) >= self.limit:
                return False
            q.append(now)
            if len(self.seen) > 10000:  # forget idle addresses
                for k in [k for k, v in self.seen.items() if not v]:
                    del self.seen[k]
            return True


def create_app(settings: Settings, site: Path | None = None, today: Callable[[], date] | None = None):
    from flask import Flask, abort, redirect, request, send_from_directory, session
    from werkzeug.security import safe_join

    from ..workdays import Clock

    clock = Clock(settings.calendar.zone)
    today = today or clock.today  # the office's day, not the server's

    root = site_dir(settings, site)
    public, inside = root / "public", root / "inside"
    key = secret_key(settings)
    app = Flask(__name__, static_folder=None)
    app.config.update(SECRET_KEY=key, MAX_CONTENT_LENGTH=64 * 1024, MAX_FORM_MEMORY_SIZE=32 * 1024,
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict")
    feedback_limit = RateLimit(max(1, settings.site_rate_limit))
    login_limit = RateLimit(10, 600)

    def users() -> dict[str, str]:
        return load_users(settings)

    def token_for(cookie: str) -> str:
        return hmac.new(key, cookie.encode(), sha256).hexdigest()

    def csrf_cookie() -> str:
        value = request.cookies.get(CSRF_COOKIE, "")
        return value if re.fullmatch(r"[A-Za-z0-9_-]{32,64}", value) else ""

    def csrf_ok() -> bool:
        cookie, sent = csrf_cookie(), request.form.get("csrf", "")
        return bool(cookie) and hmac.compare_digest(token_for(cookie), sent)

    def with_csrf(html: str, status: int = 200):
        cookie = csrf_cookie() or secrets.token_urlsafe(32)
        resp = app.response_class(html.replace(TOKEN_SLOT, token_for(cookie)), status, mimetype="text/html")
        resp.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="Strict")
        return resp

    def page(template: str, status: int = 200, root_url: str = "/public/", **ctx):
        html = environment().get_template(template).render(
            root=root_url, column="public", column_name="党外公开", org=settings.org, office=settings.office, nav=[],
            phone=settings.phone, box=settings.opinion_box, supervisors="、".join(settings.supervisors),
            today=today().isoformat(), has_status=False, status_page="", years=[], account_mark="", **ctx)
        return with_csrf(html, status)

    def message(heading: str, lines: list[str], status: int = 200, back: str = "/public/index.html"):
        return page("message.html", status, title=heading, heading=heading, lines=lines, back=back)

    @app.after_request
    def headers(resp):
        for k, v in SECURITY_HEADERS:
            resp.headers[k] = v
        return resp

    form_cache: dict[str, str] = {}

    def inject_form(rel: str, body: bytes, environ: dict) -> tuple[bytes, list[tuple[str, str]]]:
        """An item page open for opinions gets the form, with this visitor's token (fast path of /public/)."""
        from werkzeug.http import dump_cookie, parse_cookie

        m = re.fullmatch(r"items/(GK-\d{4}-\d{4})\.html", rel)
        if not (m and settings.site_feedback and FEEDBACK_MARK.encode() in body):
            return body, []
        form = form_cache.get(m[1])
        if form is None:
            form = form_cache[m[1]] = environment().get_template("feedback_form.html").render(
                item_id=m[1], token=TOKEN_SLOT, max_content=MAX_CONTENT, max_name=MAX_NAME, max_contact=MAX_CONTACT)
        cookie = parse_cookie(environ).get(CSRF_COOKIE, "")
        extra = []
        if not re.fullmatch(r"[A-Za-z0-9_-]{32,64}", cookie):
            cookie = secrets.token_urlsafe(32)
            extra = [("Set-Cookie", dump_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="Strict"))]
        html = body.decode("utf-8").replace(FEEDBACK_MARK, form.replace(TOKEN_SLOT, token_for(cookie)))
        return html.encode("utf-8"), extra

    def account_box() -> str:
        return environment().get_template("_account.html").render(user=session.get("user", ""), token=TOKEN_SLOT)

    def serve_file(folder: Path, path: str):
        path = path or "index.html"
        if path.endswith("/"):
            path += "index.html"
        m = re.fullmatch(r"items/(GK-\d{4}-\d{4})\.html", path)
        marked = folder == inside and path.endswith(".html")  # the logout button, with this visitor's token
        if marked or (m and settings.site_feedback):
            target = safe_join(str(folder), path)
            if target is None or not Path(target).is_file():
                abort(404)
            html = Path(target).read_text(encoding="utf-8")
            if m and settings.site_feedback and FEEDBACK_MARK in html:
                html = html.replace(FEEDBACK_MARK, environment().get_template("feedback_form.html").render(
                    item_id=m[1], token=TOKEN_SLOT, max_content=MAX_CONTENT, max_name=MAX_NAME, max_contact=MAX_CONTACT))
            if marked:
                html = html.replace(ACCOUNT_MARK, account_box())
            return with_csrf(html)
        return send_from_directory(folder, path, max_age=60)

    def logged_in() -> bool:
        name = session.get("user")
        return bool(name) and name in users()

    def inside_gate():
        if not users():
            abort(404)  # no user set: the inside column is not served at all
        if not logged_in():
            return redirect("/login?next=" + request.path, 303)
        return None

    @app.get("/")
    def home():
        return redirect("/public/index.html", 302)

    @app.get("/public/")
    @app.get("/public/<path:path>")
    def public_file(path: str = ""):
        return serve_file(public, path)

    @app.get("/inside/")
    @app.get("/inside/<path:path>")
    def inside_file(path: str = ""):
        return inside_gate() or serve_file(inside, path)

    @app.get("/status")
    def status():
        gate = inside_gate()
        if gate:
            return gate
        from ..rules import load_rules
        from .snapshot import snapshot
        from .status import compute

        rules = load_rules(settings.rules_file)
        with Ledger(settings.db, clock) as ledger:
            html = status_page(compute(settings, snapshot(ledger), rules, today()), settings, rules, root="/inside/")
        return with_csrf(html.decode("utf-8").replace(ACCOUNT_MARK, account_box()))

    @app.get("/login")
    def login_form():
        if not users():
            abort(404)
        return page("login.html", title="登录", error="", next=_safe_next(request.args.get("next")), token=TOKEN_SLOT)

    @app.post("/login")
    def login():
        if not users():
            abort(404)
        nxt = _safe_next(request.form.get("next"))
        if not csrf_ok():
            return page("login.html", 400, title="登录", error="页面已过期，请重新登录。", next=nxt, token=TOKEN_SLOT)
        if not login_limit.allow(request.remote_addr or "?"):
            return page("login.html", 429, title="登录", error="尝试次数过多，请 10 分钟后再试。", next=nxt, token=TOKEN_SLOT)
        if not check_user(users(), request.form.get("user", "").strip(), request.form.get("password", "")):
            return page("login.html", 403, title="登录", error="用户名或密码不正确。", next=nxt, token=TOKEN_SLOT)
        session.clear()
        session["user"] = request.form["user"].strip()
        return redirect(nxt, 303)

    @app.post("/logout")
    def logout():
        if not csrf_ok():
            return message("退出未成功", ["页面已过期（缺少有效的校验码）。请刷新页面后再点击“退出登录”。"], 400,
                           "/inside/index.html")
        session.clear()
        return message("已退出登录", ["您已退出党内公开专栏。再次查看请重新登录。"], 200, "/public/index.html")

    @app.post("/feedback/<item_id>")
    def feedback(item_id: str):
        if not settings.site_feedback or not ITEM_ID.match(item_id):
            abort(404)
        back = f"/public/items/{item_id}.html"
        if not csrf_ok():
            return message("提交未成功", ["页面已过期或来源不明（缺少有效的校验码）。请返回事项页面，重新填写后提交。"], 400, back)
        if not feedback_limit.allow(request.remote_addr or "?"):
            return message("提交过于频繁", ["同一网络地址提交的意见过多，请稍后再试，或通过意见箱、监督电话反映。"], 429, back)
        if request.form.get("website"):  # the honeypot: a person never fills it in; store nothing
            return message("感谢您的意见", ["您的意见已收到。"], 200, back)
        content = clean_text(request.form.get("content", "")).strip()
        person = clean_text(request.form.get("person", "")).strip()
        contact = clean_text(request.form.get("contact", "")).strip()
        if not content:
            return message("提交未成功", ["请填写意见内容。"], 400, back)
        if len(content) > MAX_CONTENT or len(person) > MAX_NAME or len(contact) > MAX_CONTACT:
            return message("提交未成功", [f"意见内容请在 {MAX_CONTENT} 字以内，姓名 {MAX_NAME} 字、联系方式 {MAX_CONTACT} 字以内。"],
                           400, back)
        with Ledger(settings.db, clock) as ledger:
            try:
                item = ledger.item(item_id)
            except Exception:  # noqa: BLE001 — NotFoundError: answer in Chinese, never a traceback
                item = None
            if item is None or item.status not in OPEN_STATES:
                return message("提交未成功", ["该事项不在征求意见或公开状态，无法在网上提出意见。"], 404, back)
            fields = {"received": today().isoformat(), "channel": "网络", "person": person or None,
                      "contact": contact or None, "content": content}
            fid = ledger.add_feedback(f"web:{uuid.uuid4().hex}", fields, "网上意见表", 0, item.id)
        return message("感谢您的意见", [f"您的意见已收到，编号为 {fid}。", "我们将认真研究，并在处理结果公开中答复。"], 200, back)

    from .files import PublicFiles

    app.wsgi_app = PublicFiles(app.wsgi_app, public, "/public/", SECURITY_HEADERS, inject_form)
    return app


def _safe_next(value: str | None) -> str:
    """Only a local inside path: no open redirect."""
    if value and re.fullmatch(r"/(inside/[\w\-./\u4e00-\u9fff%]*|status)", value) and ".." not in value:
        return value
    return "/inside/index.html"


def serve_notes(settings: Settings, host: str, port: int, site: Path | None = None) -> list[str]:
    """What `gongkai serve` says when it starts: the addresses, and what is not served yet and why."""
    from .users import load_users

    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    base = f"http://{shown}:{port}"
    lines = [f"党务公开专栏（党外公开）：{base}/public/index.html（Ctrl+C 停止）"]
    if not (site_dir(settings, site) / "public" / "index.html").is_file():
        lines.append("  网站尚未生成：请先运行 gongkai site build。")
    if load_users(settings):
        lines.append(f"  党内公开（须登录）：{base}/inside/index.html　领导小组工作台：{base}/status")
    else:
        lines.append("  党内公开栏目尚未设置登录用户，暂不提供；设置：gongkai serve --add-user 用户名")
    if host in ("0.0.0.0", "::"):
        lines.append("  已对局域网开放：其他电脑用本机的局域网地址访问。")
    return lines


def make_server(settings: Settings, host: str = "127.0.0.1", port: int = 8080, site: Path | None = None,
                threads: int = 8, today: Callable[[], date] | None = None):
    """A waitress server (not yet running): `.run()` serves until closed; `.effective_port` for port 0."""
    from waitress import create_server

    return create_server(create_app(settings, site, today), host=host, port=port, threads=threads,
                         ident="gongkai", clear_untrusted_proxy_headers=True)


def shutdown(server, thread=None, timeout: float = 10) -> None:
    """Stop a server running in another thread: its channels are closed from inside its own loop (so the
    loop ends cleanly), then the worker threads are joined."""
    def close_all() -> None:
        for channel in list(server._map.values()):
            channel.close()

    server.trigger.pull_trigger(close_all)
    if thread is not None:
        thread.join(timeout)
    server.task_dispatcher.shutdown()
