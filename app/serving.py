"""What a serving process (a gunicorn worker, ``flask run``) sets once its app is built, beside what the
app itself does: settings of the Python process, which the tests and the command line keep as Python has them.

Python's cyclic garbage collector examines its youngest objects each time 700 more containers have been
allocated than freed (``gc.get_threshold()``). A page allocates tens of thousands (mapped rows, template
contexts), so every request paid several collections, and every few seconds a full one walked all the
objects of the process (up to 70 ms with the app loaded). With ``GC_THRESHOLD`` (10,000 by default) a page
pays few and full collections become rare: in the mixed benchmark, 0.4 s of collections instead of 0.9 s
for 3,000 requests in process, and over HTTP a p99 of 92–96 ms instead of 131–133 (the collector still
runs, only less often; memory per worker unchanged, checked by ``bench/run.sh --mixed``).
"""
from __future__ import annotations

import gc

from flask import Flask

from app.config import is_unset


def tune_process(app: Flask) -> None:
    """Apply ``GC_THRESHOLD`` (the youngest generation's; the older ones keep Python's) to this process."""
    threshold = app.config["GC_THRESHOLD"]
    if not is_unset(threshold):
        gc.set_threshold(int(threshold), *gc.get_threshold()[1:])
