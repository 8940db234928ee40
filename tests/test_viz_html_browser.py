"""The lecture page in a real headless Chromium: stepping, gradients shown, no network.

Needs Debian's ``chromium`` and the ``playwright`` Python package (never ``playwright
install``: the system browser is used). Skipped, saying why, when either is missing.
"""

from __future__ import annotations

import io
import shutil

import pytest

from autograd_mini.graph import toposort
from autograd_mini.viz.command import neuron, tf1_net
from autograd_mini.viz.html import to_html

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the playwright package is not installed")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install chromium)"),
    pytest.mark.skipif(shutil.which("dot") is None, reason="no graphviz dot program"),
]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = ("file:", "data:", "about:")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class Guarded:
    """A page whose every request is routed: anything not file:/data:/about: is aborted
    and remembered, as are script errors."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1600, "height": 900})
        self.remote: set[str] = set()  # seen by the router or as a request event
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: None if r.url.startswith(LOCAL)
                     else self.remote.add(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)

    def _route(self, route):
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            self.remote.add(route.request.url)
            route.abort()

    def open(self, path):
        self.page.goto(path.as_uri())
        return self.page


@pytest.fixture
def guarded(browser):
    g = Guarded(browser)
    yield g
    g.context.close()


def shown_grad(page, label: str) -> float:
    """The gradient written in a node's box right now."""
    texts = page.locator(f'#graph g.node[data-label="{label}"] text').all_text_contents()
    line = next(t for t in texts if t.startswith("grad "))
    return float(line.split()[1])


def nodes_by_name(root):
    out, stack = {}, [root]
    while stack:
        n = stack.pop()
        out[n.name] = n
        stack.extend(n.parents)
    return out


@pytest.fixture
def neuron_page(tmp_path):
    root = neuron()
    path = tmp_path / "neuron.html"
    to_html(root, path)
    root.backward()
    return root, path


def test_next_through_the_backward_pass_shows_the_engines_gradient_at_each_step(
        guarded, neuron_page):
    root, path = neuron_page
    nodes = nodes_by_name(root)
    page = guarded.open(path)
    visited = []
    while not page.locator("#next").is_disabled():
        page.click("#next")
        if page.locator("#phase").text_content() != "backward pass":
            continue
        label = page.locator("#graph g.node.current[data-label]").get_attribute("data-label")
        visited.append(label)
        assert shown_grad(page, label) == pytest.approx(nodes[label].grad, abs=1e-4), label
        for p in nodes[label].parents:  # each input has one user here: its gradient is done
            if p.requires_grad:
                assert shown_grad(page, p.name) == pytest.approx(p.grad, abs=1e-4), p.name
        assert f"{label}.grad = " in page.locator("#explain").text_content()
    assert visited == [n.name for n in toposort(root)]
    for name, node in nodes.items():  # the last step shows every gradient
        if node.requires_grad:
            assert shown_grad(page, name) == pytest.approx(node.grad, abs=1e-4), name
    assert guarded.remote == set() and guarded.errors == []


def test_forward_pass_lights_nodes_one_at_a_time(guarded, neuron_page):
    page = guarded.open(neuron_page[1])
    page.keyboard.press("ArrowRight")
    assert page.locator("#graph g.node.dim").count() > 0
    assert page.locator("#explain").text_content().startswith("x1 = 2")
    dims = [page.locator("#graph g.node.dim").count()]
    for _ in range(4):
        page.keyboard.press("ArrowRight")
        dims.append(page.locator("#graph g.node.dim").count())
    assert dims == sorted(dims, reverse=True) and dims[0] > dims[-1]


def test_back_returns_to_the_previous_gradient(guarded, neuron_page):
    page = guarded.open(neuron_page[1])
    page.keyboard.press("End")
    assert shown_grad(page, "w1") == pytest.approx(1.0)
    for _ in range(4):  # back to step 14: x1*w1 has not yet sent w1 its gradient
        page.click("#back")
    assert page.locator("#counter").text_content() == "step 14 / 18"
    texts = page.locator('#graph g.node[data-label="w1"] text').all_text_contents()
    assert "grad –" in texts


def test_hovering_a_node_shows_its_details(guarded, neuron_page):
    page = guarded.open(neuron_page[1])
    page.hover('#graph g.node[data-label="w1"]')
    assert "not computed yet" in page.locator("#details").text_content()
    for _ in range(5):  # the forward pass computes the leaves first
        page.keyboard.press("ArrowRight")
    page.hover('#graph g.node[data-label="x1"]')
    page.hover('#graph g.node[data-label="w1"]')
    details = page.locator("#details").text_content()
    assert "parameter" in details and "-3" in details and "not reached yet" in details


