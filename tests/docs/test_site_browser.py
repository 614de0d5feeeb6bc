"""The built site in a real browser: Debian's Chromium, headless, driven by Playwright over CDP.

Checks what a reader sees: the ML Model spec page shows its field rows, the Mermaid diagrams are drawn as SVG (no
Mermaid source left on the page), the browser console has no errors, and no request leaves 127.0.0.1 (everything
the page needs is bundled). Screenshots are kept in ``build/test-artifacts/`` (or ``$MLKG_TEST_ARTIFACTS``).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("MLKG_TEST_ARTIFACTS", ROOT / "build" / "test-artifacts"))

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mlkg.docs.site import build

    return build(tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="module")
def server(site: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    errors: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def route(r):
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith("data:") or host == "127.0.0.1":
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="networkidle")
    return page, errors, foreign


def _nodes(node: dict, name: str) -> list[dict]:
    found = [node] if node.get("nodeName", "").lower() == name else []
    for child in node.get("children", []) + node.get("shadowRoots", []):
        found += _nodes(child, name)
    return found


def _classes(node: dict) -> list[str]:
    attrs = node.get("attributes") or []  # flat list: name, value, name, value, ...
    return dict(zip(attrs[::2], attrs[1::2], strict=False)).get("class", "").split()


def _mermaid_rendered(page) -> None:
    """Every Mermaid block holds a drawn SVG. The theme draws into a closed shadow root, which page scripts cannot
    see; the DevTools protocol can (DOM.getDocument with pierce)."""
    blocks = page.locator("div.mermaid").count()
    assert blocks > 0, "no Mermaid block on the page"
    cdp = page.context.new_cdp_session(page)
    drawn = 0
    for _ in range(40):
        doc = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
        divs = [d for d in _nodes(doc, "div") if "mermaid" in _classes(d)]
        drawn = sum(1 for d in divs if any(len(_nodes(svg, "g")) > 3 for r in d.get("shadowRoots", [])
                                           for svg in _nodes(r, "svg")))
        if drawn >= blocks:
            break
        page.wait_for_timeout(500)
    assert drawn == blocks, f"{blocks - drawn} of {blocks} Mermaid block(s) were not drawn as SVG"
    visible = page.inner_text("article")
    assert "flowchart LR" not in visible and "graph LR" not in visible and "-->|" not in visible, \
        "Mermaid source text is visible"


def test_ml_model_spec_page(browser, server) -> None:
    page, errors, foreign = _open(browser, f"{server}/reference/entities/MLModel/")
    row = page.locator("table tr", has_text="training_datasets").first
    text = row.inner_text()
    assert "trainingDatasets" in text and "mlkg:trainedOn" in text and "0..n" in text, text
    assert page.locator("h1").first.inner_text().strip().rstrip("¶") == "MLModel"
    _mermaid_rendered(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "spec-mlmodel.png"), full_page=False)
    assert not foreign, f"requests left 127.0.0.1: {foreign}"
    assert not errors, f"console errors: {errors}"


def test_tour_page(browser, server) -> None:
    page, errors, foreign = _open(browser, f"{server}/tour/")
    _mermaid_rendered(page)
    svg_img = page.locator("img[src$='fraud_lineage.svg']")
    assert svg_img.count() == 1
    assert page.evaluate("(img) => img.naturalWidth", svg_img.element_handle()) > 100, "the SVG did not load"
    assert "snowflake.analytics.public.fraud_scores" in page.inner_text("article")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "tour.png"), full_page=True)
    assert not foreign, f"requests left 127.0.0.1: {foreign}"
    assert not errors, f"console errors: {errors}"
