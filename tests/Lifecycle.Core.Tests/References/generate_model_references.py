#!/usr/bin/env python3
"""High-precision reference values for the CLV model predictions and per-customer log-likelihoods.

Independent of the C# code path: every value is computed here from the papers' closed forms with mpmath at
mp.dps = 60 (hyp2f1, loggamma, beta at that precision), and recomputed at mp.dps = 90; a value is written only
when both agree to 30 significant digits (otherwise the script stops and says which). The C# library uses
different forms (log-gamma ratios, log1p forms, Euler/Pfaff-transformed series, quadrature in the logit of p),
so agreement is a real check.

Formulas:
  BG/NBD  Fader, Hardie & Lee (2005) eq. 6 (LL), eq. 7 (E[X(t)]), eq. 8 (P(X(t)=n)), eq. 10 (E[Y|x,t_x,T]);
          P(alive at T+t) = P(alive) * E_p[((a+T)/(a+T+p t))^(r+x)], p ~ Beta(a, b+x) = P(alive) * 2F1(r+x, a; a+b+x; -t/(alpha+T)).
  MBG/NBD Batislam, Denizel & Filiztekin (2007): LL, P(alive), E[X(t)], E[Y|x,t_x,T].
  Gamma-Gamma Fader, Hardie & Lee (2005b): per-customer LL of the mean spend and E[M | x, m].
  BG/BB   Fader, Hardie & Berger (2010): per-customer LL, P(alive at n+1), E[X(n, n+n*) | x, t_x, n].
  sBG     Fader & Hardie (2007): survival S(t), retention r(t), DERL(d | n renewals).

Usage: python3 generate_model_references.py [model ...] > model_references.csv
(about an hour for the whole grid: the x = 1e6 and a = 1e7 corners take up to a minute each; pass model names such as
"mbgnbd gg bgbb sbg" to generate parts in parallel and concatenate them.)
"""
import datetime
import signal
import sys
import time

import mpmath as mp

DPS = 60
CHECK_DPS = 90


def f(v):
    return mp.mpf(v)


class Slow(Exception):
    pass


def _alarm(signum, frame):
    raise Slow()


signal.signal(signal.SIGALRM, _alarm)


def positive_series_2f1(a, b, c, z):
    """The Gauss series summed directly (all terms positive for a, b, c > 0 and 0 <= z < 1, so no cancellation):
    fast when c is large (a = 1e7), where mpmath's own transformations are slow or lose digits."""
    term = mp.mpf(1)
    total = mp.mpf(1)
    eps = mp.mpf(10) ** (-mp.mp.dps - 5)
    k = 0
    while True:
        term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
        total += term
        k += 1
        ratio = (a + k) * (b + k) / ((c + k) * (k + 1)) * z
        if ratio < 1 and term * ratio / (1 - ratio) < eps * total:
            return total
        if k > 3_000_000:
            raise Slow()


