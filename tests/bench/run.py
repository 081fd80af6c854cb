"""The bench: page weight and request count in headless Chromium, throughput with wrk.

    .venv/bin/python -m tests.bench.run        (or: make bench)

For the start page, the submit page (the obstacle form) and the status page:

* Page weight: every request a fresh, empty-cache Chromium context makes to show the page,
  counted with the DevTools protocol. "Transferred" is the sum of
  Network.loadingFinished.encodedDataLength: the bytes that came over the wire, response
  headers included. gunicorn does not compress, so that figure is uncompressed. The
  "gzip" figure is what the same page weighs behind a compressing reverse proxy: per
  response the header bytes as received, plus a Content-Encoding line, plus the body
  compressed with Python's gzip at level 6 (never more than the raw body). THE GZIP FIGURE
  IS THE ONE COMPARED TO THE 30 KB TARGET (the issue asks for the size "with compression");
  1 KB = 1000 bytes, the stricter reading.
* Throughput: wrk -t2 -c20 -d10s against 127.0.0.1, for each page and for a bare Flask
  "hello" app (tests/bench/hello.py), both under gunicorn with the same settings in the
  same run; the ratio is page requests per second / hello requests per second. A run with
  any non-2xx/3xx response or socket timeout counts as failed.

A table goes to stdout, then the same figures as one JSON object on the last line.
Exit code 0 when every target is met, 1 when one is missed. This is not a pytest test.
"""

import base64
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import requests
from bs4 import BeautifulSoup

# The bench always runs on its own temporary SQLite file, never on TEST_DATABASE_URL.
os.environ.pop("TEST_DATABASE_URL", None)

from portal import create_app  # noqa: E402
from portal.db import engine_for, session_for  # noqa: E402
from portal.domain import demo  # noqa: E402
from tests import chromium  # noqa: E402
from tests.databases import migrate, test_database_url  # noqa: E402
from tests.servers import running_server  # noqa: E402

PAGES = {
    "start": "/",
    "submit": "/meedoen/obstakel",
    "status": "/volgen/inbreng",
}
MAX_PAGE_BYTES = 30_000  # 30 KB, compared with the gzip figure
MAX_PAGE_REQUESTS = 5
MIN_THROUGHPUT_RATIO = 0.5

# The same gunicorn settings for the portal and for hello: 2 sync workers for 2 cores.
WORKERS = 2
THREADS = 1
# --preload: the master imports the app before it binds the port, so the workers answer
# at once when running_server sends its first request (1 s read timeout). Without it,
# workers importing the portal on a busy machine take longer than that and the start
# fails. It changes nothing in how requests are served; both apps get it.
GUNICORN_ENV = {"GUNICORN_CMD_ARGS": "--preload"}
WRK = ["/usr/bin/wrk", "-t2", "-c20", "-d10s", "--timeout", "5s"]
WRK_WARMUP = ["/usr/bin/wrk", "-t1", "-c4", "-d1s"]


SECRET_KEY = "bench-secret-key-" + "x" * 40
UNLIMITED = "1000000 per minute"
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CONTENT_ENCODING_LINE = len(b"Content-Encoding: gzip\r\n")


# --- set-up --------------------------------------------------------------------------------


def prepare_database() -> str:
    """A fresh, migrated SQLite database with the demo gemeente loaded."""
    url = test_database_url("bench")
    assert url.startswith("sqlite:///"), url
    migrate(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY})
    with session_for(app) as session:
        demo.load(session)
        session.commit()
    engine_for(app).dispose()
    return url


@contextmanager
def serve(app_spec: str, env: dict | None = None, attempts: int = 3):
    """running_server with the bench's gunicorn settings, tried again after a slow start.

    running_server waits for the first answer with a 1 s read timeout and only retries on a
    refused connection; on a busy machine the workers can take longer than that to import
    the app, and the start fails with a ReadTimeout (the server is stopped again).
    """
    for attempt in range(1, attempts + 1):
        stack = ExitStack()
        try:
            base = stack.enter_context(
                running_server(
                    app_spec, env={**GUNICORN_ENV, **(env or {})}, workers=WORKERS, threads=THREADS
                )
            )
        except requests.Timeout:
            stack.close()
            if attempt == attempts:
                raise
            print(f"{app_spec} was slow to start; starting it again", flush=True)
            continue
        with stack:
            yield base
        return


