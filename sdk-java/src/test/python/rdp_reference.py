"""Independent reference for the RDP accountant tests: a direct port of the published algorithm
(Mironov, Talwar, Zhang 2019; same evaluation as TF Privacy's / Opacus's rdp analysis) on top of scipy's
binom and log_ndtr, plus an mpmath-free high-precision check of the integer-order sum with Python fractions.

Run once:  python3 rdp_reference.py   (numpy, scipy)
"""
import math
from fractions import Fraction

import numpy as np
from scipy import special


def _log_add(logx, logy):
    a, b = min(logx, logy), max(logx, logy)
    if a == -np.inf:
        return b
    return math.log1p(math.exp(a - b)) + b


def _log_sub(logx, logy):
    if logy == -np.inf:
        return logx
    if logx == logy:
        return -np.inf
    try:
        return math.log(math.expm1(logx - logy)) + logy
    except OverflowError:
        return logx


def _log_erfc(x):
    return math.log(2) + special.log_ndtr(-x * 2**0.5)


def log_a_int(q, sigma, alpha):
    log_a = -np.inf
    for i in range(alpha + 1):
        log_coef_i = math.log(special.binom(alpha, i)) + i * math.log(q) + (alpha - i) * math.log(1 - q)
        log_a = _log_add(log_a, log_coef_i + (i * i - i) / (2 * sigma**2))
    return float(log_a)


def log_a_frac(q, sigma, alpha):
    log_a0, log_a1 = -np.inf, -np.inf
    i = 0
    z0 = sigma**2 * math.log(1 / q - 1) + 0.5
    while True:
        coef = special.binom(alpha, i)
        log_coef = math.log(abs(coef))
        j = alpha - i
        log_t0 = log_coef + i * math.log(q) + j * math.log(1 - q)
        log_t1 = log_coef + j * math.log(q) + i * math.log(1 - q)
        log_e0 = math.log(0.5) + _log_erfc((i - z0) / (math.sqrt(2) * sigma))
        log_e1 = math.log(0.5) + _log_erfc((z0 - j) / (math.sqrt(2) * sigma))
        log_s0 = log_t0 + (i * i - i) / (2 * (sigma**2)) + log_e0
        log_s1 = log_t1 + (j * j - j) / (2 * (sigma**2)) + log_e1
        if coef > 0:
            log_a0 = _log_add(log_a0, log_s0)
            log_a1 = _log_add(log_a1, log_s1)
        else:
            log_a0 = _log_sub(log_a0, log_s0)
            log_a1 = _log_sub(log_a1, log_s1)
        i += 1
        if max(log_s0, log_s1) < -30:
            break
    return _log_add(log_a0, log_a1)


def rdp(q, sigma, alpha):
    if q == 1.0:
        return alpha / (2 * sigma**2)
    la = log_a_int(q, sigma, int(alpha)) if float(alpha).is_integer() else log_a_frac(q, sigma, alpha)
    return la / (alpha - 1)


def epsilon(orders, rdps, delta):
    best, best_a = np.inf, None
    for a, r in zip(orders, rdps):
        if delta**2 + math.expm1(-r) > 0:
            e = 0.0
        elif a > 1.01:
            e = r + math.log1p(-1 / a) - math.log(delta * a) / (a - 1)
        else:
            e = np.inf
        if e < best:
            best, best_a = e, a
    return max(0.0, best), best_a


OPACUS = [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64))
DP_ACCOUNTING = [1 + x / 10.0 for x in range(1, 100)] + list(range(11, 64)) + [128, 256, 512, 1024]
TF_PRIVACY = [1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0, 3.5, 4.0, 4.5] + list(range(5, 64)) + [128, 256, 512]


def eps_for(q, sigma, steps, delta, orders):
    return epsilon(orders, [steps * rdp(q, sigma, a) for a in orders], delta)


def exact_log_a_int(q, sigma, alpha):
    """log A for integer alpha with exact rational binomial weights (only exp is rounded)."""
    qf = Fraction(q)
    total = 0.0
    terms = []
    for k in range(alpha + 1):
        w = Fraction(math.comb(alpha, k)) * (1 - qf) ** (alpha - k) * qf**k
        terms.append((w, (k * k - k) / (2 * sigma**2)))
    m = max(float(w) * math.exp(e) for w, e in terms)
    total = sum(float(w) * math.exp(e) for w, e in terms)
    return math.log(total) if m else None


if __name__ == "__main__":
    for args, orders, name in [((0.04, 1.5, 2250, 1e-5), OPACUS, "opacus"),
                               ((0.0025, 1.3, 6000, 1e-5), TF_PRIVACY, "tf"),
                               ((0.001, 1.0, 30000, 1e-7), TF_PRIVACY, "tf"),
                               ((1.024e-5, 0.1, 976563, 1e-7), TF_PRIVACY, "tf"),
                               ((0.04, 1.5, 2250, 1e-5), DP_ACCOUNTING, "dp-accounting"),
                               ((0.04, 1.5, 2250, 1e-5), TF_PRIVACY, "tf"),
                               ((0.01, 0.8, 500, 1e-6), OPACUS, "opacus"),
                               ((1.0, 5.0, 10, 1e-5), OPACUS, "opacus")]:
        print(name, args, repr(eps_for(*args[:3], args[3], orders)))
    print("logA(0.04,1.5,13)", repr(log_a_int(0.04, 1.5, 13)), repr(exact_log_a_int(0.04, 1.5, 13)))
    print("logA(0.001,1,2)", repr(log_a_int(0.001, 1.0, 2)),
          repr(math.log1p(0.001**2 * math.expm1(1.0))))
    for a in [1.25, 1.5, 2.5, 10.5]:
        print("logA frac", a, repr(log_a_frac(1.024e-5, 0.1, a)), repr(log_a_frac(0.01, 0.8, a)))


def mpmath_truth():
    """High-precision A_alpha by quadrature of its defining integral (mpmath, 40 digits): the fourth RDP vector."""
    import mpmath as mp
    mp.mp.dps = 40
    q, s, a = mp.mpf("1.024e-5"), mp.mpf("0.1"), mp.mpf("1.25")
    f = lambda z: mp.npdf(z, 0, s) * ((1 - q) + q * mp.exp((2 * z - 1) / (2 * s * s))) ** a
    big_a = mp.quad(f, [-mp.inf, -1, 0, 0.3, 0.5, 0.6, 0.7, 0.8, 1, 1.5, 2, 3, 5, mp.inf])
    t, d = 976563, mp.mpf("1e-7")
    print("mpmath logA(1.024e-5, 0.1, 1.25) =", mp.nstr(mp.log(big_a), 25))
    print("mpmath eps =", mp.nstr(t * mp.log(big_a) / (a - 1) + mp.log(1 - 1 / a) - mp.log(d * a) / (a - 1), 25))
    for alpha in ["1.25", "1.5", "2.5", "10.5"]:
        qq, ss, aa = mp.mpf("0.01"), mp.mpf("0.8"), mp.mpf(alpha)
        g = lambda z: mp.npdf(z, 0, ss) * ((1 - qq) + qq * mp.exp((2 * z - 1) / (2 * ss * ss))) ** aa
        val = mp.log(mp.quad(g, [-mp.inf, -3, -1, 0, 0.5, 1, 2, 3, 5, 8, mp.inf]))
        print("mpmath logA(0.01, 0.8, " + alpha + ") =", mp.nstr(val, 20))


if __name__ == "__main__":
    mpmath_truth()