def hyp2f1(a, b, c, z):
    """mpmath's 2F1, verified at twice the working precision; raises Slow when its series would take more than a few
    seconds or the two disagree (mpmath's transformations lose digits at a + b = 2e7 with z < -1)."""
    signal.alarm(4)
    try:
        v = mp.hyp2f1(a, b, c, z, maxterms=10**6)
        with mp.workdps(2 * mp.mp.dps):
            w = mp.hyp2f1(a, b, c, z, maxterms=10**6)
    finally:
        signal.alarm(0)
    if abs(v - w) > mp.mpf(10) ** (-mp.mp.dps // 2) * abs(w):
        raise Slow()
    return v


def beta_expectation(a, b, g):
    """E[g(p)], p ~ Beta(a, b), by tanh-sinh quadrature in y = logit(p) split around the peak of the density."""
    mu = mp.log(a / b)
    sd = mp.sqrt(1 / a + 1 / b)
    lb = mp.log(mp.beta(a, b))

    def integrand(y):
        lp = -mp.log1p(mp.exp(-y))
        l1p = lp - y
        return mp.exp(a * lp + b * l1p - lb) * g(mp.exp(lp), l1p)

    pts = [mu + k * sd for k in range(-40, 41, 2)]
    return mp.quad(integrand, [-mp.inf] + pts + [mp.inf])


def expected_while_alive(m, u, a, b):
    """E_p[(1 - (1 + p u)^-m) / p], p ~ Beta(a, b): expected purchases in a window u (in units of alpha + T) while alive.

    Closed form c/(a-1) [1 - (1-z)^m 2F1(m, b; c; z)], c = a + b - 1, z = u/(1+u) (FHL 2005 eq. 10 / Batislam 2007);
    when mpmath's series is too slow there (x = 1e6 with a = 1e7), the Beta integral by quadrature.
    """
    c = a + b - 1
    z = u / (1 + u)
    try:
        f2 = positive_series_2f1(m, b, c, z) if c > 1000 else hyp2f1(m, b, c, z)
        return c / (a - 1) * (1 - (1 - z) ** m * f2)
    except (Slow, mp.libmp.NoConvergence):
        return beta_expectation(a, b, lambda p, l1p: -mp.expm1(-m * mp.log1p(p * u)) / p)


# ---------------------------------------------------------------- BG/NBD
def bgnbd_palive(r, al, a, b, x, tx, T):
    if x == 0:
        return mp.mpf(1)
    return 1 / (1 + a / (b + x - 1) * ((al + T) / (al + tx)) ** (r + x))


def bgnbd_ll(r, al, a, b, x, tx, T):
    v = (mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al) - (r + x) * mp.log(al + T)
         + mp.log(mp.beta(a, b + x)) - mp.log(mp.beta(a, b)))
    if x > 0:
        v += mp.log(1 + a / (b + x - 1) * ((al + T) / (al + tx)) ** (r + x))
    return v


def bgnbd_ey(r, al, a, b, x, tx, T, t):
    pa = bgnbd_palive(r, al, a, b, x, tx, T)
    return pa * expected_while_alive(r + x, t / (al + T), a, b + x)


def bgnbd_ex(r, al, a, b, t):
    return expected_while_alive(r, t / al, a, b)


def bgnbd_palive_at(r, al, a, b, x, tx, T, t):
    try:
        # Pfaff: 2F1(r+x, a; a+b+x; -u) = (1+u)^-(r+x) 2F1(r+x, b+x; a+b+x; u/(1+u)), positive terms.
        u = t / (al + T)
        c = a + b + x
        z = u / (1 + u)
        f2 = positive_series_2f1(r + x, b + x, c, z) if c > 1000 else hyp2f1(r + x, b + x, c, z)
        surv = (1 + u) ** (-(r + x)) * f2
    except (Slow, mp.libmp.NoConvergence):
        surv = beta_expectation(a, b + x, lambda p, l1p: mp.exp(-(r + x) * mp.log1p(p * t / (al + T))))
    return bgnbd_palive(r, al, a, b, x, tx, T) * surv


def bgnbd_pnone(r, al, a, b, x, tx, T, t):
    pa = bgnbd_palive(r, al, a, b, x, tx, T)
    return 1 - pa + pa * ((al + T) / (al + T + t)) ** (r + x)


def bgnbd_pn(r, al, a, b, n, t):
    q = t / (al + t)
    lead = (al / (al + t)) ** r

    def nb(j):
        return mp.gamma(r + j) / (mp.gamma(r) * mp.factorial(j)) * q ** j

    first = mp.beta(a, b + n) / mp.beta(a, b) * nb(n) * lead
    if n == 0:
        return first
    s = mp.fsum(nb(j) for j in range(n))
    return first + mp.beta(a + 1, b + n - 1) / mp.beta(a, b) * (1 - lead * s)


# ---------------------------------------------------------------- MBG/NBD
def mbg_palive(r, al, a, b, x, tx, T):
    return 1 / (1 + a / (b + x) * ((al + T) / (al + tx)) ** (r + x))


