r"""``pathgrad serve``: a lecture server that rebuilds the step-through page for every change.

    GET /                                  the lecturer's page: an expression, a field per value,
                                           and the step page below them in a frame
    GET /step?expr=tanh(x*w)&at=x=2,w=-3   the step page, exactly as ``pathgrad step`` writes it
              [&mode=backward]             (opening in forward mode, or the one named)

Every page is built by the Python engine (``pathgrad.viz.step``) from the expression's grammar
(``pathgrad.engine.expression``); no text is ever passed to ``eval``. A parse or domain error
comes back as a 400 page that names the line and column.

It is built to be safe to leave running on a lecturer's laptop:

* it listens on 127.0.0.1 only, and refuses (403) a request whose ``Host`` header is not
  ``127.0.0.1:PORT``, so a web page cannot reach it through DNS rebinding;
* it answers GET and HEAD only, reads no request body, and bounds the URL
  (``MAX_URL_LENGTH``), the expression (``pathgrad.engine.expression.MAX_LENGTH``), the graph
  (``MAX_NODES``), the time a client may take to send its request (``REQUEST_TIMEOUT``)
  and the time a page may take to build (``BUILD_SECONDS``; one page is built at a time);
* it writes no files.
"""

from __future__ import annotations

import argparse
import html
import math
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

from pathgrad.engine.expression import MAX_LENGTH, ExpressionError, names_in, parse

from .commands import Command, UsageError
from .model import GraphTooLargeError
from .step.page import fill_template

__all__ = [
    "make_server",
    "serve",
    "step_page",
    "parse_values",
    "RequestError",
    "MAX_URL_LENGTH",
    "MAX_NODES",
    "BUILD_SECONDS",
    "REQUEST_TIMEOUT",
    "DEFAULT_EXPRESSION",
    "DEFAULT_VALUES",
]

MAX_URL_LENGTH = 8192
"""Longest request target accepted, in characters (an expression of ``MAX_LENGTH`` fits, escaped)."""

MAX_NODES = 250
"""Largest graph a page is built for (as ``pathgrad step --max-nodes``)."""

BUILD_SECONDS = 10.0
"""Longest a request waits for its page to be built."""

REQUEST_TIMEOUT = 5.0
"""Longest a client may take to send its request line and headers."""

DEFAULT_EXPRESSION = "n = x1*w1 + x2*w2 + b\no = tanh(n)\no"
DEFAULT_VALUES = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8814}
NEW_NAME_VALUE = 1.0
"""The value a name gets on the lecturer's page when the expression first uses it."""


