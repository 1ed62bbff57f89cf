#!/usr/bin/env python3
"""Independent references for fits on small samples of CDNOW (issue 12: "in 30 random 20-customer samples of CDNOW,
BG/NBD reports a log-likelihood that an independent implementation does not reproduce").

For 30 seeded samples of 20 distinct CDNOW customers (TestData/cdnow_customers_summary_with_transactions.csv, time
unit weeks), and for BG/NBD and MBG/NBD, this script writes:
  * "ll" rows: the sample's total log-likelihood at fixed parameter sets, including a, b between 1e16 and 1e298 and
    r near 1e19 (the corners where differences of huge terms broke the arithmetic), computed with mpmath at
    mp.dps = 60 from the papers' closed forms (Fader, Hardie & Lee 2005 eq. 6; Batislam et al. 2007) and re-checked at
    mp.dps = 90;
  * "sup" rows: the supremum of the sample's log-likelihood over the parameter space, found by an independent
    multi-start Nelder-Mead search (six starts: the published CDNOW values and
    five spread over a and b, each restarted until it stops improving) in the logarithms of the parameters (bounded to [-46, 46], i.e. 1e-20 .. 1e20)
    at mp.dps = 30, then re-evaluated at mp.dps = 60. "boundary" is 1 when the best point found has a log-parameter
    beyond +-18 (1e-8 .. 1e8) or the search was still improving as it reached the bounds: the data have no interior
    maximum there.

Usage: python3 generate_small_samples.py > ../TestData/small_sample_references.csv   (about 30 minutes)
"""
import datetime
import random
import sys

import mpmath as mp

HERE = __file__.rsplit("/", 1)[0]
ROWS = []
with open(HERE + "/../TestData/cdnow_customers_summary_with_transactions.csv") as fh:
    next(fh)
    for line in fh:
        i, x, tx, T, _ = line.strip().split(",")
        ROWS.append((int(i), int(x), mp.mpf(tx), mp.mpf(T)))


def rising_log(base, n):
    """ln Γ(base + n) − ln Γ(base) for integer n ≥ 0, as Σ ln(base + k): exact at any magnitude of base (a difference of
    two log-gammas near 1e298 would cancel every digit even at 90)."""
    return mp.fsum(mp.log(base + k) for k in range(n))


def bgnbd_ll(p, data):
    r, al, a, b = p
    total = mp.mpf(0)
    for _, x, tx, T in data:
        v = (rising_log(r, x) + r * mp.log(al) - (r + x) * mp.log(al + T)
             + rising_log(b, x) - rising_log(a + b, x))
        if x > 0:
            v += mp.log(1 + a / (b + x - 1) * ((al + T) / (al + tx)) ** (r + x))
        total += v
    return total


def mbgnbd_ll(p, data):
    r, al, a, b = p
    total = mp.mpf(0)
    for _, x, tx, T in data:
        total += (rising_log(r, x) + r * mp.log(al) - (r + x) * mp.log(al + T)
                  + rising_log(b, x + 1) - rising_log(a + b, x + 1)
                  + mp.log(1 + a / (b + x) * ((al + T) / (al + tx)) ** (r + x)))
    return total


MODELS = {"bgnbd": bgnbd_ll, "mbgnbd": mbgnbd_ll}
FIXED = [
    (0.243, 4.414, 0.793, 2.426),          # the published CDNOW BG/NBD estimates
    (0.525, 6.183, 0.891, 1.614),          # the published CDNOW MBG/NBD estimates
    (0.25, 4.4, 1e16, 3e16),
    (0.25, 4.4, 2.5e16, 1e16),
    (0.3, 5.0, 1e298, 1e297),
    (0.3, 5.0, 1e-3, 1e298),
    (1e19, 4.0e19, 0.8, 2.4),
    (1e19, 4.0e19, 1e16, 1e17),
    (1e-3, 1e6, 1e-3, 1e-3),
    (2.0, 1e-3, 1e7, 1e7),
]
LOGBOUND = 46
EDGE = 18


