#!/usr/bin/env python3
"""Reference values for Pareto/NBD at high precision (mpmath, 40 digits), independent of Lifecycle.Core.

Usage: python3 generate_pareto_nbd.py > pareto_nbd_reference.csv   (needs python3-mpmath; ~1-3 minutes)

Every quantity is computed from its defining integral or a special function of mpmath, not from the library's formulas:
  ll        ln L = lnG(r+x) - lnG(r) + r ln a + s ln b + ln[(a+T)^-(r+x) (b+T)^-s + J],
            J = int_{t_x}^T s (a+u)^-(r+x) (b+u)^-(s+1) du  by mpmath.quad (tanh-sinh) on breakpoints that follow the peak,
            the integrand scaled to its largest value (mpmath's error control is absolute);
            where mpmath.hyp2f1 is affordable, J is also formed from the published 2F1 form (Fader, Hardie & Lee 2005) and the
            largest relative difference between the two is printed in the header (hyp2f1_check).
  palive    P(alive) = (a+T)^-(r+x) (b+T)^-s / [(a+T)^-(r+x) (b+T)^-s + J]
  palive_at P(alive at T+t) = palive * (1 + t/(b+T))^-s
  ex        E[X(t)] = (r/a) int_0^t (b/(b+u))^s du                      (mean rate times expected time alive in (0, t])
  ey        E[Y(t)|x,t_x,T] = palive (r+x)/(a+T) int_0^t ((b+T)/(b+T+u))^s du
  pxn       P(X(t)=n) = NB(n; r, a, t) (b/(b+t))^s + int_0^t s/b (1+u/b)^-(s+1) NB(n; r, a, u) du
  dert      DERT(delta) = palive (r+x)/(a+T) (b+T) U(1, 2-s, delta (b+T))   (Tricomi U, mpmath.hyperu; the integral where hyperu gives up)
Values are written with 20 significant digits; the date and the mpmath version are in the header.
"""
import datetime
import itertools
import sys

import mpmath
from mpmath import mp, mpf, log, exp, loggamma, quad, hyp2f1, hyperu

mp.dps = 40


def points(lo, hi, rate, scales):
    """Breakpoints for an integrand peaked at lo decaying at `rate`, with power-law scales `scales`."""
    pts = {lo, hi} if hi != mpmath.inf else {lo}
    width = hi - lo if hi != mpmath.inf else 1 / rate * mpf(10) ** 6
    for base in [1 / rate] + list(scales):
        k = mpf(1)
        while base * k < width and k < mpf(10) ** 30:
            pts.add(lo + base * k)
            k *= 16
    return sorted(pts)


def scaled_quad(f, pts):
    """quad of f relative to its largest value at the breakpoints: mpmath's error control is absolute, so an integrand
    of size 1e-400 would otherwise be accepted after the first level (12 digits instead of 40)."""
    scale = max(f(u) for u in pts if u != mpmath.inf)
    if scale == 0:
        return mpf(0)
    return scale * quad(lambda u: f(u) / scale, pts)


def integral_j(r, a, s, b, x, tx, t):
    p, q = r + x, s + 1
    f = lambda u: s * exp(-p * log(a + u) - q * log(b + u))
    rate = p / (a + tx) + q / (b + tx)
    pts = points(tx, t, rate, [a + tx, b + tx, (a + tx) / max(p, 1), (b + tx) / q])
    return scaled_quad(f, pts)


def j_hyp2f1(r, a, s, b, x, tx, t):
    a1 = r + s + x
    if a >= b:
        g = lambda y: hyp2f1(a1, s + 1, a1 + 1, (a - b) / (a + y)) / (a + y) ** a1
    else:
        g = lambda y: hyp2f1(a1, r + x, a1 + 1, (b - a) / (b + y)) / (b + y) ** a1
    return s / a1 * (g(tx) - g(t))


def nb(n, r, a, u):
    if u == 0:
        return mpf(1) if n == 0 else mpf(0)
    return exp(loggamma(r + n) - loggamma(r) - loggamma(n + 1) + r * log(a / (a + u)) + n * log(u / (a + u)))


