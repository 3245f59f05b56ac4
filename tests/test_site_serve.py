"""gongkai serve on a real waitress server (127.0.0.1, free port): public open, inside behind a login
(and not served at all without users), the opinion form's CSRF token, honeypot, length and rate limits,
and the opinion landing in `feedback list` with channel 网络."""
from __future__ import annotations

import json
import shutil

import pytest

from pipeline import api
from pipeline.api import open_session
from pipeline.site.users import add_user
from pipeline.workspace import load_workspace
from site_helpers import TODAY, make_site_workspace
from site_http import Client, running
from wf_helpers import WsCli

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    settings, ids = make_site_workspace(tmp_path_factory.mktemp("serve"))
    with open_session(settings) as s:
        api.build_site(s, today=TODAY)
    return settings, ids


@pytest.fixture
def ws(built, tmp_path):
    settings, ids = built
    shutil.copytree(settings.root, tmp_path / "ws")
    return load_workspace(tmp_path / "ws"), ids


def feedback_rows(settings) -> list[dict]:
    result = WsCli(settings.root)("feedback", "list", "--json")
    return json.loads(result.stdout)


def test_public_is_open(ws):
    settings, ids = ws
    with running(settings, TODAY) as base:
        r = Client(base).get("/public/index.html")
    assert r.status == 200


def test_inside_is_not_served_without_users(ws):
    settings, ids = ws
    with running(settings, TODAY) as base:
        c = Client(base)
        assert c.get("/inside/index.html").status == 404
        assert c.get("/status").status == 404


def test_inside_without_login_redirects_to_login(ws):
    settings, ids = ws
    add_user(settings, "党员甲", PASSWORD)
    with running(settings, TODAY) as base:
        r = Client(base).get("/inside/index.html")
    assert r.status == 303
    assert r.headers["Location"] == "/login?next=/inside/index.html"


def test_wrong_password_is_refused(ws):
    settings, ids = ws
    add_user(settings, "党员甲", PASSWORD)
    with running(settings, TODAY) as base:
        c = Client(base)
        assert c.login("党员甲", "not the password").status == 403
        assert c.get("/inside/index.html").status == 303


def test_login_opens_inside_and_status(ws):
    settings, ids = ws
    add_user(settings, "党员甲", PASSWORD)
    with running(settings, TODAY) as base:
        c = Client(base)
        assert c.login("党员甲", PASSWORD).status == 303
        assert c.get("/inside/index.html").status == 200
        status = c.get("/status")
    assert status.status == 200
    assert "领导小组工作台" in status.text


def test_inside_pages_name_the_user_and_carry_a_logout_form(ws):
    settings, ids = ws
    add_user(settings, "党员甲", PASSWORD)
    with running(settings, TODAY) as base:
        c = Client(base)
        c.login("党员甲", PASSWORD)
        page = c.get("/inside/index.html").text
        status = c.get("/status").text
    assert "已登录：党员甲" in page
    assert 'action="/logout"' in page
    assert 'action="/logout"' in status


def test_logout_ends_the_session(ws):
    settings, ids = ws
    add_user(settings, "党员甲", PASSWORD)
    with running(settings, TODAY) as base:
        c = Client(base)
        c.login("党员甲", PASSWORD)
        token = c.token(c.get("/inside/index.html").text)
        out = c.post("/logout", {"csrf": token})
        after = c.get("/inside/index.html")
    assert out.status == 200
    assert "已退出登录" in out.text
    assert after.status == 303


def test_logout_without_csrf_is_refused_and_keeps_the_session(ws):
    settings, ids = ws
    add_user(settings, "党员甲", PASSWORD)
    with running(settings, TODAY) as base:
        c = Client(base)
        c.login("党员甲", PASSWORD)
        out = c.post("/logout", {"csrf": "0" * 64})
        after = c.get("/inside/index.html")
    assert out.status == 400
    assert after.status == 200


def test_the_built_inside_pages_hold_no_logout_form(ws):
    settings, ids = ws  # opened from a file share there is no login, so nothing to log out of
    html = (settings.root / "site" / "inside" / "index.html").read_text(encoding="utf-8")
    assert 'action="/logout"' not in html


def test_serve_says_where_the_columns_are_and_what_is_missing(ws):
    from pipeline.site.serve import serve_notes

    settings, ids = ws
    before = serve_notes(settings, "127.0.0.1", 8080)
    add_user(settings, "党员甲", PASSWORD)
    after = serve_notes(settings, "127.0.0.1", 8080)
    assert before[0] == "党务公开专栏（党外公开）：http://127.0.0.1:8080/public/index.html（Ctrl+C 停止）"
    assert before[1] == "  党内公开栏目尚未设置登录用户，暂不提供；设置：gongkai serve --add-user 用户名"
    assert after[1] == "  党内公开（须登录）：http://127.0.0.1:8080/inside/index.html　领导小组工作台：http://127.0.0.1:8080/status"


def test_serve_says_when_the_site_is_not_built(tmp_path):
    from pipeline.site.serve import serve_notes
    from pipeline.workspace import init_workspace

    settings, _ = init_workspace(tmp_path / "empty")
    assert serve_notes(settings, "127.0.0.1", 8080)[1] == "  网站尚未生成：请先运行 gongkai site build。"


