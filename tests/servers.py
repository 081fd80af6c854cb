"""A real portal server process (gunicorn) on 127.0.0.1, for browser, load and bench runs."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(
    app_spec: str = "portal:create_app()",
    env: dict | None = None,
    workers: int = 2,
    threads: int = 4,
):
    """Serve `app_spec` under gunicorn; yield its base URL; stop it afterwards."""
    port = free_port()
    environment = {**os.environ, "PORTAL_ENV": "test", **(env or {})}
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            app_spec,
        ],
        cwd=ROOT,
        env=environment,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(base_url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start with exit code {process.returncode}")
        try:
            requests.get(base_url + "/.well-known/security.txt", timeout=2)
            return
        except (requests.ConnectionError, requests.Timeout):
            # gunicorn accepts connections while its workers still import the app.
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {timeout} seconds")
