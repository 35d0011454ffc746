"""Start-up of the text checks: `govwatch check-text` cold, warm, and without a cache.

    .venv/bin/python bench/text_startup_bench.py [--runs 3] [--page-chars 3000]

Same run, same machine, each start a fresh process:
1. baseline: the typo model built in memory on every start (what every start cost before
   the disk cache; `TypoConfig(cache_dir=None)`, run through the engine directly);
2. cold: `govwatch check-text` with an empty cache folder (builds, then writes the cache);
3. warm: `govwatch check-text` again, `--runs` times (loads the cache).
Each start checks one sentence; wall time and peak RSS come from /usr/bin/time -v when it
is there (else from the child's own ru_maxrss). The findings of every start must be equal.
4. The web page's check (proofreading/checking.py's configuration: no bulk automaton) of a
page-sized draft in a warm process: the first check (decodes the shards it touches) and
the following ones.
Prints figures and ratios only; nothing is asserted but the findings' equality.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SENTENCE = "加强安全生产监管，杜绝重大事故发升，要做好拖底工作。"
TIME = Path("/usr/bin/time")

# The baseline child: the engine check with the typo model built in memory (no cache).
_BASELINE = """
import json, resource, sys
from pathlib import Path
from govwatch.engine.text.checker import TextCheckConfig, TextChecker
from govwatch.engine.text.typos import TypoConfig
text = Path(sys.argv[1]).read_text(encoding="utf-8")
found = TextChecker(TextCheckConfig(typo=TypoConfig())).check(text)
print(json.dumps({"count": len(found), "findings": [f.to_dict() for f in found]}))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""
# The CLI child when /usr/bin/time is missing: reports its own peak RSS.
_CLI = """
import resource, sys
from govwatch.cli import main
code = main(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of one child process."""
    timed = TIME.is_file()
    cmd = [str(TIME), "-v", *args] if timed else args
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"child failed ({done.returncode}): {done.stderr[-2000:]}")
    if timed:
        rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)[1])
        clock = re.search(
            r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", done.stderr
        )[1]
        parts = [float(p) for p in clock.split(":")]
        wall = sum(p * 60**i for i, p in enumerate(reversed(parts)))
    else:
        rss_kb = int(done.stderr.strip().splitlines()[-1])
    return wall, rss_kb / 1024, done.stdout


def findings(stdout: str) -> list[tuple[str, int, str]]:
    data = json.loads(stdout)
    return [(f["code"], f["offset"], f["suggestion"]) for f in data["findings"]]


def page_text(chars: int, seed: int = 3) -> str:
    """A page of gov-like prose from the shipped word list, with two planted errors."""
    from govwatch.engine.text.typos import load_word_freq

    rng = random.Random(seed)
    words = load_word_freq()
    vocab = [w for w in words if len(w) >= 2]
    weights = [words[w] for w in vocab]
    parts: list[str] = []
    while sum(map(len, parts)) < chars:
        parts.append("".join(rng.choices(vocab, weights, k=20)) + "。")
    text = "".join(parts)[:chars]
    return text[: chars // 2] + SENTENCE + text[chars // 2 :]


def web_page_check(cache: Path, chars: int, runs: int) -> None:
    """The page's check in this process, cache warm (proofreading/checking.py's config)."""
    from govwatch.engine.text.checker import TextCheckConfig, TextChecker
    from govwatch.engine.text.typos import TypoConfig

    t0 = time.perf_counter()
    typo = TypoConfig(cache_dir=cache, automaton_after=None)
    checker = TextChecker(TextCheckConfig(typo=typo))
    load = time.perf_counter() - t0
    pages = [page_text(chars, seed) for seed in range(runs + 1)]
    t1 = time.perf_counter()
    first = checker.check(pages[0])
    first_s = time.perf_counter() - t1
    times = []
    for page in pages[1:]:
        t = time.perf_counter()
        checker.check(page)
        times.append(time.perf_counter() - t)
    print(
        f"\n网页校对（{chars:,} 字一页，缓存已建）：加载检查器 {load:.2f} s（每个进程一次）；"
        f"首页检查 {first_s * 1000:.0f} ms（{len(first)} 处问题），其后每页中位数 "
        f"{statistics.median(times) * 1000:.0f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="warm starts to time")
    parser.add_argument("--page-chars", type=int, default=3000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="govwatch-startup-"))
    try:
        cache = work / "cache"
        sentence = work / "sentence.txt"
        sentence.write_text(SENTENCE, encoding="utf-8")
        env = {**os.environ, "GOVWATCH_TEXT_CACHE_DIR": str(cache)}
        env.setdefault("GOVWATCH_DATA_DIR", str(work / "data"))
        python = sys.executable
        cli = (
            [str(REPO / ".venv" / "bin" / "govwatch")]
            if TIME.is_file() and (REPO / ".venv" / "bin" / "govwatch").is_file()
            else [python, "-c", _CLI]
        )
        check = [*cli, "check-text", str(sentence), "--json"]

        base_wall, base_rss, base_out = run([python, "-c", _BASELINE, str(sentence)], env)
        cold_wall, cold_rss, cold_out = run(check, env)
        size = sum(p.stat().st_size for p in cache.iterdir()) / 1e6
        warm = [run(check, env) for _ in range(args.runs)]
        outs = {json.dumps(findings(o)) for o in [base_out, cold_out, *(w[2] for w in warm)]}
        if len(outs) != 1:
            raise SystemExit(f"findings differ between starts: {outs}")
        warm_wall = statistics.median(w[0] for w in warm)
        warm_rss = max(w[1] for w in warm)
        source = "/usr/bin/time -v" if TIME.is_file() else "ru_maxrss"
        print(
            f"check-text 一句话（{len(SENTENCE)} 字，{len(findings(cold_out))} 处问题，各次相同），{source}："
        )
        print(f"  无缓存（每次构建，原行为）：{base_wall:6.2f} s  峰值内存 {base_rss:6.0f} MB")
        print(f"  冷启动（构建并写缓存）    ：{cold_wall:6.2f} s  峰值内存 {cold_rss:6.0f} MB")
        print(
            f"  热启动（读缓存，{args.runs} 次中位数）：{warm_wall:6.2f} s  峰值内存 {warm_rss:6.0f} MB"
            f"  缓存文件 {size:.0f} MB"
        )
        print(
            f"  倍数：无缓存/热启动 {base_wall / warm_wall:.1f}x，冷/热 {cold_wall / warm_wall:.1f}x；"
            f"内存 无缓存/热启动 {base_rss / warm_rss:.1f}x"
        )
        web_page_check(cache, args.page_chars, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
