"""`python -m demo.farm truth FILE` writes the truth file; `python -m demo.farm serve` serves
the farm on 127.0.0.1 until interrupted and prints (one JSON object) its port, the host map
a scan needs and the URL to POST to fix each fixable site."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from demo.farm.server import FarmServer
from demo.farm.sites import build_farm


def main() -> None:
    parser = argparse.ArgumentParser(description="The govwatch demo farm.")
    parser.add_argument("command", choices=["truth", "serve"])
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    farm = build_farm(args.seed)
    if args.command == "truth":
        text = json.dumps(farm.truth, ensure_ascii=False, indent=1)
        if args.file:
            args.file.write_text(text, encoding="utf-8")
        else:
            print(text)
        return
    with FarmServer(farm) as server:
        fixes = {code: server.fix_url(code) for code in sorted(farm.fixable)}
        shown = {"port": server.port, "host_map": server.host_map(), "fix": fixes}
        print(json.dumps(shown, ensure_ascii=False, indent=1), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
