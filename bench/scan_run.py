"""One govwatch scan of the big farm (run by scan_bench.py in its own process).

    python bench/scan_run.py FARM_DIR PORT [PORT ...] --processes N

Prints one JSON line: pages, requests, links, broken targets found versus the truth file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from govwatch.engine.crawl import ScanConfig, SiteSpec, scan_sites_parallel
from govwatch.engine.fetch import FetchConfig


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("farm", type=Path)
    parser.add_argument("ports", type=int, nargs="+")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--check-text", action="store_true", help="content checks too")
    args = parser.parse_args()
    truth = json.loads((args.farm / "truth.json").read_text())
    sites = [
        SiteSpec(f"site{i}", f"site{i}", f"http://127.0.0.1:{port}/")
        for i, port in enumerate(args.ports)
    ]
    fetch = FetchConfig(
        allow_hosts=("127.0.0.0/8",),
        # On loopback the client is CPU-bound: more connections only add scheduling work.
        global_concurrency=16,
        per_host_concurrency=16,
        retries=0,
    )
    config = ScanConfig(
        fetch=fetch,
        max_pages=100_000,
        max_depth=50,
        max_list_pages=100,
        workers=16,
        check_text=args.check_text,
    )
    started = time.monotonic()
    results = scan_sites_parallel(sites, config, processes=args.processes)
    wall = time.monotonic() - started
    accurate = True
    for site, result in zip(truth["sites"], results, strict=True):
        base = result.home_url.rstrip("/")
        found = {b.url[len(base) :] for b in result.broken_links if b.url.startswith(base)}
        accurate &= found == set(site["broken_targets"])
    print(
        json.dumps(
            {
                "in_process_wall": wall,
                "pages": sum(r.stats.pages_fetched for r in results),
                "parsed": sum(r.stats.pages_parsed for r in results),
                "requests": sum(r.stats.requests for r in results),
                "links_checked": sum(r.stats.links_checked for r in results),
                "broken_links": sum(len(r.broken_links) for r in results),
                "columns": sum(len(r.columns) for r in results),
                "text_hits": sum(len(r.text_hits) for r in results),
                "attachments_text_checked": sum(r.stats.attachments_text_checked for r in results),
                "accurate": accurate,
            }
        )
    )


if __name__ == "__main__":
    main()