def test_play_runs_to_the_last_step_and_stops(guarded, tmp_path):
    path = tmp_path / "fast.html"
    to_html(neuron(), path, interval_ms=20)
    page = guarded.open(path)
    page.click("#play")
    assert page.locator("#play").text_content() == "Pause"
    sync_api.expect(page.locator("#counter")).to_have_text("step 18 / 18", timeout=15_000)
    sync_api.expect(page.locator("#play")).to_have_text("Play")


def test_clicking_a_node_shows_its_details(guarded, neuron_page):
    page = guarded.open(neuron_page[1])
    page.keyboard.press("End")
    page.click('#graph g.node[data-label="o"]')
    details = page.locator("#details").text_content()
    assert "tanh" in details and "1 - tanh(x)**2" in details and "0.7071" in details


def test_tensor_page_runs_and_shows_shapes(guarded, tmp_path):
    path = tmp_path / "net.html"
    to_html(tf1_net(), path)
    page = guarded.open(path)
    page.keyboard.press("End")
    page.click('#graph g.node[data-label="w1"]')
    details = page.locator("#details").text_content()
    assert "(2, 3)" in details and "float32" in details
    assert guarded.errors == [] and guarded.remote == set()


def text_heights(page) -> list[float]:
    return page.evaluate("() => Array.from(document.querySelectorAll('#graph svg text'))"
                         ".map(t => t.getBoundingClientRect().height).filter(h => h > 0)")


def test_seed_000s_page_is_legible_at_100_percent(guarded, tmp_path):
    path = tmp_path / "net.html"
    to_html(tf1_net(), path)
    page = guarded.open(path)  # 1600 x 900
    page.keyboard.press("End")
    heights = sorted(text_heights(page))
    assert page.locator("#zoom").text_content() == "100%"
    assert heights[len(heights) // 4] >= 15  # 14-point text drawn 12 px or more; was 10 px


def test_a_notebook_shows_the_page_inline_and_it_runs(guarded, tmp_path):
    path = tmp_path / "notebook.html"
    path.write_text(f"<html><body>{to_html(neuron())._repr_html_()}</body></html>",
                    encoding="utf-8")
    frame = guarded.open(path).frame_locator("iframe")
    frame.locator("#next").click()
    sync_api.expect(frame.locator("#counter")).to_have_text("step 1 / 18")
    assert guarded.errors == [] and guarded.remote == set()


def test_plus_key_zooms_the_drawing_beyond_the_window(guarded, neuron_page):
    page = guarded.open(neuron_page[1])
    fit = page.locator("#graph svg").bounding_box()["width"]
    page.keyboard.press("+")
    assert page.locator("#zoom").text_content() == "150%"
    assert page.locator("#graph svg").bounding_box()["width"] == pytest.approx(1.5 * fit, rel=0.05)
    page.keyboard.press("0")
    assert page.locator("#graph svg").bounding_box()["width"] == pytest.approx(fit, rel=0.01)


def test_screenshot_of_the_page_is_not_blank(guarded, neuron_page):
    from PIL import Image, ImageStat

    page = guarded.open(neuron_page[1])
    for _ in range(14):
        page.keyboard.press("ArrowRight")
    image = Image.open(io.BytesIO(page.screenshot())).convert("L")
    assert ImageStat.Stat(image).stddev[0] > 20  # a blank or one-colour page has ~0
    assert len(image.getcolors(256)) > 20


def test_the_network_guard_catches_a_remote_request(guarded, tmp_path):
    path = tmp_path / "remote.html"
    path.write_text('<img src="http://example.invalid/x.png">', encoding="utf-8")
    guarded.open(path)
    assert guarded.remote == {"http://example.invalid/x.png"}


def test_a_chinese_page_steps_with_chinese_words(guarded, tmp_path):
    from autograd_mini.i18n import language

    path = tmp_path / "zh.html"
    with language("zh"):
        to_html(neuron(), path, interval_ms=20)
    page = guarded.open(path)
    page.keyboard.press("End")
    assert page.locator("#phase").text_content() == "反向传播"
    assert page.locator("#counter").text_content() == "步骤 18 / 18"
    page.click('#graph g.node[data-label="w1"]')
    assert "类别参数" in page.locator("#details").text_content()  # <dt>类别</dt><dd>参数</dd>
    page.click("#play")
    assert page.locator("#play").text_content() == "暂停"
    sync_api.expect(page.locator("#play")).to_have_text("播放", timeout=15_000)
    assert guarded.errors == [] and guarded.remote == set()
