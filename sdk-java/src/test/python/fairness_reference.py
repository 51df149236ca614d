"""Independent reference values for io.trustfl.fairness tests (numpy only; run once, values copied into
FairnessMetricsTest). Implements the formulas of docs REFERENCES.md section 4 directly, with brute force where
possible (itertools over every partition, pairwise AUC)."""
import itertools
import math
import numpy as np

# --- WEAT: small explicit vectors (3-D), X,Y of 4 each, A,B of 3 each -> C(8,4)=70 partitions (exact test)
X = np.array([[1, 0.2, 0.1], [0.9, 0.1, 0.3], [0.8, 0.4, 0.0], [1.0, 0.3, 0.2]])
Y = np.array([[0.1, 1, 0.2], [0.3, 0.8, 0.1], [0.2, 0.9, 0.4], [0.0, 1.0, 0.3]])
A = np.array([[1, 0, 0], [0.9, 0.1, 0.1], [0.8, 0.0, 0.3]])
B = np.array([[0, 1, 0], [0.1, 0.9, 0.2], [0.2, 0.7, 0.1]])

def cos(u, v):
    return float(u @ v / np.linalg.norm(u) / np.linalg.norm(v))

def s(w):
    return np.mean([cos(w, a) for a in A]) - np.mean([cos(w, b) for b in B])

sx = np.array([s(w) for w in X]); sy = np.array([s(w) for w in Y])
sxy = np.concatenate([sx, sy])
d = (sx.mean() - sy.mean()) / np.std(sxy, ddof=1)
obs = sx.sum() - sy.sum()
cnt = tot = 0
for idx in itertools.combinations(range(8), 4):
    rest = [i for i in range(8) if i not in idx]
    st = sxy[list(idx)].sum() - sxy[rest].sum()
    tot += 1
    cnt += st >= obs - 1e-12
print("weat effect size", repr(d))
print("weat p exact", cnt, "/", tot, repr(cnt / tot))
print("weat variance", repr(np.var(sxy, ddof=1)))

# a mixed case where the p-value is not the minimum: swap one vector between X and Y
X2 = np.array([X[0], X[1], Y[2], X[3]]); Y2 = np.array([Y[0], Y[1], X[2], Y[3]])
sx2 = np.array([s(w) for w in X2]); sy2 = np.array([s(w) for w in Y2]); sxy2 = np.concatenate([sx2, sy2])
d2 = (sx2.mean() - sy2.mean()) / np.std(sxy2, ddof=1)
obs2 = sx2.sum() - sy2.sum()
cnt2 = sum(1 for idx in itertools.combinations(range(8), 4)
           if sxy2[list(idx)].sum() - sxy2[[i for i in range(8) if i not in idx]].sum() >= obs2 - 1e-12)
print("weat mixed effect size", repr(d2), "p", cnt2, "/ 70", repr(cnt2 / 70))

# --- DerSimonian-Laird
es = np.array([0.5, 0.8, 0.2, 1.1, 0.6]); v = np.array([0.04, 0.09, 0.05, 0.12, 0.02])
w = 1 / v
Q = (w * es**2).sum() - (w * es).sum()**2 / w.sum()
tau2 = max(0.0, (Q - (len(es) - 1)) / (w.sum() - (w**2).sum() / w.sum()))
ws = 1 / (v + tau2)
ces = (ws * es).sum() / ws.sum(); se = math.sqrt(1 / ws.sum())
p = 0.5 * math.erfc(ces / se / math.sqrt(2))
print("DL Q", repr(Q), "tau2", repr(tau2), "CES", repr(ces), "SE", repr(se), "p", repr(p))

# --- AUCs by brute force over pairs
scores = np.array([0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1, 0.5, 0.65])
labels = np.array([1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1], dtype=bool)
group = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0], dtype=bool)

def auc(sc, lb):
    pos = sc[lb]; neg = sc[~lb]
    tot = 0.0
    for a in pos:
        for b in neg:
            tot += 1.0 if a > b else 0.5 if a == b else 0.0
    return tot / (len(pos) * len(neg))

print("auc all", repr(auc(scores, labels)))
print("subgroup", repr(auc(scores[group], labels[group])))
m = (group & ~labels) | (~group & labels)
print("bpsn", repr(auc(scores[m], labels[m])))
m = (group & labels) | (~group & ~labels)
print("bnsp", repr(auc(scores[m], labels[m])))
pred = scores >= 0.5
dp = abs(pred[group].mean() - pred[~group].mean())
tpr = abs(pred[group & labels].mean() - pred[~group & labels].mean())
fpr = abs(pred[group & ~labels].mean() - pred[~group & ~labels].mean())
print("dp diff", repr(dp), "eo diff", repr(max(tpr, fpr)), "tpr gap", tpr, "fpr gap", fpr)
gm = np.mean(np.array([0.95, 0.90, 0.80, 0.70])**-5)**(-1 / 5)
print("generalized mean", repr(gm))

# --- prediction sensitivity: logits z = x W + b with C=3, D=4; J_z = W^T; J_p = softmax jacobian
W = np.array([[0.5, -0.2, 0.1], [0.3, 0.4, -0.6], [-0.1, 0.2, 0.3], [0.7, -0.5, 0.2]])
b = np.array([0.1, -0.1, 0.05])
x = np.array([0.2, -0.4, 1.0, 0.3])
z = x @ W + b
pz = np.exp(z - z.max()); pz /= pz.sum()
Jz = W.T  # C x D
Jp = (np.diag(pz) - np.outer(pz, pz)) @ Jz
g = np.array([0.3, -0.1, 0.0, 0.6])
wv = np.abs(g) / np.abs(g).sum()
vv = np.ones(3) / 3
print("PS", repr(float(vv @ np.abs(Jp) @ wv)))
print("Jp", repr(Jp.ravel().tolist()))
