"""Per-process caches for what is the same for every resident: rendered pages and links.

Each worker keeps its own small cache; nothing here is shared between processes, so an entry
lives at most `ttl` seconds before a worker renders it again. The caches hang off the app, so
two apps in one process (as in the tests) never see each other's pages.
"""

import threading
from collections.abc import Callable, Hashable
from functools import wraps

from cachetools import LRUCache, TTLCache
from flask import Flask, current_app, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

SHARED_PAGE_TTL = 300  # seconds; settings and templates only change with a restart anyway


class Memo:
    """A thread-safe cache: `get(key, compute)` returns the cached value or computes it."""

    def __init__(self, cache):
        self._cache = cache
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], object]):
        with self._lock:
            try:
                return self._cache[key]
            except KeyError:
                pass
        value = compute()  # outside the lock: two threads may both render; both are right
        with self._lock:
            self._cache[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


def init_app(app: Flask) -> None:
    app.extensions["shared_pages"] = Memo(TTLCache(maxsize=64, ttl=SHARED_PAGE_TTL))
    # Keyed by the request path, which anyone can choose (404 pages too), so bounded.
    app.extensions["path_links"] = Memo(LRUCache(maxsize=1024))


def memo(name: str) -> Memo:
    return current_app.extensions[name]


CSRF_SLOT = "\x00csrf\x00"  # cannot occur in rendered HTML: text.clean removes NUL


def shared_form_page(key: Hashable, render: Callable[[], str]) -> str:
    """An empty form that is the same for everyone but its CSRF token, rendered once.

    The first render carries this session's token; the cached copy has a slot where it was,
    filled with each visitor's own token. Everything else on the page must be the same for
    every visitor with this `key`.
    """
    token = generate_csrf()  # the same token the form renders in this request
    page = memo("shared_pages").get(key, lambda: render().replace(token, CSRF_SLOT))
    return page.replace(CSRF_SLOT, token)


def shared_page(view):
    """Render a page once per language and serve that HTML to every resident.

    Only for pages that read neither the session nor the query string (other than the
    language): the start page and the statements. Headers are still set per response.
    """

    @wraps(view)
    def cached_view(**kwargs):
        key = (request.endpoint, str(get_locale()), request.script_root, *kwargs.items())
        return memo("shared_pages").get(key, lambda: view(**kwargs))

    return cached_view
