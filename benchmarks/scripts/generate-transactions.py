#!/usr/bin/env python3
"""Seeded synthetic transactions for the whole-process timings in docs/benchmarks.md.

usage: generate-transactions.py OUT.csv [TRANSACTIONS] [CUSTOMERS] [SEED]
Defaults: 10,000,000 transactions of 1,000,000 customers (about 236 MB), seed 42. Rows are in time order over
2023-01-01..2024-12-31 with customers drawn uniformly (so they interleave as in a real log); amounts 1.00-199.99.
Also writes nothing else; the same arguments give the same bytes.
"""
import datetime
import random
import sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
customers = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 42)
start = datetime.date(2023, 1, 1)
days = 731
dates = [(start + datetime.timedelta(days=d)).isoformat() for d in range(days)]
with open(out, "w", encoding="utf-8", newline="\n") as f:
    f.write("customer_id,date,amount\n")
    rows = []
    for i in range(n):
        day = i * days // n
        rows.append(f"{rng.randrange(customers)},{dates[day]},{rng.randrange(100, 20000) / 100:.2f}\n")
        if len(rows) == 100_000:
            f.write("".join(rows))
            rows.clear()
    f.write("".join(rows))
