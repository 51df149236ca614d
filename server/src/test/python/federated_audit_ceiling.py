"""What a perfect observer of the canary clients could certify (docs/AUDITS.md, "Federated").

Idealized model of one federated one-run audit: each of m canaries is in the population with probability 1/2; an
included canary is selected in Binomial(T, q) rounds and adds C/K along its own direction each time; every round adds
N(0, (sigma C / K)^2) noise per coordinate. Projected on the canary's direction, in units of C/K, the score is
Binomial(T, q) + N(0, sigma^2 T) for an included canary and N(0, sigma^2 T) for an excluded one; real clients and the
other canaries are ignored (they only add noise). Guess IN for the r/2 highest and OUT for the r/2 lowest scores and
compute the one-run bound (Steinke, Nasr, Jagielski 2023) at delta. Prints the median bound over repetitions.

python3 server/src/test/python/federated_audit_ceiling.py
"""
import math

import numpy as np
from scipy import stats


def p_value(m, r, v, eps, delta):
    q = 1 / (1 + math.exp(-eps))
    beta = stats.binom.sf(v - 1, r, q)
    alpha, s = 0.0, 0.0
    for i in range(1, v + 1):
        s += stats.binom.pmf(v - i, r, q)
        alpha = max(alpha, s / i)
    return min(1.0, beta + alpha * delta * 2 * m)


def one_run(m, r, v, delta=1e-5, a=0.05):
    if p_value(m, r, v, 0, delta) >= a:
        return 0.0
    lo, hi = 0.0, 1.0
    while p_value(m, r, v, hi, delta) < a:
        lo, hi = hi, 2 * hi
    while hi - lo > 1e-6:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if p_value(m, r, v, mid, delta) < a else (lo, mid)
    return lo


def ideal(m, r, rounds, q, sigma, reps=200, seed=0):
    rng = np.random.default_rng(seed)
    bounds = []
    for _ in range(reps):
        inc = rng.random(m) < 0.5
        score = rng.binomial(rounds, q, size=m) * inc + rng.normal(0, sigma * math.sqrt(rounds), m)
        order = np.argsort(-score)
        v = int(inc[order[: r // 2]].sum() + (~inc[order[-(r // 2):]]).sum())
        bounds.append(one_run(m, r, v))
    return float(np.median(bounds)), float(np.percentile(bounds, 95))


if __name__ == "__main__":
    # The docs' setting: m = 500, r = 100, 30 rounds, q = 250 / 1,257, sigma from the runs' metrics.jsonl.
    for eps, sigma in [(8, 1.0620), (3, 1.9928), (1, 4.7352)]:
        med, p95 = ideal(500, 100, 30, 250 / 1257, sigma)
        print(f"eps {eps}: sigma {sigma}: ideal one-run bound median {med:.2f}, 95th percentile {p95:.2f}")
    print(f"no noise, every included canary selected: {one_run(500, 100, 100):.3f} (all 100 guesses right)")