def nelder_mead(fn, start, step=1.0, tol=mp.mpf("1e-11"), max_evals=2500):
    """Minimise fn over R^n (here: minus the LL in log-parameters) with the standard NM moves (1, 2, 0.5, 0.5)."""
    n = len(start)
    pts = [list(start)]
    for i in range(n):
        q = list(start)
        q[i] += step
        pts.append(q)
    vals = [fn(q) for q in pts]
    evals = n + 1
    while evals < max_evals:
        order = sorted(range(n + 1), key=lambda k: vals[k])
        pts = [pts[k] for k in order]
        vals = [vals[k] for k in order]
        if abs(vals[-1] - vals[0]) <= tol * (1 + abs(vals[0])) and max(
                abs(pts[k][i] - pts[0][i]) for k in range(1, n + 1) for i in range(n)) < mp.mpf("1e-7"):
            break
        centroid = [sum(pts[k][i] for k in range(n)) / n for i in range(n)]
        worst = pts[-1]
        refl = [centroid[i] + (centroid[i] - worst[i]) for i in range(n)]
        fr = fn(refl); evals += 1
        if fr < vals[0]:
            exp_ = [centroid[i] + 2 * (centroid[i] - worst[i]) for i in range(n)]
            fe = fn(exp_); evals += 1
            if fe < fr:
                pts[-1], vals[-1] = exp_, fe
            else:
                pts[-1], vals[-1] = refl, fr
        elif fr < vals[-2]:
            pts[-1], vals[-1] = refl, fr
        else:
            if fr < vals[-1]:
                con = [centroid[i] + 0.5 * (refl[i] - centroid[i]) for i in range(n)]
            else:
                con = [centroid[i] + 0.5 * (worst[i] - centroid[i]) for i in range(n)]
            fc = fn(con); evals += 1
            if fc < min(fr, vals[-1]):
                pts[-1], vals[-1] = con, fc
            else:
                best = pts[0]
                for k in range(1, n + 1):
                    pts[k] = [best[i] + 0.5 * (pts[k][i] - best[i]) for i in range(n)]
                    vals[k] = fn(pts[k]); evals += 1
    k = min(range(n + 1), key=lambda j: vals[j])
    return pts[k], vals[k]


def supremum(ll, data):
    def objective(theta):
        if any(abs(t) > LOGBOUND for t in theta):
            return mp.inf
        return -ll([mp.exp(t) for t in theta], data)

    best = None
    starts = [[mp.log(0.243), mp.log(4.414), mp.log(0.793), mp.log(2.426)]]
    starts += [[0, 2, la, lb] for la, lb in ((-4, -4), (0, 0), (3, 5), (-2, 2), (2, -2))]
    for start in starts:
        theta, val = nelder_mead(objective, start, step=1.0)
        # restart from the best point until it stops improving (NM can stall on ridges)
        for _ in range(6):
            theta2, val2 = nelder_mead(objective, theta, step=0.5)
            if val2 > val - mp.mpf("1e-12") * (1 + abs(val)):
                theta, val = theta2, min(val, val2)
                break
            theta, val = theta2, val2
        if best is None or val < best[1]:
            best = (theta, val)
    theta, _ = best
    boundary = int(any(abs(t) > EDGE for t in theta))
    return [mp.exp(t) for t in theta], boundary


def fmt(v):
    return mp.nstr(v, 25, min_fixed=0, max_fixed=0)


def main():
    rng = random.Random(20261204)
    samples = [sorted(rng.sample(range(len(ROWS)), 20)) for _ in range(30)]
    print(f"# small-sample references, mpmath {mp.__version__}, generated {datetime.date.today().isoformat()} by "
          "References/generate_small_samples.py; LL at 60 digits checked at 90; sup by Nelder-Mead at 30 digits")
    print("sample,ids,model,kind,r,alpha,a,b,value,boundary")
    for s, idx in enumerate(samples):
        data = [ROWS[i] for i in idx]
        ids = " ".join(str(ROWS[i][0]) for i in idx)
        for name, ll in MODELS.items():
            for p in FIXED:
                mp.mp.dps = 60
                v = ll([mp.mpf(q) for q in p], data)
                mp.mp.dps = 90
                w = ll([mp.mpf(q) for q in p], data)
                if abs(v - w) > mp.mpf("1e-40") * (1 + abs(w)):
                    sys.exit(f"precision check failed: sample {s} {name} {p}")
                mp.mp.dps = 60
                print(f"{s},{ids},{name},ll,{p[0]!r},{p[1]!r},{p[2]!r},{p[3]!r},{fmt(v)},")
            mp.mp.dps = 30
            par, boundary = supremum(ll, data)
            mp.mp.dps = 60
            v = ll(par, data)
            print(f"{s},{ids},{name},sup,{fmt(par[0])},{fmt(par[1])},{fmt(par[2])},{fmt(par[3])},{fmt(v)},{boundary}")
            sys.stdout.flush()
            print(f"sample {s} {name}: sup {mp.nstr(v, 12)} boundary {boundary} at {[mp.nstr(q, 4) for q in par]}",
                  file=sys.stderr)


if __name__ == "__main__":
    main()