def mbg_ll(r, al, a, b, x, tx, T):
    return (mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al) - (r + x) * mp.log(al + T)
            + mp.log(mp.beta(a, b + x + 1)) - mp.log(mp.beta(a, b))
            + mp.log(1 + a / (b + x) * ((al + T) / (al + tx)) ** (r + x)))


def mbg_ey(r, al, a, b, x, tx, T, t):
    pa = mbg_palive(r, al, a, b, x, tx, T)
    return pa * expected_while_alive(r + x, t / (al + T), a, b + x + 1)


def mbg_ex(r, al, a, b, t):
    # The MBG/NBD customer may also drop out at time 0 (probability p): E[(1-p) g(p)] = b/(a+b) E_{Beta(a,b+1)}[g].
    return b / (a + b) * expected_while_alive(r, t / al, a, b + 1)


# ---------------------------------------------------------------- Gamma-Gamma
def gg_ll(p, q, v, x, m):
    px = p * x
    return (mp.loggamma(px + q) - mp.loggamma(px) - mp.loggamma(q) + q * mp.log(v) + (px - 1) * mp.log(m)
            + px * mp.log(x) - (px + q) * mp.log(v + x * m))


def gg_spend(p, q, v, x, m):
    return (p * v + p * x * m) / (p * x + q - 1)


# ---------------------------------------------------------------- BG/BB
def lbeta(a, b):
    return mp.log(mp.beta(a, b))


def bgbb_ll(al, be, ga, de, x, tx, n):
    # ln L is ~ -alpha when alpha = 1e-300: the sum of probabilities needs 330 extra digits to resolve it.
    with mp.workdps(mp.mp.dps + 330):
        return +_bgbb_ll(al, be, ga, de, x, tx, n)


def _bgbb_ll(al, be, ga, de, x, tx, n):
    lab, lgd = lbeta(al, be), lbeta(ga, de)
    total = mp.exp(lbeta(al + x, be + n - x) - lab + lbeta(ga, de + n) - lgd)
    for i in range(int(n - tx)):
        total += mp.exp(lbeta(al + x, be + tx - x + i) - lab + lbeta(ga + 1, de + tx + i) - lgd)
    return mp.log(total)


def bgbb_palive_at(al, be, ga, de, x, tx, n, m):
    lab, lgd = lbeta(al, be), lbeta(ga, de)
    return mp.exp(lbeta(al + x, be + n - x) - lab + lbeta(ga, de + n + m) - lgd - bgbb_ll(al, be, ga, de, x, tx, n))


def bgbb_ey(al, be, ga, de, x, tx, n, m):
    lab, lgd = lbeta(al, be), lbeta(ga, de)
    s = mp.fsum(mp.beta(ga, de + n + k) for k in range(1, int(m) + 1))
    return mp.exp(lbeta(al + x + 1, be + n - x) - lab - lgd - bgbb_ll(al, be, ga, de, x, tx, n)) * s


# ---------------------------------------------------------------- sBG
def sbg_survival(al, be, t):
    return mp.beta(al, be + t) / mp.beta(al, be)


def sbg_retention(al, be, t):
    return (be + t - 1) / (al + be + t - 1)


def sbg_derl(al, be, d, n):
    z = 1 / (1 + d)
    try:
        f2 = hyp2f1(1, be + n + 1, al + be + n + 1, z)
    except (Slow, mp.libmp.NoConvergence):
        f2 = positive_series_2f1(mp.mpf(1), be + n + 1, al + be + n + 1, z)
    return (be + n) / (al + be + n) * f2


# ---------------------------------------------------------------- grids
BGNBD_PARAMS = [
    ("cdnow", 0.242594150135163, 4.41359212062015, 0.792919156875463, 2.42589514170844),
    ("a-near-1", 1.0, 1.0, 1.000000001, 1.0),
    ("a-below-1", 0.5, 10.0, 0.999999999, 3.0),
    ("a-400", 0.243, 4.41, 400.0, 2.43),
    ("a-1e7", 0.243, 4.41, 1e7, 2.43),
    ("ab-1e7", 0.243, 4.41, 1e7, 1e7),
    ("ab-small", 2.0, 30.0, 1e-3, 1e-3),
    ("r-alpha-large", 1e4, 1e6, 0.79, 2.43),
    ("r-large-alpha-small", 1e4, 1e-3, 2.5, 7.0),
    ("b-1e7", 0.8, 1e3, 3.0, 1e7),
    ("r-small-alpha-large", 1e-3, 1e6, 0.5, 0.5),
]