def portal_env(url: str) -> dict:
    """The portal as production runs it, with the limits of the routes the bench sends to
    lifted. No RATELIMIT_DEFAULT: production sets none, and one would put a limiter check
    on every request (about a sixth of the start page's time)."""
    return {
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "PORTAL_ENV": "test",
        "RATELIMIT_SUBMIT": UNLIMITED,
        "RATELIMIT_LOOKUP": UNLIMITED,
    }


def _csrf(response: requests.Response) -> str:
    response.raise_for_status()
    match = CSRF_FIELD.search(response.text)
    assert match, f"no CSRF token on {response.url}"
    return match.group(1)


def status_session(base: str) -> dict[str, str]:
    """Send one obstacle the way a resident does, look it up; return the session cookies."""
    http = requests.Session()
    token = _csrf(http.get(base + "/meedoen/obstakel", timeout=10))
    form = {
        "csrf_token": token,
        "website": "",
        "text": "De stoep bij de bibliotheek is te smal voor mijn rollator.",
        "height": "",
        "life_domain": "",
        "neighbourhood": "",
        "email": "",
    }
    checked = http.post(base + "/meedoen/obstakel", data=form, timeout=10)
    assert urlsplit(checked.url).path == "/meedoen/controleren", checked.url
    received = http.post(
        base + "/meedoen/versturen", data={"csrf_token": _csrf(checked), "website": ""}, timeout=10
    )
    assert urlsplit(received.url).path == "/meedoen/ontvangen", received.url
    code = BeautifulSoup(received.text, "html.parser").select_one(".receipt-code")
    assert code is not None, "no receipt code on /meedoen/ontvangen"
    code = code.get_text(strip=True)

    token = _csrf(http.get(base + "/volgen", timeout=10))
    status = http.post(
        base + "/volgen", data={"csrf_token": token, "website": "", "code": code}, timeout=10
    )
    assert status.status_code == 200 and urlsplit(status.url).path == PAGES["status"], status.url
    assert code in status.text, "the status page does not show the receipt code"
    return {cookie.name: cookie.value for cookie in http.cookies}


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def check_pages(base: str, cookies: dict[str, str]) -> None:
    """Every page answers 200 with HTML, not a redirect, before anything is measured."""
    for name, path in PAGES.items():
        response = requests.get(
            base + path,
            cookies=cookies if name == "status" else None,
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        assert response.headers["Content-Type"].startswith("text/html"), path


# --- page weight in Chromium ---------------------------------------------------------------


def page_weight(browser, base: str, path: str, cookies: dict[str, str] | None) -> dict:
    """Load `path` in a fresh context (empty cache); count requests and bytes."""
    context = browser.new_context()
    if cookies:
        context.add_cookies(
            [{"name": name, "value": value, "url": base} for name, value in cookies.items()]
        )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    records: dict[str, dict] = {}

    def sent(event):
        request_id = event["requestId"]
        if "redirectResponse" in event and request_id in records:
            # The redirect is a request of its own: keep it under another key.
            previous = records.pop(request_id)
            previous.update(
                status=event["redirectResponse"]["status"],
                transferred=event["redirectResponse"].get("encodedDataLength", 0),
                finished=True,
                redirect=True,
            )
            records[f"{request_id}/{len(records)}"] = previous
        # ExtraInfo events may come first: add to what is there, do not replace it.
        records.setdefault(request_id, {}).update(url=event["request"]["url"])

    def received(event):
        record = records.setdefault(event["requestId"], {"url": event["response"]["url"]})
        response = event["response"]
        record.update(
            status=response["status"],
            mime=response.get("mimeType", ""),
            encoding={k.lower(): v for k, v in response.get("headers", {}).items()}.get(
                "content-encoding", ""
            ),
        )

    def extra_info(event):
        record = records.setdefault(event["requestId"], {"url": ""})
        if event.get("headersText"):
            record["header_bytes"] = len(event["headersText"].encode("latin-1", "replace"))

    def finished(event):
        record = records.setdefault(event["requestId"], {"url": ""})
        record.update(transferred=int(event["encodedDataLength"]), finished=True)

    def failed(event):
        record = records.setdefault(event["requestId"], {"url": ""})
        record.update(failed=event.get("errorText", "failed"), transferred=0, finished=True)

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.responseReceivedExtraInfo", extra_info)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.loadingFailed", failed)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    response = page.goto(base + path, wait_until="load")
    assert response is not None and response.status == 200, f"{path} did not answer 200"
    page.wait_for_load_state("networkidle")
    deadline = time.monotonic() + 5
    while not all(r.get("finished") for r in records.values()) and time.monotonic() < deadline:
        page.wait_for_timeout(50)

    rows = []
    for request_id, record in records.items():
        transferred = record.get("transferred", 0)
        body = b""
        if not record.get("redirect") and not record.get("failed"):
            try:
                got = cdp.send("Network.getResponseBody", {"requestId": request_id})
            except Exception as error:  # no body kept: counted as transferred, uncompressed
                print(f"  no body for {record.get('url')}: {error}", flush=True)
                got = {"body": "", "base64Encoded": False}
            body = base64.b64decode(got["body"]) if got["base64Encoded"] else got["body"].encode()
        header_bytes = record.get("header_bytes")
        if header_bytes is None:
            # No raw headers from Chromium: what came over the wire minus the body.
            header_bytes = max(transferred - len(body), 0) if not record.get("encoding") else 0
        if record.get("encoding") or not body:
            compressed = transferred  # already compressed, or nothing to compress
        else:
            # A proxy sends the gzip body with one more header line, or the raw body if smaller.
            gzipped = len(gzip.compress(body, compresslevel=6, mtime=0)) + CONTENT_ENCODING_LINE
            compressed = header_bytes + min(gzipped, len(body))
        rows.append(
            {
                "url": record["url"].removeprefix(base),
                "status": record.get("status"),
                "mime": record.get("mime", ""),
                "transferred": transferred,
                "header_bytes": header_bytes,
                "body_bytes": len(body),
                "gzip": compressed,
                **({"failed": record["failed"]} if record.get("failed") else {}),
            }
        )
    context.close()
    return {
        "requests": len(rows),
        "transferred": sum(r["transferred"] for r in rows),
        "gzip": sum(r["gzip"] for r in rows),
        "resources": rows,
    }


