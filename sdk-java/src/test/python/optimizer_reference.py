"""Reference optimizer steps for io.trustfl.train.OptimizerTest (run once; values pasted into the test).

SGD with heavy-ball momentum (PyTorch convention, no dampening) and Adam (Kingma & Ba 2015, Algorithm 1),
written from the papers' formulas in float64 with numpy, independent of the Java code.
"""
import numpy as np

theta0 = np.array([1.0, -2.0, 0.5])
grads = [np.array([0.5, -1.0, 0.0]), np.array([0.25, 2.0, -3.0]), np.array([-1.0, 0.5, 4.0])]

# SGD, lr 0.1, momentum 0.9: v <- mu v + g; theta <- theta - lr v
theta, v = theta0.copy(), np.zeros(3)
for g in grads:
    v = 0.9 * v + g
    theta = theta - 0.1 * v
    print("sgd", repr(list(theta)))

# Adam, lr 0.01, beta1 0.9, beta2 0.999, eps 1e-8
theta, m, s = theta0.copy(), np.zeros(3), np.zeros(3)
for t, g in enumerate(grads, start=1):
    m = 0.9 * m + 0.1 * g
    s = 0.999 * s + 0.001 * g * g
    mhat = m / (1 - 0.9 ** t)
    shat = s / (1 - 0.999 ** t)
    theta = theta - 0.01 * mhat / (np.sqrt(shat) + 1e-8)
    print("adam", repr(list(theta)))