ROWS = [
    (0, 0, 1e-6), (0, 0, 39.0), (0, 0, 1e5),
    (2, 30.43, 38.86), (1, 1e-7, 1e-6), (7, 35.0, 36.0),
    (1, 1.0, 1e5), (100, 0.5, 1.0), (1000, 9e4, 1e5), (1e6, 99999.0, 1e5),
]

HORIZONS = [1e-9, 1.0, 39.0, 1e4]

MBG_PARAMS = [
    ("moderate", 0.525, 6.183, 0.891, 1.614),
    ("a-near-1", 1.0, 1.0, 1.000000001, 1.0),
    ("a-1e7", 0.243, 4.41, 1e7, 2.43),
    ("ab-1e7", 0.243, 4.41, 1e7, 1e7),
    ("r-alpha-large", 1e4, 1e6, 0.79, 2.43),
    ("b-1e7", 0.8, 1e3, 3.0, 1e7),
    ("ab-small", 2.0, 30.0, 1e-3, 1e-3),
]

GG_PARAMS = [
    ("cdnow", 6.25, 3.74, 15.44),
    ("pq-large", 1e7, 1e7 + 1, 1.0),
    ("p-large", 1e6, 3.7, 15.4),
    ("q-small", 0.5, 1e-3, 2.0),
    ("v-large", 2.0, 5.0, 1e8),
]
GG_ROWS = [(1, 1e-3), (1, 35.0), (6, 47.3), (1000, 1e5), (1e6, 12.5)]

BGBB_PARAMS = [
    ("donations", 1.204, 0.750, 0.657, 2.783),
    ("alpha-tiny", 1e-300, 1.0, 1.0, 1.0),
    ("all-large", 1e6, 2e6, 3e6, 1e7),
    ("small", 1e-3, 1e-3, 1e-3, 1e-3),
]
BGBB_ROWS = [(0, 0, 6), (1, 1, 6), (3, 5, 6), (6, 6, 6), (20, 40, 60)]
BGBB_HORIZONS = [1, 5, 100]

SBG_PARAMS = [("paper", 0.668, 3.806), ("large", 1e6, 3e6), ("small", 1e-3, 1e-3), ("mixed", 1e-3, 1e7)]
SBG_TIMES = [1, 2, 12, 1000]


