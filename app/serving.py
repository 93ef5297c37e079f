"""What a serving process (a gunicorn worker, ``flask run``) sets once its app is built, beside what the
app itself does: settings of the Python process, which the tests and the command line keep as Python has them.

Python's cyclic garbage collector examines its youngest objects each time 700 more containers have been
allocated than freed (``gc.get_threshold()``). A page allocates tens of thousands (mapped rows, template
contexts), so every request paid several collections, and every few seconds a full one walked all the
objects of the process (up to 70 ms with the app loaded). With ``GC_THRESHOLD`` (10,000 by default) a page
pays few and full collections become rare: in the mixed benchmark, 0.4 s of collections instead of 0.9 s
for 3,000 requests in process, and over HTTP a p99 of 92–96 ms instead of 131–133 (the collector still
runs, only less often; memory per worker unchanged, checked by ``bench/run.sh --mixed``).

A young collection still came in the middle of most pages, when the page's own objects were alive (10,000 and
more, each pointing to many others): 7 to 8 ms each, 2.4 % of the mixed workload's time. Once a request is over
its objects are gone, and a young collection only has what it left behind: with ``GC_AFTER_REQUEST`` (2,000 by
default) a request that leaves that many more allocations than frees gets one then, when its response has been
sent. The collector's automatic runs are unchanged (they still bound a long request's memory); they come less
often, since each request starts with few young objects. The same requests of the mix served both ways by turns
in one process (8,000 in batches of 50): 0.99 s of collections instead of 1.68 s, 1.5 % less CPU in all; the
same instructions (``bench/instructions.py``), fewer cache misses.
"""
from __future__ import annotations

import gc

from flask import Flask
from werkzeug.wsgi import ClosingIterator

from app.config import is_unset


def tune_process(app: Flask) -> None:
    """Apply ``GC_THRESHOLD`` (the youngest generation's; the older ones keep Python's) to this process, and
    ``GC_AFTER_REQUEST`` to ``app``'s requests."""
    threshold = app.config["GC_THRESHOLD"]
    if not is_unset(threshold):
        gc.set_threshold(int(threshold), *gc.get_threshold()[1:])
    left_behind = app.config["GC_AFTER_REQUEST"]
    if not is_unset(left_behind):
        app.wsgi_app = CollectAfterRequest(app.wsgi_app, int(left_behind))


class CollectAfterRequest:
    """WSGI middleware: a young collection once a response is sent, when the request left more than ``young``
    allocations than frees (``gc.get_count()``)."""

    def __init__(self, wsgi_app, young: int) -> None:
        self.wsgi_app = wsgi_app
        self.young = young

    def __call__(self, environ, start_response):
        return ClosingIterator(self.wsgi_app(environ, start_response), self.collect)

    def collect(self) -> None:
        if gc.get_count()[0] > self.young:
            gc.collect(0)
