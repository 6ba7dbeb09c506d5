"""``pathgrad serve`` as a real process: it serves the step page, refuses what it should, and bounds every request."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from pathgrad.engine.expression import MAX_LENGTH
from pathgrad.viz.serve import MAX_URL_LENGTH, REQUEST_TIMEOUT
from tests.fuzz.parser_attacks import PARSER_ATTACKS, Attack

NEURON = "tanh(x1*w1 + x2*w2 + b)"
NEURON_AT = "x1=2,x2=0,w1=-3,w2=1,b=6.8814"


class Server:
    """A ``pathgrad serve --port 0 --no-browser`` process in an empty folder of its own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        # A test run started as a background job (``make test &`` from a script) has SIGINT
        # ignored, and an ignored signal is inherited: the server could not be stopped with
        # Ctrl+C. A handled one is reset to the default in the child, so Python's Ctrl+C works.
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pathgrad.viz", "serve", "--port", "0", "--no-browser"],
                cwd=folder,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        finally:
            signal.signal(signal.SIGINT, previous)
        line = self.process.stdout.readline()
        assert line.startswith("pathgrad serve: http://127.0.0.1:"), (line, self.process.stderr.read())
        self.url = line.split()[2]
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))

    def get(self, target: str, host: str | None = None, method: str = "GET", body: bytes | None = None):
        """(status, headers, body text) for one request; ``host`` replaces the Host header."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": host if host is not None else f"127.0.0.1:{self.port}"}
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        text = response.read().decode("utf-8")
        connection.close()
        return response.status, dict(response.getheaders()), text

    def threads(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("Threads:")))

    def stop(self) -> int:
        """Ctrl+C, by the process's own id; the exit code."""
        os.kill(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(timeout=10)
        finally:
            self.process.stdout.close()
            self.process.stderr.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("served"))
    yield running
    assert running.stop() == 0
    assert list(running.folder.iterdir()) == []  # it wrote nothing


def escaped(text: str, safe: str = "") -> str:
    """``text`` percent-escaped for a URL; a lone surrogate goes as the bytes a careless client sends (ED A0 80)."""
    return quote(text, safe=safe, errors="surrogatepass")


def step_target(expression: str, at: str) -> str:
    return f"/step?expr={escaped(expression)}&at={escaped(at, safe='=,')}"


def test_step_route_serves_exactly_the_page_pathgrad_step_writes(server, tmp_path):
    status, headers, page = server.get(step_target(NEURON, NEURON_AT))
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    written = tmp_path / "neuron.html"
    at = NEURON_AT.split(",")
    subprocess.run(
        [sys.executable, "-m", "pathgrad.viz", "step", NEURON, "--at", *at, "-o", str(written)], check=True
    )
    assert page == written.read_text(encoding="utf-8")


def test_the_lecture_page_frames_the_step_route_and_lists_a_field_per_name(server):
    status, headers, page = server.get("/?expr=" + quote("log(a) * a + c", safe="") + "&at=a=3")
    assert status == 200
    assert 'name="a" value="3"' in page and 'name="c" value="1"' in page  # a new name starts at 1
    assert 'src="/step?expr=log%28a%29%20%2A%20a%20%2B%20c&amp;at=a=3,c=1"' in page
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    status, _, default = server.get("/")
    assert status == 200 and "x1*w1 + x2*w2 + b" in default


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:80",
        "localhost",
        "127.0.0.1",
        "127.0.0.1:1",
        "localhost:{port}",
        "attacker.test:{port}",
        "",
    ],
)
def test_a_request_for_another_host_is_refused(server, host):
    status, _, page = server.get("/", host=host.format(port=server.port))
    assert status == 403
    assert f"answers requests for 127.0.0.1:{server.port} only" in page


def test_only_get_is_answered_and_a_body_is_never_read(server):
    status, headers, _ = server.get("/", method="POST", body=b"x" * 100_000)
    assert status == 405 and headers["Allow"] == "GET, HEAD"
    status, _, body = server.get("/", method="HEAD")
    assert status == 200 and body == ""