def row(r, a, s, b, x, tx, t, h, n, delta, check):
    first = exp(-(r + x) * log(a + t) - s * log(b + t))
    j = integral_j(r, a, s, b, x, tx, t) if tx < t else mpf(0)
    diff = None
    if check and tx < t:
        try:
            with mp.workdps(90):
                jh = j_hyp2f1(r, a, s, b, x, tx, t)
            diff = abs(jh / j - 1)
        except mpmath.libmp.libhyper.NoConvergence:
            diff = None  # mpmath's series gives up (huge parameters near z = 1); the quadrature value stands alone

    head = loggamma(r + x) - loggamma(r) + r * log(a) + s * log(b)
    ll = head + log(first + j)
    palive = first / (first + j)
    palive_at = palive * (1 + h / (b + t)) ** (-s)
    ex = r / a * quad(lambda u: (b / (b + u)) ** s, points(0, h, s / b, [b]))
    ey = palive * (r + x) / (a + t) * quad(lambda u: ((b + t) / (b + t + u)) ** s, points(0, h, s / (b + t), [b + t]))
    alive_n = nb(n, r, a, h) * (b / (b + h)) ** s
    dens = lambda u: s / b * (1 + u / b) ** (-(s + 1)) * nb(n, r, a, u)
    peak = [a * n / r] if r > 0 and n > 0 and a * n / r < h else []
    pts = sorted(set(points(0, h, (s + 1) / b + r / a, [a, b] + peak) + peak))
    pxn = alive_n + scaled_quad(dens, pts)
    try:
        tail = (b + t) * hyperu(1, 2 - s, delta * (b + t))
    except mpmath.libmp.libhyper.NoConvergence:
        # mpmath's U gives up for s in the hundreds of thousands: the defining integral instead.
        tail = quad(lambda u: exp(-delta * u - s * log(1 + u / (b + t))), points(0, mpmath.inf, delta + s / (b + t), [b + t]) + [mpmath.inf])
    dert = palive * (r + x) / (a + t) * tail
    return [ll, palive, palive_at, ex, ey, pxn, dert], diff


def cases():
    rows = [(0, 0, mpf('1e-6')), (0, 0, 38), (3, 10, 1000), (10 ** 6, 50000, 100000), (200, mpf('99.9'), 100),
            (1, mpf('5e-7'), mpf('1e-6')), (50, 4000, 4000)]
    horizons = [mpf('1e-9'), 1, 10000]
    counts = [0, 1, 5]
    rates = [mpf('1e-4'), mpf('0.01'), 1]
    grid = itertools.product([mpf('0.05'), mpf('1.3'), mpf(10000)], [mpf('1e-3'), 2, mpf(10) ** 6],
                             [mpf('0.05'), 1, mpf(10) ** 6], [mpf('1e-3'), 2, mpf(10) ** 6])
    k = 0
    for j, (r, a, s, b) in enumerate(grid):
        # Three of the seven rows per parameter set, rotating, so every row meets every kind of corner.
        for (x, tx, t) in (rows[(3 * j + i) % len(rows)] for i in range(3)):
            yield (r, a, s, b, mpf(x), mpf(tx), mpf(t), horizons[k % 3], counts[(k // 3) % 3], rates[(k // 9) % 3])
            k += 1
    # Day-scale and CDNOW-like interior points, and the published CDNOW MLE.
    extra = [(mpf('0.5533'), mpf('10.578'), mpf('0.6062'), mpf('11.669'), 2, mpf('30.43'), mpf('38.86'), 52, 2, mpf('0.0027')),
             (mpf('0.8'), 60, mpf('0.5'), 400, 7, 300, 900, 365, 3, mpf('0.0003')),
             (mpf('0.8'), 60, mpf(500000), mpf(4e8), 7, 300, 900, 365, 3, mpf('0.0003')),
             (mpf('0.8'), 60, mpf('0.5'), 400, 0, 0, 1000, 365, 0, mpf('0.0003'))]
    yield from extra


def fmt(v):
    return mpmath.nstr(v, 20, min_fixed=-5, max_fixed=5) if v != 0 else "0"


def main():
    out = sys.stdout
    results = []
    worst = mpf(0)
    for i, c in enumerate(cases()):
        # Inputs are made exactly the doubles the C# test parses, so no rounding of the inputs enters the comparison.
        c = tuple(mpf(float(v)) for v in c[:8]) + (c[8], mpf(float(c[9])))
        r, a, s, b, x, tx, t = c[:7]
        check = i % 4 == 0 and r + s + x <= 10 ** 4 and (abs(a - b) / (max(a, b) + tx)) < mpf('0.999')
        vals, diff = row(*c, check)
        if diff is not None:
            worst = max(worst, diff)
        results.append((c, vals))
        sys.stderr.write(f"{len(results)} {mpmath.nstr(diff, 3) if diff is not None else '-'}\n")
    out.write(f"# Pareto/NBD reference values, mpmath {mpmath.__version__} at {mp.dps} digits, generated "
              f"{datetime.date.today().isoformat()} by generate_pareto_nbd.py; 20 significant digits; "
              f"hyp2f1_check (every 4th row where affordable) max relative difference of J {mpmath.nstr(worst, 3)}\n")
    out.write("r,alpha,s,beta,x,tx,T,t,n,delta,ll,palive,palive_at,ex,ey,pxn,dert\n")
    for c, vals in results:
        out.write(",".join(fmt(mpf(v)) for v in c) + "," + ",".join(fmt(v) for v in vals) + "\n")


if __name__ == "__main__":
    main()
