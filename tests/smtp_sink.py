"""A real SMTP server process for the outbox tests and benchmark (aiosmtpd).

Run as `python -m tests.smtp_sink PORT MAILDIR`: every accepted message lands in MAILDIR.
Recipients starting with `tempfail` get 451 (try later), with `reject` 550 (never).
"""

import mailbox
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Handler:
    def __init__(self, maildir: str):
        self.box = mailbox.Maildir(maildir, create=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("tempfail"):
            return "451 4.3.0 Try again later"
        if address.startswith("reject"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.box.add(envelope.original_content)
        return "250 Message accepted for delivery"


def serve(port: int, maildir: str) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(Handler(maildir), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_sink():
    """Start the sink in its own process; yield (port, maildir path); stop it after."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        maildir = str(Path(folder) / "maildir")  # made by the sink, with its subfolders
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.smtp_sink", str(port), maildir], cwd=ROOT
        )
        try:
            deadline = time.monotonic() + 15
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("the SMTP sink did not start") from None
                    time.sleep(0.1)
            yield port, maildir
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2])
