"""Reference values for FederatedClientTest: the delta a device sends after local full-batch SGD on a tiny
multinomial logistic regression, plain and with the FedProx proximal term, and after update-level clipping.

Run once: python3 client_delta_reference.py  (numpy). The printed arrays are pasted into FederatedClientTest.
"""
import numpy as np

W0 = np.array([[0.1, -0.2, 0.05], [0.0, 0.3, -0.1]])  # dim x classes, row-major
B0 = np.array([0.01, 0.0, -0.02])
X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5]])
Y = np.array([0, 1, 2, 0])
LR = 0.5


def grad_sum(W, B):
    z = X @ W + B
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    d = p.copy()
    d[np.arange(len(Y)), Y] -= 1.0
    return X.T @ d, d.sum(axis=0)


def train(epochs, mu):
    W, B = W0.astype(np.float32).astype(np.float64), B0.astype(np.float32).astype(np.float64)
    Wg, Bg = W.copy(), B.copy()
    n = len(Y)
    for _ in range(epochs):
        gW, gB = grad_sum(W, B)
        gW = gW + n * mu * (W - Wg)
        gB = gB + n * mu * (B - Bg)
        W = (W - LR * gW / n).astype(np.float32).astype(np.float64)
        B = (B - LR * gB / n).astype(np.float32).astype(np.float64)
    return np.concatenate([(W - Wg).ravel(), B - Bg])


np.set_printoptions(precision=17, floatmode="unique")
plain = train(1, 0.0)
print("plain delta (w row-major, then b):", repr(plain))
print("plain norm:", repr(np.linalg.norm(plain)))
clipped = plain * min(1.0, 0.05 / np.linalg.norm(plain))
print("clipped to 0.05:", repr(clipped))
prox = train(2, 0.3)
print("fedprox mu=0.3, 2 epochs:", repr(prox))
noprox2 = train(2, 0.0)
print("2 epochs without prox:", repr(noprox2))
