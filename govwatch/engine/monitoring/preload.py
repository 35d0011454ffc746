"""Imported once by the watch's fork server (JobPool's preload), before any job process is
forked from it: the crawl modules, and the content checker built once, so a crawl job
starts with it instead of spending ~0.4 s of CPU rebuilding it (measured by
bench/watch_bench.py: 3.4× the pages per second of 200 small sites). What the fork server
holds is frozen out of the garbage collector, so the children keep sharing its pages."""

from __future__ import annotations

import gc

import govwatch.engine.crawl
import govwatch.engine.monitoring.probes  # noqa: F401
from govwatch.engine.text.bulk import bulk_checker

bulk_checker()
gc.freeze()
