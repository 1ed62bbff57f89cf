namespace Lifecycle.Metrics;

/// <summary>Builds one customer's revenue per period as change points: (period, value from that period on), starting from 0.</summary>
internal static class RevenueSeries
{
    /// <summary>Transactions (sorted by time) → per-period sums as change points.</summary>
    public static void FromTransactions<TKey>(ReadOnlySpan<Transaction<TKey>> records, PeriodCalendar calendar, int first, List<(int Period, decimal Value)> changes)
        where TKey : notnull, IEquatable<TKey>
    {
        changes.Clear();
        var current = 0m;
        var lastPeriod = int.MinValue;
        var i = 0;
        long periodStart = long.MaxValue, periodEnd = long.MinValue;
        var p = 0;
        while (i < records.Length)
        {
            // Records are in time order: the period index changes only at boundaries, so compare ticks instead of recomputing it.
            var ticks = records[i].Timestamp.UtcTicks;
            if (ticks < periodStart || ticks >= periodEnd)
            {
                var index = calendar.IndexOf(records[i].Timestamp);
                p = index - first;
                periodStart = calendar.StartOf(index).UtcTicks;
                periodEnd = calendar.StartOf(index + 1).UtcTicks;
            }

            var sum = 0m;
            while (i < records.Length && records[i].Timestamp.UtcTicks < periodEnd)
            {
                sum += records[i].Amount;
                i++;
            }

            if (sum == 0)
            {
                continue;
            }

            if (current > 0 && p > lastPeriod + 1)
            {
                changes.Add((lastPeriod + 1, 0m));
                current = 0;
            }

            if (sum != current)
            {
                changes.Add((p, sum));
                current = sum;
            }

            lastPeriod = p;
        }

        if (current > 0)
        {
            changes.Add((lastPeriod + 1, 0m));
        }
    }

    /// <summary>Subscriptions → recurring revenue just before each period's end, as change points.</summary>
    public static void FromSubscriptions<TKey>(ReadOnlySpan<Subscription<TKey>> records, PeriodCalendar calendar, int first, DateTimeOffset observationEnd, List<(int Period, decimal Value)> deltas, List<(int Period, decimal Value)> changes)
        where TKey : notnull, IEquatable<TKey>
    {
        changes.Clear();
        deltas.Clear();
        foreach (ref readonly var s in records)
        {
            if (s.RecurringRevenue == 0)
            {
                continue;
            }

            // Revenue counts at the end of period p when Start < End(p) <= End: p in [index(Start), index(End) - 1].
            var from = calendar.IndexOf(s.Start) - first;
            var to = s.End is { } e && e < observationEnd ? calendar.IndexOf(e) - first : int.MaxValue;
            if (to > from)
            {
                deltas.Add((from, s.RecurringRevenue));
                if (to != int.MaxValue)
                {
                    deltas.Add((to, -s.RecurringRevenue));
                }
            }
        }

        deltas.Sort(ByPeriod.Instance);
        var current = 0m;
        var i = 0;
        while (i < deltas.Count)
        {
            var p = deltas[i].Period;
            var value = current;
            while (i < deltas.Count && deltas[i].Period == p)
            {
                value += deltas[i].Value;
                i++;
            }

            if (value != current)
            {
                changes.Add((p, value));
                current = value;
            }
        }
    }
}

/// <summary>Orders change points by period (a cached comparer: no allocation per customer).</summary>
internal sealed class ByPeriod : IComparer<(int Period, decimal Value)>
{
    public static readonly ByPeriod Instance = new();

    public int Compare((int Period, decimal Value) x, (int Period, decimal Value) y) => x.Period.CompareTo(y.Period);
}

/// <summary>Accumulates revenue movements over the periods of a report.</summary>
internal sealed class RevenueAccumulator
{
    private readonly int _periods;

    public RevenueAccumulator(int periods)
    {
        _periods = periods;
        New = new decimal[periods];
        Reactivation = new decimal[periods];
        Expansion = new decimal[periods];
        Contraction = new decimal[periods];
        Churned = new decimal[periods];
        Delta = new decimal[periods];
    }

    public decimal[] New { get; }

    public decimal[] Reactivation { get; }

    public decimal[] Expansion { get; }

    public decimal[] Contraction { get; }

    public decimal[] Churned { get; }

    public decimal[] Delta { get; }

    public void Add(List<(int Period, decimal Value)> changes)
    {
        var previous = 0m;
        var seen = false;
        foreach (var (p, value) in changes)
        {
            if (p >= _periods)
            {
                break;
            }

            if (previous == 0)
            {
                (seen ? Reactivation : New)[p] += value;
                seen = true;
            }
            else if (value == 0)
            {
                Churned[p] += previous;
            }
            else if (value > previous)
            {
                Expansion[p] += value - previous;
            }
            else
            {
                Contraction[p] += previous - value;
            }

            Delta[p] += value - previous;
            previous = value;
        }
    }
}
