"""Independent references for the PLD tests (run once: python3 pld_reference.py; numpy, scipy).

1. One-step hockey-stick divergence delta(eps) = integral of (p(x) - e^eps q(x))_+ dx of the Poisson-subsampled
   Gaussian, by numerical quadrature of the densities (no closed form used), both adjacency directions.
2. Exact epsilon of T compositions of the Gaussian mechanism (q = 1) from Balle & Wang 2018:
   delta(eps) = Phi(-eps*s + 1/(2s)) - e^eps * Phi(-eps*s - 1/(2s)) with s = sigma / sqrt(T), solved by brentq.
"""
import math

import numpy as np
from scipy import integrate, optimize, stats


def hockey_stick(q, sigma, eps, direction):
    mix = lambda x: (1 - q) * stats.norm.pdf(x, 0, sigma) + q * stats.norm.pdf(x, 1, sigma)
    base = lambda x: stats.norm.pdf(x, 0, sigma)
    p, r = (mix, base) if direction == "remove" else (base, mix)
    f = lambda x: max(0.0, p(x) - math.exp(eps) * r(x))
    lo, hi = -12 * sigma, 1 + 12 * sigma
    pts = np.linspace(lo, hi, 41)
    total = 0.0
    for a, b in zip(pts[:-1], pts[1:]):
        total += integrate.quad(f, a, b, epsabs=1e-16, epsrel=1e-12, limit=200)[0]
    return total


def gaussian_eps(sigma, steps, delta):
    s = sigma / math.sqrt(steps)
    d = lambda e: stats.norm.cdf(-e * s + 1 / (2 * s)) - math.exp(e) * stats.norm.cdf(-e * s - 1 / (2 * s)) - delta
    return optimize.brentq(d, 0, 100, xtol=1e-14, rtol=1e-15)


if __name__ == "__main__":
    for q, sigma in [(0.01, 0.7), (0.2, 1.5), (1.0, 0.9)]:
        for eps in [0.0, 0.05, 0.5, 2.0]:
            for direction in ["add", "remove"]:
                print(f"delta q={q} sigma={sigma} eps={eps} {direction}: {hockey_stick(q, sigma, eps, direction)!r}")
    for sigma, steps, delta in [(0.7, 2, 1e-5), (1.0, 5, 1e-6), (2.0, 100, 1e-5)]:
        print(f"gaussian eps sigma={sigma} T={steps} delta={delta}: {gaussian_eps(sigma, steps, delta)!r}")
