"""Reference values for io.trustfl.server.audit tests (run once with numpy/scipy; values pasted into AuditMathTest).

python3 server/src/test/python/audit_reference.py
"""
import math
import numpy as np
from scipy import stats, special


def cp(k, n, alpha=0.05):
    lo = 0.0 if k == 0 else stats.beta.ppf(alpha / 2, k, n - k + 1)
    hi = 1.0 if k == n else stats.beta.ppf(1 - alpha / 2, k + 1, n - k)
    return lo, hi


def jagielski(tp, npos, fp, nneg, delta=0.0, alpha=0.05):
    tpr_lo, _ = cp(tp, npos, alpha)
    _, fpr_hi = cp(fp, nneg, alpha)
    return math.log((tpr_lo - delta) / fpr_hi)


def nasr(tp, npos, fp, nneg, delta=0.0, alpha=0.05):
    fn = npos - tp
    fnr_hi = stats.beta.ppf(1 - alpha / 2, fn + 1, npos - fn)
    fpr_hi = stats.beta.ppf(1 - alpha / 2, fp + 1, nneg - fp)
    return max(math.log((1 - delta - fpr_hi) / fnr_hi), math.log((1 - delta - fnr_hi) / fpr_hi))


def p_value(m, r, v, eps, delta):
    # Steinke, Nasr, Jagielski 2023, Algorithm / Theorem 3 (delta term as in the paper's code)
    q = 1 / (1 + math.exp(-eps))
    beta = stats.binom.sf(v - 1, r, q)
    alpha = 0.0
    s = 0.0
    for i in range(1, v + 1):
        s += stats.binom.pmf(v - i, r, q)
        if s > i * alpha:
            alpha = s / i
    return min(beta + alpha * delta * 2 * m, 1.0)


def one_run(m, r, v, delta=0.0, p=0.05):
    lo, hi = 0.0, 1.0
    while p_value(m, r, v, hi, delta) < p:
        hi += 1
    for _ in range(60):
        mid = (lo + hi) / 2
        if p_value(m, r, v, mid, delta) < p:
            lo = mid
        else:
            hi = mid
    return lo


print("CP(90,100)", cp(90, 100))
print("CP(0,10)", cp(0, 10), "CP(10,10)", cp(10, 10), "CP(3,20)", cp(3, 20))
print("CP one-sided upper 0.025 (3,20)", stats.beta.ppf(0.975, 4, 17))
print("jagielski 90/100 10/100", jagielski(90, 100, 10, 100))
print("jagielski 50/100 5/100 delta 1e-5", jagielski(50, 100, 5, 100, 1e-5))
print("nasr 90/100 10/100", nasr(90, 100, 10, 100))
print("nasr 80/100 5/200 delta 1e-3", nasr(80, 100, 5, 200, 1e-3))
print("one_run 1000 100 90", one_run(1000, 100, 90))
print("one_run 1000 100 90 delta 1e-5", one_run(1000, 100, 90, 1e-5))
print("one_run 200 40 30", one_run(200, 40, 30))
print("p_value 1000 100 90 eps 1", p_value(1000, 100, 90, 1.0, 0.0))

# ROC on a hand case: member scores and non-member scores (higher = member)
mem = np.array([0.9, 0.8, 0.7, 0.3])
non = np.array([0.6, 0.4, 0.2, 0.1, 0.05])
auc = np.mean([(a > b) + 0.5 * (a == b) for a in mem for b in non])
print("hand AUC", auc)
# ties
mem2 = np.array([1.0, 0.5, 0.5])
non2 = np.array([0.5, 0.0])
print("tie AUC", np.mean([(a > b) + 0.5 * (a == b) for a in mem2 for b in non2]))

# skew-normal: cdf and moment fit
a, loc, scale = 4.0, 1.0, 2.0
print("skewnorm cdf(0.5; 4,1,2)", stats.skewnorm.cdf(0.5, a, loc, scale))
print("skewnorm cdf(3.0; 4,1,2)", stats.skewnorm.cdf(3.0, a, loc, scale))
print("skewnorm cdf(-1.0; -3,0,1)", stats.skewnorm.cdf(-1.0, -3, 0, 1))
print("owens_t(0.5,2)", special.owens_t(0.5, 2.0))
rng = np.random.default_rng(1)
x = stats.skewnorm.rvs(a, loc, scale, size=200000, random_state=rng)
print("sample mean/var/skew", x.mean(), x.var(), stats.skew(x))
# moments of skewnorm(4,1,2)
print("skewnorm mean var skew", stats.skewnorm.stats(a, loc, scale, moments="mvs"))
