"""Python's cycle collector, run rarely while a PDF is being made.

WeasyPrint makes millions of objects that live until the PDF is written, and the collector,
at its default of a pass per 700 new objects, walks them over and over: a sixth of the time
of a council report of 300 themes. While any PDF is being made in this process it runs a
pass per 50,000 instead; reference counting still frees everything else at once.

`rare_collections()` is a context manager and a decorator. It imports nothing heavy, so
modules can use it at import time and still load WeasyPrint on first use.
"""

import gc
import threading
from contextlib import contextmanager

RENDERING_THRESHOLDS = (50_000, 20, 100)  # gc.set_threshold while any PDF is being made
_lock = threading.Lock()
_rendering = 0  # PDFs being made in this process now (threads of one worker)
_thresholds = gc.get_threshold()


@contextmanager
def rare_collections():
    """Collect cycles rarely until the last PDF being made in this process is done."""
    global _rendering, _thresholds
    with _lock:
        if not _rendering:
            _thresholds = gc.get_threshold()
            gc.set_threshold(*RENDERING_THRESHOLDS)
        _rendering += 1
    try:
        yield
    finally:
        with _lock:
            _rendering -= 1
            if not _rendering:
                gc.set_threshold(*_thresholds)