def test_passwords_are_stored_hashed(ws):
    settings, ids = ws
    from click.testing import CliRunner

    from cli import cli

    result = CliRunner().invoke(cli, ["--workspace", str(settings.root), "serve", "--add-user", "党员乙"],
                                input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0
    stored = (settings.root / "site_users.json").read_text(encoding="utf-8")
    assert "党员乙" in stored
    assert PASSWORD not in stored
    assert json.loads(stored)["users"]["党员乙"].startswith("scrypt:")


def test_path_traversal_is_refused(ws):
    settings, ids = ws
    with running(settings, TODAY) as base:
        r = Client(base).get("/public/..%2F..%2Fgongkai.toml")
    assert r.status == 404


def item_form(c: Client, item_id: str) -> str:
    return c.token(c.get(f"/public/items/{item_id}.html").text)


def test_opinion_is_recorded_with_channel_network(ws):
    settings, ids = ws
    item = ids["consult"]
    with running(settings, TODAY) as base:
        c = Client(base)
        r = c.post(f"/feedback/{item}", {"csrf": item_form(c, item), "content": "<b>建议</b>延长征求意见期。",
                                         "person": "李四", "contact": "", "website": ""})
    assert r.status == 200
    assert "感谢您的意见" in r.text
    (row,) = [f for f in feedback_rows(settings) if f["channel"] == "网络"]
    assert row["content"] == "<b>建议</b>延长征求意见期。"  # plain text, as typed
    assert row["item_id"] == item
    assert f"编号为 {row['id']}" in r.text


def test_feedback_list_shows_the_web_opinion(ws):
    settings, ids = ws
    item = ids["plain"]
    with running(settings, TODAY) as base:
        c = Client(base)
        c.post(f"/feedback/{item}", {"csrf": item_form(c, item), "content": "食堂窗口可否增加一个？", "website": ""})
    out = WsCli(settings.root)("feedback", "list").stdout
    assert "网络" in out
    assert "食堂窗口可否增加一个？" in out


def test_missing_csrf_is_refused(ws):
    settings, ids = ws
    item = ids["consult"]
    before = len(feedback_rows(settings))
    with running(settings, TODAY) as base:
        c = Client(base)
        c.get(f"/public/items/{item}.html")
        r = c.post(f"/feedback/{item}", {"content": "没有校验码", "website": ""})
    assert r.status == 400
    assert len(feedback_rows(settings)) == before


def test_wrong_csrf_is_refused(ws):
    settings, ids = ws
    item = ids["consult"]
    before = len(feedback_rows(settings))
    with running(settings, TODAY) as base:
        c = Client(base)
        c.get(f"/public/items/{item}.html")
        r = c.post(f"/feedback/{item}", {"csrf": "0" * 64, "content": "错误的校验码", "website": ""})
    assert r.status == 400
    assert len(feedback_rows(settings)) == before


def test_token_of_another_visitor_is_refused(ws):
    settings, ids = ws
    item = ids["consult"]
    with running(settings, TODAY) as base:
        token = item_form(Client(base), item)
        other = Client(base)
        other.get(f"/public/items/{item}.html")
        r = other.post(f"/feedback/{item}", {"csrf": token, "content": "别人的校验码", "website": ""})
    assert r.status == 400


def test_honeypot_stores_nothing(ws):
    settings, ids = ws
    item = ids["consult"]
    before = len(feedback_rows(settings))
    with running(settings, TODAY) as base:
        c = Client(base)
        r = c.post(f"/feedback/{item}", {"csrf": item_form(c, item), "content": "广告", "website": "http://spam"})
    assert r.status == 200
    assert len(feedback_rows(settings)) == before


def test_too_long_opinion_is_refused(ws):
    settings, ids = ws
    item = ids["consult"]
    with running(settings, TODAY) as base:
        c = Client(base)
        r = c.post(f"/feedback/{item}", {"csrf": item_form(c, item), "content": "长" * 2001, "website": ""})
    assert r.status == 400


def test_rate_limit_per_address(ws):
    settings, ids = ws  # rate_limit = 3 in the test workspace
    item = ids["consult"]
    with running(settings, TODAY) as base:
        c = Client(base)
        token = item_form(c, item)
        codes = [c.post(f"/feedback/{item}", {"csrf": token, "content": f"第{n}条意见", "website": ""}).status
                 for n in range(4)]
    assert codes == [200, 200, 200, 429]


def test_no_form_for_an_item_not_open_for_opinions(ws):
    settings, ids = ws
    with running(settings, TODAY) as base:
        c = Client(base)
        token = item_form(c, ids["plain"])
        r = c.post(f"/feedback/{ids['waiting']}", {"csrf": token, "content": "未审核事项", "website": ""})
    assert r.status == 404


def test_serve_binds_localhost_by_default(ws):
    from pipeline.site.serve import make_server

    settings, ids = ws
    server = make_server(settings, port=0)
    try:
        assert server.socket.getsockname()[0] == "127.0.0.1"
    finally:
        server.close()