def rows():
    for name, r, al, a, b in BGNBD_PARAMS:
        P = (r, al, a, b)
        for t in HORIZONS:
            yield "bgnbd", name, P, (t,), "ex", lambda P=P, t=t: bgnbd_ex(*map(f, P), f(t))
        for n in (0, 1, 5):
            for t in (1e-3, 39.0, 1e3):
                yield "bgnbd", name, P, (n, t), "pn", lambda P=P, n=n, t=t: bgnbd_pn(*map(f, P), n, f(t))
        for x, tx, T in ROWS:
            R = (x, tx, T)
            yield "bgnbd", name, P, R, "ll", lambda P=P, R=R: bgnbd_ll(*map(f, P + R))
            yield "bgnbd", name, P, R, "palive", lambda P=P, R=R: bgnbd_palive(*map(f, P + R))
            for t in HORIZONS:
                args = P + R + (t,)
                yield "bgnbd", name, P, R + (t,), "ey", lambda args=args: bgnbd_ey(*map(f, args))
                yield "bgnbd", name, P, R + (t,), "palive_at", lambda args=args: bgnbd_palive_at(*map(f, args))
                yield "bgnbd", name, P, R + (t,), "pnone", lambda args=args: bgnbd_pnone(*map(f, args))
    for name, r, al, a, b in MBG_PARAMS:
        P = (r, al, a, b)
        for t in HORIZONS:
            yield "mbgnbd", name, P, (t,), "ex", lambda P=P, t=t: mbg_ex(*map(f, P), f(t))
        for x, tx, T in ROWS:
            R = (x, tx, T)
            yield "mbgnbd", name, P, R, "ll", lambda P=P, R=R: mbg_ll(*map(f, P + R))
            yield "mbgnbd", name, P, R, "palive", lambda P=P, R=R: mbg_palive(*map(f, P + R))
            for t in HORIZONS:
                args = P + R + (t,)
                yield "mbgnbd", name, P, R + (t,), "ey", lambda args=args: mbg_ey(*map(f, args))
    for name, p, q, v in GG_PARAMS:
        P = (p, q, v)
        for x, m in GG_ROWS:
            R = (x, m)
            yield "gg", name, P, R, "ll", lambda P=P, R=R: gg_ll(*map(f, P + R))
            yield "gg", name, P, R, "spend", lambda P=P, R=R: gg_spend(*map(f, P + R))
    for name, al, be, ga, de in BGBB_PARAMS:
        P = (al, be, ga, de)
        for x, tx, n in BGBB_ROWS:
            R = (x, tx, n)
            yield "bgbb", name, P, R, "ll", lambda P=P, R=R: bgbb_ll(*map(f, P), *R)
            for m in BGBB_HORIZONS:
                yield "bgbb", name, P, R + (m,), "palive_at", lambda P=P, R=R, m=m: bgbb_palive_at(*map(f, P), *R, m)
                yield "bgbb", name, P, R + (m,), "ey", lambda P=P, R=R, m=m: bgbb_ey(*map(f, P), *R, m)
    for name, al, be in SBG_PARAMS:
        P = (al, be)
        for t in SBG_TIMES:
            yield "sbg", name, P, (t,), "survival", lambda P=P, t=t: sbg_survival(*map(f, P), t)
            yield "sbg", name, P, (t,), "retention", lambda P=P, t=t: sbg_retention(*map(f, P), t)
        for d in (0.1, 1e-3):
            for n in (0, 5):
                yield "sbg", name, P, (d, n), "derl", lambda P=P, d=d, n=n: sbg_derl(*map(f, P), f(d), n)


def main():
    out = sys.stdout
    out.write("# Lifecycle.Core model reference values, generated by generate_model_references.py\n")
    out.write(f"# mpmath {mp.__version__}, mp.dps = {DPS}, checked at mp.dps = {CHECK_DPS} (>= 30 digits agree); "
              f"values printed with 20 significant digits; generated {datetime.date.today().isoformat()}\n")
    out.write("# model,case,params(;),inputs(;),quantity,value\n")
    count = 0
    only = set(sys.argv[1:])  # optional model names, to generate parts in parallel (outputs are concatenated)
    for model, name, params, inputs, quantity, fn in rows():
        if only and model not in only:
            continue
        mp.mp.dps = DPS
        started = time.time()
        v = fn()
        mp.mp.dps = CHECK_DPS
        w = fn()
        mp.mp.dps = DPS
        if not (mp.isfinite(v) and (w == v or abs(w - v) <= mp.mpf(10) ** -30 * abs(w))):
            sys.exit(f"{model} {name} {inputs} {quantity}: dps {DPS} gives {v}, dps {CHECK_DPS} gives {w}")
        ps = ";".join(repr(float(p)) for p in params)
        ins = ";".join(repr(float(i)) for i in inputs)
        out.write(f"{model},{name},{ps},{ins},{quantity},{mp.nstr(w, 20, min_fixed=1, max_fixed=0)}\n")
        count += 1
        if time.time() - started > 5:
            sys.stderr.write(f"slow ({time.time() - started:.0f} s): {model} {name} {inputs} {quantity}\n")
    sys.stderr.write(f"{count} reference values\n")


if __name__ == "__main__":
    main()