def measure_weights(base: str, cookies: dict[str, str]) -> dict:
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            for name, path in PAGES.items():
                results[name] = page_weight(
                    browser, base, path, cookies if name == "status" else None
                )
        finally:
            browser.close()
    return results


# --- throughput with wrk -------------------------------------------------------------------

_RPS = re.compile(r"Requests/sec:\s*([\d.]+)")
_TOTAL = re.compile(r"(\d+) requests in")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s*(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def wrk(url: str, cookie: str | None = None, command: list[str] = WRK) -> dict:
    assert url.startswith("http://127.0.0.1:"), url  # bounded: never anything but loopback
    args = [*command, url]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    output = done.stdout + done.stderr
    rps = _RPS.search(output)
    total = _TOTAL.search(output)
    non_2xx = _NON_2XX.search(output)
    socket = _SOCKET.search(output)
    errors = {}
    if socket:
        errors = dict(
            zip(("connect", "read", "write", "timeout"), map(int, socket.groups()), strict=True)
        )
    result = {
        "rps": float(rps.group(1)) if rps else 0.0,
        "requests": int(total.group(1)) if total else 0,
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors,
    }
    problems = []
    if done.returncode != 0 or not rps:
        problems.append(f"wrk failed (exit {done.returncode}): {output.strip()[-300:]}")
    if result["non_2xx_3xx"]:
        problems.append(f"{result['non_2xx_3xx']} non-2xx/3xx responses")
    if errors.get("connect") or errors.get("timeout"):
        problems.append(f"socket errors {errors}")
    result["ok"] = not problems
    result["problems"] = problems
    return result


def measure_throughput(base: str, cookies: dict[str, str]) -> dict:
    results = {}
    for name, path in PAGES.items():
        cookie = cookie_header(cookies) if name == "status" else None
        wrk(base + path, cookie, WRK_WARMUP)  # every worker has compiled its templates
        results[name] = wrk(base + path, cookie)
    return results


# --- report --------------------------------------------------------------------------------


def kb(n: int) -> str:
    return f"{n / 1000:.1f} KB"


def report(weights: dict, throughput: dict, hello: dict, seconds: float) -> int:
    missed = []
    figures = {
        "targets": {
            "max_page_bytes_gzip": MAX_PAGE_BYTES,
            "max_page_requests": MAX_PAGE_REQUESTS,
            "min_throughput_ratio": MIN_THROUGHPUT_RATIO,
        },
        "gunicorn": {
            "workers": WORKERS,
            "threads": THREADS,
            "worker_class": "sync",
            "args": GUNICORN_ENV["GUNICORN_CMD_ARGS"],
        },
        "cpus": os.cpu_count(),
        "load_average": LOAD,
        "wrk": " ".join(WRK[1:]),
        "hello": {k: hello[k] for k in ("rps", "runs", "ok", "problems")},
        "pages": {},
    }

    print()
    print("Page weight: headless Chromium, fresh context (empty cache) per page")
    print("  transferred = sum of CDP Network.loadingFinished.encodedDataLength (headers + body,")
    print("                uncompressed: gunicorn does not compress)")
    print("  gzip        = headers as received + Content-Encoding line + gzip -6 of each body")
    print(f"  target: gzip <= {kb(MAX_PAGE_BYTES)} and <= {MAX_PAGE_REQUESTS} requests per page")
    print()
    print(f"  {'page':<7} {'path':<18} {'requests':>8} {'transferred':>12} {'gzip':>10}  verdict")
    for name, path in PAGES.items():
        w = weights[name]
        ok = w["gzip"] <= MAX_PAGE_BYTES and w["requests"] <= MAX_PAGE_REQUESTS
        if w["gzip"] > MAX_PAGE_BYTES:
            missed.append(f"{name}: {kb(w['gzip'])} gzip > {kb(MAX_PAGE_BYTES)}")
        if w["requests"] > MAX_PAGE_REQUESTS:
            missed.append(f"{name}: {w['requests']} requests > {MAX_PAGE_REQUESTS}")
        print(
            f"  {name:<7} {path:<18} {w['requests']:>8} {w['transferred']:>12,} "
            f"{w['gzip']:>10,}  {'ok' if ok else 'MISSED'}"
        )
        for r in w["resources"]:
            note = f" FAILED {r['failed']}" if "failed" in r else ""
            print(
                f"  {'':<7}   {r['url'][:36]:<36} {r['status']!s:>4} {r['mime'][:14]:<14} "
                f"{r['transferred']:>7,} B (headers {r['header_bytes']:,}, "
                f"body {r['body_bytes']:,}), gzip {r['gzip']:,}{note}"
            )
        figures["pages"][name] = {
            "path": path,
            "requests": w["requests"],
            "bytes_transferred": w["transferred"],
            "bytes_gzip": w["gzip"],
            "resources": [
                {k: r[k] for k in ("url", "status", "mime", "transferred", "gzip")}
                for r in w["resources"]
            ],
        }

    print()
    print(
        f"Throughput: gunicorn {WORKERS} sync workers x {THREADS} thread, "
        f"{' '.join(WRK[1:])}, 127.0.0.1"
    )
    print(f"  target: page rps / hello rps >= {MIN_THROUGHPUT_RATIO}")
    print()
    print(f"  {'app':<7} {'path':<18} {'req/s':>10} {'requests':>9} {'ratio':>7}  verdict")
    hello_note = "" if hello["ok"] else "FAILED: " + "; ".join(hello["problems"])
    print(
        f"  {'hello':<7} {'/':<18} {hello['rps']:>10,.1f} {hello['requests']:>9,} "
        f"{'1.00':>7}  {hello_note}"
    )
    low, high = min(hello["runs"]), max(hello["runs"])
    print(
        f"  {'':<7} hello: {hello['runs'][0]:,.1f} req/s before the pages, "
        f"{hello['runs'][-1]:,.1f} after; the ratio uses their mean"
    )
    if high > 1.2 * low:
        print("  NOTE: the two hello runs differ by more than 20%: the machine was busier part")
        print("        of the time, so the ratios are less certain than they look")
    if not hello["ok"]:
        missed.append("hello: measurement failed: " + "; ".join(hello["problems"]))
    for name, path in PAGES.items():
        t = throughput[name]
        ratio = t["rps"] / hello["rps"] if hello["rps"] else 0.0
        ok = t["ok"] and hello["ok"] and ratio >= MIN_THROUGHPUT_RATIO
        verdict = "ok" if ok else "MISSED"
        if not t["ok"]:
            verdict = "FAILED: " + "; ".join(t["problems"])
            missed.append(f"{name}: throughput measurement failed: " + "; ".join(t["problems"]))
        elif ratio < MIN_THROUGHPUT_RATIO:
            missed.append(f"{name}: throughput ratio {ratio:.2f} < {MIN_THROUGHPUT_RATIO}")
        print(
            f"  {name:<7} {path:<18} {t['rps']:>10,.1f} {t['requests']:>9,} {ratio:>7.2f}  "
            f"{verdict}"
        )
        figures["pages"][name].update(
            rps=t["rps"],
            ratio=round(ratio, 3),
            wrk_ok=t["ok"],
            non_2xx_3xx=t["non_2xx_3xx"],
            socket_errors=t["socket_errors"],
        )

    print()
    print(f"Run time: {seconds:.0f} s")
    print(
        f"Load average (1 min) on {os.cpu_count()} CPUs: {LOAD['start']:.2f} before the bench "
        f"started anything, {LOAD['end']:.2f} at the end (the bench's own load included)"
    )
    if LOAD["start"] > 1.0:
        print("  NOTE: other work was running on this machine: the throughput figures are noisy")
    if missed:
        print("Targets missed:")
        for line in missed:
            print(f"  - {line}")
    else:
        print("All targets met.")
    figures["missed"] = missed
    figures["ok"] = not missed
    figures["seconds"] = round(seconds, 1)
    print(json.dumps(figures, ensure_ascii=False, separators=(",", ":")))
    return 0 if not missed else 1


LOAD = {"start": 0.0, "end": 0.0}


def main() -> int:
    started = time.monotonic()
    LOAD["start"] = os.getloadavg()[0]
    # The bench process itself builds an app once (to load the demo): keep it off instance/.
    os.environ.setdefault("SECRET_KEY", SECRET_KEY)
    os.environ.setdefault("PORTAL_ENV", "test")
    url = prepare_database()
    folder = Path(url.removeprefix("sqlite:///")).parent
    try:
        with (
            serve("portal:create_app()", env=portal_env(url)) as base,
            serve("tests.bench.hello:app") as hello_base,
        ):
            cookies = status_session(base)
            check_pages(base, cookies)
            print(
                f"Portal on {base}, hello on {hello_base} (gunicorn {WORKERS} sync workers, "
                f"{GUNICORN_ENV['GUNICORN_CMD_ARGS']})",
                flush=True,
            )
            weights = measure_weights(base, cookies)
            # hello before and after the pages: a machine that gets busier or quieter during
            # the run shows as two different hello figures instead of a skewed ratio.
            wrk(hello_base + "/", None, WRK_WARMUP)
            hello_runs = [wrk(hello_base + "/")]
            throughput = measure_throughput(base, cookies)
            hello_runs.append(wrk(hello_base + "/"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    hello = {
        "rps": sum(run["rps"] for run in hello_runs) / len(hello_runs),
        "runs": [run["rps"] for run in hello_runs],
        "requests": sum(run["requests"] for run in hello_runs),
        "ok": all(run["ok"] for run in hello_runs),
        "problems": [problem for run in hello_runs for problem in run["problems"]],
    }
    LOAD["end"] = os.getloadavg()[0]
    return report(weights, throughput, hello, time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