def test_bounds_on_url_expression_and_graph_size(server):
    status, _, page = server.get("/step?expr=" + "x" * (MAX_URL_LENGTH + 1))
    assert status == 414
    status, _, page = server.get(step_target("x" + "+x" * (MAX_LENGTH // 2), "x=1"))
    assert status == 413 and f"the limit is {MAX_LENGTH}" in page
    status, _, page = server.get(step_target("*".join(["x"] * 400), "x=1.0001"))
    assert status == 422 and "250" in page


def test_a_parse_error_names_its_line_and_column_in_the_page(server):
    status, _, page = server.get(step_target("n = x*w\no = tanh(n +)\no", "x=1,w=2"))
    assert status == 400
    assert "line 2, column 13" in page and "o = tanh(n +)" in page
    status, _, page = server.get(step_target("x * log(x - 5)", "x=2"))
    assert status == 400 and "column 5" in page and "log" in page
    status, _, page = server.get("/?expr=" + quote("tanh(x", safe="") + "&at=x=2")
    assert status == 400 and 'id="error"' in page and "column 7" in page and "<iframe" not in page


def test_a_client_that_sends_too_slowly_is_dropped(server):
    with socket.create_connection(("127.0.0.1", server.port)) as client:
        client.sendall(b"GET / HTTP/1.0\r\n")  # and never the rest
        client.settimeout(REQUEST_TIMEOUT + 10)
        started = time.monotonic()
        assert client.recv(100) == b""  # closed by the server
        assert time.monotonic() - started < REQUEST_TIMEOUT + 5
    assert server.get("/")[0] == 200


def at_text(values: dict) -> str:
    """An attack's values as the ``at`` parameter writes them (``x=2,w=-3``), whatever their type."""
    return ",".join(f"{name}={value}" for name, value in values.items())


@pytest.mark.parametrize("attack", PARSER_ATTACKS, ids=lambda attack: attack.name)
def test_every_parser_attack_gets_a_clear_4xx_and_leaves_nothing_behind(server, attack: Attack):
    threads = server.threads()
    expression, at = attack.text, at_text(attack.at)
    target = step_target(expression, at) if len(expression) < 4000 else "/step?expr=" + escaped(expression)
    status, headers, page = server.get(target)
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    if attack.error is None:  # valid, however odd: served
        assert status == 200 and 'id="step-data"' in page, (status, page[:300])
    else:
        assert 400 <= status < 500, (status, page[:300])
        assert '<pre id="message">' in page and len(page) < 20_000
    assert "<script>alert" not in page and "Traceback" not in page
    lecture = server.get(f"/?expr={escaped(expression[: MAX_LENGTH + 10])}&at={escaped(at, safe='=,')}")
    assert 400 <= lecture[0] < 500 or "<script>alert" not in lecture[2]
    assert server.get("/")[0] == 200
    assert list(server.folder.iterdir()) == []
    deadline = time.monotonic() + 5  # each request's thread ends with its answer
    while server.threads() > threads and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.threads() <= threads


# ------------------------------------------------------------------ in Chromium


def grad_cell(frame, expression: str, values: dict, name: str) -> tuple[str, float]:
    """The page's grad cell of the leaf ``name`` and the engine's grad for it."""
    from pathgrad.engine import topological_order
    from pathgrad.engine.expression import parse
    from pathgrad.viz.ids import node_id

    root = parse(expression, values)
    root.backward()
    order = topological_order(root)
    position, node = next((k, n) for k, n in enumerate(order) if n.label == name)
    return frame.locator(f"[id='{node_id(position, name)}-grad'] text").first.text_content(), node.grad


@pytest.fixture
def lecture_tab(browser, server):
    """A 1280×720 tab that may reach the lecture server and nothing else."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.set_default_timeout(10_000)
    blocked = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(server.url)
            else (blocked.append(route.request.url), route.abort())
        ),
    )
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == [] and blocked == []


@pytest.mark.browser
def test_a_changed_value_rebuilds_the_page_in_python_and_keeps_the_mode(lecture_tab, server, tmp_path):
    from pathgrad.viz.serve import DEFAULT_EXPRESSION, DEFAULT_VALUES
    from pathgrad.viz.text import parse_number

    tab = lecture_tab
    tab.goto(server.url)
    frame = tab.frame_locator("#stage")
    frame.locator("#counter:not(:empty)").wait_for()
    frame.locator("body").click(position={"x": 5, "y": 5})
    tab.keyboard.press("b")
    tab.keyboard.press("End")
    shown, grad = grad_cell(frame, DEFAULT_EXPRESSION, DEFAULT_VALUES, "w1")
    assert parse_number(shown.split()[-1]) == pytest.approx(grad, abs=5e-4)

    with tab.expect_response(lambda response: "w1%3D-2.5" in response.url and "/step" in response.url):
        tab.fill("input[name='w1']", "-2.5")
    frame.locator("#counter:not(:empty)").wait_for()
    changed = {**DEFAULT_VALUES, "w1": -2.5}
    shown, grad = grad_cell(frame, DEFAULT_EXPRESSION, changed, "w1")
    assert parse_number(shown.split()[-1]) == pytest.approx(grad, abs=5e-4) and abs(grad) > 0.1
    assert "active" in frame.locator("#mode-backward").get_attribute("class")  # still in backward ...
    step, total = frame.locator("#counter").text_content().removeprefix("step ").split(" / ")
    assert step == total  # ... at its last step
    tab.screenshot(path=str(tmp_path / "serve.png"), animations="disabled")


@pytest.mark.browser
def test_an_expression_error_shows_its_line_and_column_and_a_new_name_gets_a_field(lecture_tab, server):
    tab = lecture_tab
    tab.goto(server.url)
    tab.fill("#expression", "n = x1*w1 + b\no = tanh(n))\no")
    tab.press("#expression", "Control+Enter")
    tab.locator("#error").wait_for()
    assert "line 2, column 12" in tab.locator("#error").text_content()
    tab.fill("#expression", "relu(x1*w1 + k)")
    tab.press("#expression", "Control+Enter")
    tab.locator("input[name='k']").wait_for()
    assert tab.input_value("input[name='k']") == "1" and tab.input_value("input[name='w1']") == "-3"
    tab.frame_locator("#stage").locator("#counter:not(:empty)").wait_for()
