"""JupyterLab and Notebook 7 servers for tests, driven by the session's headless Chromium.

``jupyter_server("lab")`` (or ``"notebook"``) starts one server on 127.0.0.1 at a free
port with a random token, in a temporary root folder and with its own Jupyter config,
data and runtime folders (so no user setting, extension or notebook signature leaks
in); the test's teardown stops that server by its own process id. ``open_notebook``
opens a notebook in a fresh 1280×720 page and waits until its kernel is idle.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

STARTUP_SECONDS = 180
"""How long a server may take to answer: a fresh venv on a loaded machine took over 60 s."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class JupyterServer:
    """One running ``jupyter lab`` or ``jupyter notebook``: its root folder, address and token."""

    app: str
    root: Path
    port: int
    token: str
    process: subprocess.Popen
    log: Path
    pages: list = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, notebook: str) -> str:
        """The address that opens ``notebook`` (a path inside ``root``) in this app."""
        where = "lab/tree" if self.app == "lab" else "notebooks"
        return f"{self.base}/{where}/{notebook}?token={self.token}"

    def add(self, source: Path, name: str | None = None) -> str:
        """Copy ``source`` into the root folder; returns its name there."""
        name = name or source.name
        shutil.copyfile(source, self.root / name)
        return name

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter {self.app} exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/status?token={self.token}", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(
            f"jupyter {self.app} did not start in {STARTUP_SECONDS} s: {self.log.read_text()[-2000:]}"
        )

    def stop(self) -> None:
        """Stop this server (and the kernels it started) by its own process id."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def start_server(app: str, home: Path) -> JupyterServer:
    """``jupyter lab`` or ``jupyter notebook`` from this interpreter, on loopback, with a random token."""
    root, settings = home / "root", home / "jupyter"
    root.mkdir(parents=True)
    environment = dict(os.environ)
    for variable, folder in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
    ):
        (settings / folder).mkdir(parents=True)
        environment[variable] = str(settings / folder)
    # no "get notified about Jupyter news?" pop-up over the outputs
    (settings / "config" / "labconfig").mkdir()
    (settings / "config" / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    environment["JUPYTERLAB_SETTINGS_DIR"] = str(settings / "lab-settings")
    environment["JUPYTERLAB_WORKSPACES_DIR"] = str(settings / "lab-workspaces")
    environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        "jupyterlab" if app == "lab" else "notebook",
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        "--no-browser",
        "--allow-root",
        "--ServerApp.terminals_enabled=False",
        f"--ServerApp.root_dir={root}",
        # the test reads JupyterLab's command registry (window.jupyterapp) to run and save cells
        "--LabApp.expose_app_in_browser=True"
        if app == "lab"
        else "--JupyterNotebookApp.expose_app_in_browser=True",
    ]
    log = home / f"jupyter-{app}.log"
    with open(log, "wb") as stream:
        process = subprocess.Popen(
            command,
            cwd=root,
            env=environment,
            stdout=stream,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = JupyterServer(app, root, port, token, process, log)
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture
def jupyter_server(tmp_path):
    """A factory: ``jupyter_server("lab")`` or ``jupyter_server("notebook")``; each is stopped by its PID."""
    started: list[JupyterServer] = []

    def start(app: str = "lab") -> JupyterServer:
        if app not in ("lab", "notebook"):
            raise ValueError(f"unknown Jupyter app {app!r}; apps: 'lab', 'notebook'")
        server = start_server(app, tmp_path / f"{app}-{len(started)}")
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


class NotebookPage:
    """A JupyterLab or Notebook 7 page with one notebook open, and the app's command registry."""

    def __init__(self, page, server: JupyterServer) -> None:
        self.page = page
        self.server = server
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def command(self, name: str, timeout: float = 120_000) -> None:
        """Run one of the app's commands (``notebook:run-all-cells``, ``docmanager:save``) and wait for it."""
        self.page.evaluate(f"() => window.jupyterapp.commands.execute({name!r})")
        self.wait_idle(timeout)

    def wait_idle(self, timeout: float = 120_000) -> None:
        """Until no cell waits or runs (no ``[*]`` prompt) and the kernel is idle."""
        self.page.wait_for_function(
            """() => {
                const prompts = [...document.querySelectorAll('.jp-InputArea-prompt')];
                return prompts.length > 0 && prompts.every((p) => !p.textContent.includes('*'));
            }""",
            timeout=timeout,
        )

    def cells(self) -> int:
        return self.page.locator(".jp-Notebook .jp-Cell").count()

    def outputs(self):
        """Every output of the notebook's code cells, in order."""
        return self.page.locator(".jp-Notebook .jp-OutputArea-output")


@pytest.fixture
def open_notebook(browser):
    """``open_notebook(server, name)``: a fresh 1280×720 page showing the notebook, its kernel started."""
    contexts = []

    def open_(server: JupyterServer, name: str) -> NotebookPage:
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        under_test = NotebookPage(page, server)
        page.goto(server.url(name))
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
        page.wait_for_function(
            """() => {
                const widget = window.jupyterapp.shell.currentWidget;
                const kernel = widget && widget.sessionContext && widget.sessionContext.session
                    && widget.sessionContext.session.kernel;
                return kernel && kernel.status === 'idle';
            }""",
            timeout=60_000,
        )
        return under_test

    yield open_
    for context in contexts:
        context.close()


def execute(source: Path, target: Path) -> Path:
    """Run ``source`` top to bottom in a fresh kernel (nbclient) and write it, unsigned, to ``target``.

    A notebook no Jupyter server has signed opens untrusted, as a downloaded one does.
    """
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(source, as_version=4)
    NotebookClient(
        notebook, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(target.parent)}}
    ).execute()
    nbformat.write(notebook, target)
    return target


def pictures(page) -> list[dict]:
    """Every shown ``<img>`` in the page's outputs: its natural and shown size, and the output's width."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.jp-OutputArea-output img')].filter((img) => img.offsetParent !== null)
        .map((img) => {
            const box = img.getBoundingClientRect();
            const area = img.closest('.jp-OutputArea-output').getBoundingClientRect();
            return {natural: img.naturalWidth, width: box.width, height: box.height, area: area.width,
                    complete: img.complete};
        })"""
    )


def stepper_frame(page, index: int):
    """The ``index``-th step-through page's frame, after a click on its "click to control" cover."""
    stepper = page.locator(".pathgrad-stepper").nth(index)
    stepper.scroll_into_view_if_needed()
    stepper.locator(".pathgrad-cover").click()
    frame = stepper.locator("iframe").content_frame
    frame.locator("#counter:not(:empty)").wait_for()
    return frame


def counter(frame) -> int:
    """The step a page shows (``step 3 / 12`` → 3)."""
    return int(frame.locator("#counter").text_content().removeprefix("step ").split(" / ")[0])
