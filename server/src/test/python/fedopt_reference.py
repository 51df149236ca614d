"""Reference values for ServerOptimizerTest: two server steps of FedAvg, FedAdagrad, FedAdam and FedYogi.

Reddi et al., "Adaptive Federated Optimization" (ICLR 2021), Algorithm 2, written out independently in numpy
(float64): m_{-1} = 0, v_{-1} = tau^2, m_t = b1 m + (1 - b1) d, v_t per variant, x += eta m / (sqrt(v) + tau).
Run: python3 fedopt_reference.py  (prints the Java arrays pasted into the test).
"""
import numpy as np

x0 = np.array([0.5, -1.0, 2.0, 0.0])
deltas = [np.array([0.1, -0.2, 0.0, 1e-4]), np.array([0.05, 0.3, -0.4, 1e-4])]


def fedopt(kind, eta, b1, b2, tau):
    x = x0.copy()
    m = np.zeros_like(x)
    v = np.full_like(x, tau * tau)
    for d in deltas:
        m = b1 * m + (1 - b1) * d
        if kind == "adagrad":
            v = v + d * d
        elif kind == "adam":
            v = b2 * v + (1 - b2) * d * d
        elif kind == "yogi":
            v = v - (1 - b2) * d * d * np.sign(v - d * d)
        # Round through float32 each step as the Java optimizer stores weights in float32.
        x = (x.astype(np.float32) + eta * m / (np.sqrt(v) + tau)).astype(np.float64)
    return x


def fedavg(eta):
    x = x0.astype(np.float32)
    for d in deltas:
        x = (x.astype(np.float64) + eta * d).astype(np.float32)
    return x.astype(np.float64)


def java(name, arr):
    print(f"  static final double[] {name} = {{" + ", ".join(repr(float(a)) for a in arr) + "};")


java("FEDAVG_LR1", fedavg(1.0))
java("FEDAVG_LR05", fedavg(0.5))
java("FEDADAGRAD", fedopt("adagrad", 0.1, 0.0, 0.0, 1e-3))
java("FEDADAM", fedopt("adam", 0.1, 0.9, 0.99, 1e-3))
java("FEDYOGI", fedopt("yogi", 0.1, 0.9, 0.99, 1e-3))
