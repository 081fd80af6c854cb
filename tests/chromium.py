"""Debian's Chromium as the browser tests and the benchmark start it (never a downloaded one)."""

EXECUTABLE = "/usr/bin/chromium"
# The machines have no network but the package registries: without the background
# networking flags Chromium keeps trying to reach Google's services.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def launch(playwright):
    return playwright.chromium.launch(executable_path=EXECUTABLE, headless=True, args=ARGS)
