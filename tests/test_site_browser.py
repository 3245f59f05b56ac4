"""The column in a real browser: Debian's chromium + chromedriver driven by selenium, headless, against a real
waitress server. At 1280 px and at a 390 px phone width: home, a category page, an item page and the status
page show their title, every link resolves, nothing overflows sideways; the opinion form submits and the
opinion shows in `feedback list`. Screenshots go to $GONGKAI_SCREENSHOTS (else a temp folder)."""
from __future__ import annotations

import os
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from optional import need_binary, need_module
from pipeline import api
from pipeline.api import open_session
from pipeline.site.users import add_user
from site_helpers import TODAY, make_site_workspace
from site_http import running
from wf_helpers import WsCli

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--lang=zh-CN")
WIDTHS = (1280, 390)
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    need_module("selenium")
    settings, ids = make_site_workspace(tmp_path_factory.mktemp("browser"))
    with open_session(settings) as s:
        api.build_site(s, today=TODAY)
    add_user(settings, "党员甲", PASSWORD)
    with running(settings, TODAY) as base:
        yield settings, ids, base


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("GONGKAI_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda w: f"{w}px")
def browser(request, server):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = shutil.which("chromium") or need_binary("chromium")
    driver_path = shutil.which("chromedriver") or need_binary("chromedriver")
    profile = tempfile.mkdtemp(prefix="gongkai-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for flag in FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={profile}")
    width = request.param
    if width < 600:
        opts.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": 844, "pixelRatio": 2}})
    else:
        opts.add_argument(f"--window-size={width},1000")
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    driver.set_page_load_timeout(30)
    try:
        _, _, base = server
        login(driver, base)
        assert driver.find_element("css selector", "h1").text != "党内公开专栏登录"
        yield driver, width
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def click_and_wait(driver, selector: str) -> None:
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element("css selector", "h1")
    driver.find_element("css selector", selector).click()
    WebDriverWait(driver, 20).until(EC.staleness_of(old))


def login(driver, base: str) -> None:
    driver.get(base + "/login")
    driver.find_element("id", "u").send_keys("党员甲")
    driver.find_element("id", "p").send_keys(PASSWORD)
    click_and_wait(driver, "form button[type=submit]")


def pages(ids) -> dict[str, str]:
    return {"home": "/public/index.html", "category": "/public/category/5.html",
            "item": f"/public/items/{ids['consult']}.html", "status": "/status",
            "inside_home": "/inside/index.html"}


TITLES = {"home": "中共青川区科学技术局党组党务公开专栏", "category": "制度建设", "item": "关于机关考勤制度的征求意见稿",
          "status": "领导小组工作台", "inside_home": "中共青川区科学技术局党组党务公开专栏"}


def shoot(driver, folder: Path, name: str, width: int) -> Path:
    if width >= 600:  # the whole page on the desktop: grow the window to the page's height
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(max(height + 140, 600), 6000))
    path = folder / f"{name}_{width}px.png"
    driver.save_screenshot(str(path))
    if width >= 600:
        driver.set_window_size(width, 1000)
    return path


def cookie_header(driver) -> str:
    return "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())


def status_of(url: str, cookies: str) -> int:
    req = urllib.request.Request(url, headers={"Cookie": cookies})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.parametrize("page", ["home", "category", "item", "status", "inside_home"])
def test_page_title_links_and_width(browser, server, shots, page):
    driver, width = browser
    settings, ids, base = server
    driver.get(base + pages(ids)[page])
    h1 = driver.find_element("css selector", "h1")
    assert h1.is_displayed()
    assert h1.size["height"] > 0
    assert h1.text == TITLES[page]
    overflow = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert overflow[0] <= overflow[1], f"{page} at {width}px: scrollWidth {overflow[0]} > innerWidth {overflow[1]}"
    shoot(driver, shots, page, width)
    hrefs = driver.execute_script("return Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    cookies = cookie_header(driver)
    broken = [h for h in sorted(set(hrefs)) if h.startswith(base) and status_of(h.split("#")[0], cookies) != 200]
    assert broken == []


def test_body_text_is_large_enough(browser, server):
    driver, width = browser
    settings, ids, base = server
    driver.get(base + pages(ids)["item"])
    size, line = driver.execute_script(
        "const s = getComputedStyle(document.body); return [parseFloat(s.fontSize), parseFloat(s.lineHeight)]")
    assert size >= 16
    assert 1.7 <= line / size <= 1.9


def test_opinion_form_submits_into_feedback_list(browser, server, shots):
    driver, width = browser
    settings, ids, base = server
    driver.get(base + pages(ids)["item"])
    text = f"建议在{width}像素屏幕上也能提交意见。"
    driver.find_element("id", "fb-content").send_keys(text)
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element("css selector", "h1")
    driver.find_element("css selector", ".feedback button[type=submit]").click()
    WebDriverWait(driver, 20).until(EC.staleness_of(old))
    assert "感谢您的意见" in driver.find_element("css selector", "h1").text
    shoot(driver, shots, "thanks", width)
    out = WsCli(settings.root)("feedback", "list").stdout
    line = next(ln for ln in out.splitlines() if text in ln)
    assert "网络" in line


def test_logout_button_ends_the_session(browser, server, shots):
    driver, width = browser
    settings, ids, base = server
    driver.get(base + "/inside/index.html")
    button = driver.find_element("css selector", "form.account button")
    assert button.is_displayed()
    assert button.text == "退出登录"
    click_and_wait(driver, "form.account button")
    assert driver.find_element("css selector", "h1").text == "已退出登录"
    driver.get(base + "/inside/index.html")
    assert driver.find_element("css selector", "h1").text == "党内公开专栏登录"
    login(driver, base)  # the other tests of this browser stay logged in
    assert driver.find_element("css selector", "h1").text == TITLES["inside_home"]