class RequestError(ValueError):
    """A request that cannot be answered: ``status`` (a 4xx) and a message for the page."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


def parse_values(text: str) -> dict[str, float]:
    """``"x1=2,w1=-3"`` → ``{"x1": 2.0, "w1": -3.0}``; anything else is a ``RequestError`` naming it."""
    values: dict[str, float] = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        name, equals, number = pair.partition("=")
        name = name.strip()
        if not equals or not name.isidentifier():
            raise RequestError(HTTPStatus.BAD_REQUEST, f"at: {pair!r}: write NAME=VALUE, e.g. x1=2.5")
        if name in values:
            raise RequestError(HTTPStatus.BAD_REQUEST, f"at: {name!r} is given twice")
        try:
            value = float(number)
        except ValueError:
            raise RequestError(
                HTTPStatus.BAD_REQUEST, f"at: {pair!r}: {number.strip()!r} is not a number"
            ) from None
        if not math.isfinite(value):
            raise RequestError(HTTPStatus.BAD_REQUEST, f"at: {pair!r}: the value must be a finite number")
        values[name] = value
    return values


def format_values(values: dict[str, float]) -> str:
    """The inverse of ``parse_values``: ``{"x1": 2.0}`` → ``"x1=2"``."""
    return ",".join(
        f"{name}={value:g}" if value == float(f"{value:g}") else f"{name}={value!r}"
        for name, value in values.items()
    )


def _check_expression(expression: str) -> None:
    if len(expression) > MAX_LENGTH:
        raise RequestError(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            f"the expression is {len(expression)} characters long; the limit is {MAX_LENGTH}",
        )


def step_page(
    expression: str, values: dict[str, float], mode: str = "forward", max_nodes: int = MAX_NODES
) -> str:
    """The page ``pathgrad step EXPR --at ... --mode MODE`` writes, as a string; bad input is a ``RequestError``."""
    from .step.modes import MODES
    from .step.stepper import step

    if mode not in MODES:
        raise RequestError(HTTPStatus.BAD_REQUEST, f"unknown mode {mode!r}; modes: {', '.join(MODES)}")
    _check_expression(expression)
    try:
        used = names_in(expression)
        parse(expression, {name: values.get(name, NEW_NAME_VALUE) for name in used})  # the grammar first
        missing = [name for name in used if name not in values]
        if missing:
            raise RequestError(
                HTTPStatus.BAD_REQUEST,
                f"no value for {', '.join(map(repr, missing))}: add {','.join(f'{n}=1' for n in missing)} to at",
            )
        unused = [name for name in values if name not in used]
        if unused:
            raise RequestError(
                HTTPStatus.BAD_REQUEST,
                f"at gives {', '.join(map(repr, unused))}, which the expression does not use",
            )
        root = parse(expression, values)
    except ExpressionError as error:
        raise RequestError(HTTPStatus.BAD_REQUEST, f"in the expression, {error}") from None
    root.label = root.label or "out"
    try:
        title = "; ".join(line.strip() for line in expression.splitlines() if line.strip())
        stepper = step(root, mode=mode, title=f"Backprop step by step: {title}", max_nodes=max_nodes)
    except (GraphTooLargeError, ValueError) as error:
        raise RequestError(HTTPStatus.UNPROCESSABLE_ENTITY, str(error)) from None
    return stepper.html()


# ------------------------------------------------------------------ the lecturer's page


def _step_url(expression: str, values: dict[str, float]) -> str:
    return f"/step?expr={quote(expression, safe='')}&at={quote(format_values(values), safe='=,')}"


def lecture_page(expression: str, values: dict[str, float], error: str = "") -> str:
    """The editor: the expression, one number field per name, and the step page in a frame below.

    Changing a value reloads only the frame (``/step?...``, kept in the same mode and step);
    changing the expression reloads this page, which lists the new names.
    """
    try:
        names = names_in(expression)
    except ExpressionError:
        names = list(values)
    shown = {name: values.get(name, NEW_NAME_VALUE) for name in names}
    fields = "".join(
        f'<label class="value"><span>{html.escape(name)}</span>'
        f'<input type="number" step="any" name="{html.escape(name)}" value="{value:g}" '
        f'aria-label="value of {html.escape(name)}"></label>'
        for name, value in shown.items()
    )
    frame = (
        f'<p id="error" role="alert">{html.escape(error)}</p>'
        if error
        else f'<iframe id="stage" title="step-through" src="{html.escape(_step_url(expression, shown))}"></iframe>'
    )
    return fill_template(
        "serve.html",
        "serve.js",
        {"EXPRESSION": html.escape(expression), "FIELDS": fields, "FRAME": frame},
        package="pathgrad.viz",
    )


# ------------------------------------------------------------------ HTTP


class _Handler(BaseHTTPRequestHandler):
    server: _LectureServer
    timeout = REQUEST_TIMEOUT  # a client that sends its request too slowly is dropped
    server_version = "pathgrad"
    sys_version = ""
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        if self.server.verbose:
            super().log_message(format, *args)

    def do_HEAD(self) -> None:
        self.respond(head=True)

    def do_GET(self) -> None:
        self.respond(head=False)

    def _refuse_method(self) -> None:
        self.send_text(
            HTTPStatus.METHOD_NOT_ALLOWED, "pathgrad serve answers GET only", {"Allow": "GET, HEAD"}
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse_method

    def respond(self, head: bool) -> None:
        try:
            status, body = self.route()
        except RequestError as error:
            status, body = error.status, _error_page(error.status, str(error))
        self.send_body(status, body.encode("utf-8"), "text/html; charset=utf-8", head=head)

    def route(self) -> tuple[HTTPStatus, str]:
        if self.headers.get("Host") != self.server.host_header:
            raise RequestError(
                HTTPStatus.FORBIDDEN,
                f"this server answers requests for {self.server.host_header} only "
                f"(the request named {self.headers.get('Host')!r})",
            )
        if len(self.path) > MAX_URL_LENGTH:
            raise RequestError(
                HTTPStatus.REQUEST_URI_TOO_LONG, f"the URL is longer than {MAX_URL_LENGTH} characters"
            )
        url = urlsplit(self.path)
        try:
            query = parse_qs(
                url.query, keep_blank_values=True, strict_parsing=False, max_num_fields=8, errors="strict"
            )
        except (ValueError, UnicodeDecodeError) as error:
            raise RequestError(HTTPStatus.BAD_REQUEST, f"the query cannot be read: {error}") from None
        for key, found in query.items():
            if len(found) > 1:
                raise RequestError(HTTPStatus.BAD_REQUEST, f"{key!r} is given {len(found)} times")
        expression = query.get("expr", [""])[0]
        at = query.get("at", [""])[0]
        if "\x00" in expression:
            raise RequestError(HTTPStatus.BAD_REQUEST, "the expression holds a NUL character")
        if url.path == "/":
            if not expression:
                return HTTPStatus.OK, lecture_page(DEFAULT_EXPRESSION, DEFAULT_VALUES)
            _check_expression(expression)
            values = parse_values(at)
            try:
                names_in(expression)
                parse(expression, {**{n: NEW_NAME_VALUE for n in names_in(expression)}, **values})
            except ExpressionError as error:
                return HTTPStatus.BAD_REQUEST, lecture_page(expression, values, f"in the expression, {error}")
            return HTTPStatus.OK, lecture_page(expression, values)
        if url.path == "/step":
            if not expression:
                raise RequestError(
                    HTTPStatus.BAD_REQUEST, "give the expression: /step?expr=tanh(x*w)&at=x=2,w=-3"
                )
            mode = query.get("mode", ["forward"])[0]
            return HTTPStatus.OK, self.server.build(
                lambda: step_page(expression, parse_values(at), mode, self.server.max_nodes)
            )
        raise RequestError(HTTPStatus.NOT_FOUND, f"no page {url.path!r}; pages: / and /step?expr=...&at=...")

    def send_text(self, status: HTTPStatus, text: str, headers: dict[str, str] | None = None) -> None:
        self.send_body(status, text.encode("utf-8"), "text/plain; charset=utf-8", headers=headers)

    def send_body(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        head: bool = False,
        headers: dict | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        # only this server's own lecturer page may frame its pages
        self.send_header("Content-Security-Policy", "frame-ancestors 'self'")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)


def _error_page(status: HTTPStatus, message: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{status.value} {html.escape(status.phrase)}</title>"
        "<style>body{font:20px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
        "pre{font:22px/1.35 ui-monospace,Menlo,Consolas,monospace;background:#fdf0ef;border-left:6px solid #c0392b;"
        "padding:.6em .8em;white-space:pre-wrap}</style></head><body>"
        f'<h1>{status.value} {html.escape(status.phrase)}</h1><pre id="message">{html.escape(message)}</pre></body></html>'
    )


class _LectureServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, max_nodes: int, verbose: bool) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.host_header = f"127.0.0.1:{self.server_address[1]}"
        self.max_nodes = max_nodes
        self.verbose = verbose
        self._building = threading.Semaphore(1)

    @property
    def url(self) -> str:
        return f"http://{self.host_header}/"

    def build(self, make_page) -> str:
        """Run ``make_page`` in a worker thread, one at a time; give up (503) after ``BUILD_SECONDS``."""
        started = time.monotonic()
        if not self._building.acquire(timeout=BUILD_SECONDS):
            raise RequestError(HTTPStatus.SERVICE_UNAVAILABLE, "another page is still being built; try again")
        result: dict[str, object] = {}

        def work() -> None:
            try:
                result["page"] = make_page()
            except Exception as error:  # handed back to the request's thread
                result["error"] = error
            finally:
                self._building.release()

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        worker.join(max(0.0, BUILD_SECONDS - (time.monotonic() - started)))
        if worker.is_alive():
            raise RequestError(
                HTTPStatus.SERVICE_UNAVAILABLE, f"the page took longer than {BUILD_SECONDS:g} s to build"
            )
        if "error" in result:
            error = result["error"]
            if isinstance(error, RequestError):
                raise error
            raise RequestError(HTTPStatus.UNPROCESSABLE_ENTITY, f"{type(error).__name__}: {error}")
        return result["page"]  # type: ignore[return-value]


def make_server(port: int = 0, max_nodes: int = MAX_NODES, verbose: bool = False) -> _LectureServer:
    """A lecture server bound to 127.0.0.1:``port`` (0: a free port); ``.url``, ``.serve_forever()``."""
    return _LectureServer(port, max_nodes, verbose)


def serve(server: _LectureServer, open_browser: bool = True) -> None:
    """Print the URL (and open it in a browser), then serve until interrupted."""
    print(f"pathgrad serve: {server.url}  (Ctrl+C stops it)", flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


# ------------------------------------------------------------------ the subcommand


SERVE_EXAMPLES = """examples:
  pathgrad serve
  pathgrad serve --port 8765 --no-browser
"""


def configure_serve(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=8765, help="the port on 127.0.0.1 (default 8765; 0: any free one)"
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="print the URL instead of opening a browser"
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")


def run_serve(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: a port is between 0 and 65535")
    try:
        server = make_server(args.port, verbose=args.verbose)
    except OSError as error:
        raise UsageError(
            f"--port {args.port}: {error.strerror or error}; try another port or --port 0"
        ) from None
    serve(server, open_browser=not args.no_browser)
    return 0


SERVE_COMMAND = Command(
    "serve",
    "serve a page where a lecturer edits an expression and its values and steps through it",
    SERVE_EXAMPLES,
    configure_serve,
    run_serve,
)
