namespace Lifecycle.Metrics;

/// <summary>Computes period churn, retention and revenue movements from transactions or subscriptions through a churn definition.</summary>
/// <remarks>
/// <para>The report covers every complete calendar period from the one holding the earliest record (or spell) to the
/// last one that ends on or before the observation end; the period containing the observation end is incomplete and
/// left out (records in it still inform the spells, for example a purchase that prevents a churn). Records at or after
/// the observation end are excluded and counted in <see cref="ChurnReport.RecordsAfterObservationEnd"/>.</para>
/// <para>Cost: one pass to group records by customer (a sort within each customer only when the input is not in time
/// order), then linear in records and spells. Thread-safe: no shared state.</para>
/// </remarks>
public static class ChurnAnalysis
{
    /// <summary>Non-contractual churn from transactions (for example with <see cref="InactivityChurn{TKey}"/>).</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order; amounts must be zero or positive.</param>
    /// <param name="calendar">The periods of the report.</param>
    /// <param name="observationEnd">The end of observation (exclusive).</param>
    /// <param name="definition">The churn definition.</param>
    /// <returns>The report: per-period counts, rates and revenue movements (revenue = sum of the period's transactions).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="definition"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="calendar"/> is default.</exception>
    /// <exception cref="ArgumentException">A customer id is null or empty, an amount is negative, there are no transactions before the observation end, or no complete period lies between the first transaction and the observation end.</exception>
    /// <exception cref="InvalidOperationException">The definition broke its contract (see <see cref="IChurnDefinition{TRecord}"/>).</exception>
    public static ChurnReport Analyze<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, PeriodCalendar calendar, DateTimeOffset observationEnd, IChurnDefinition<Transaction<TKey>> definition)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(definition);
        calendar.ThrowIfDefault(nameof(calendar));
        return Run<TKey, Transaction<TKey>, TransactionShape<TKey>>(transactions, calendar, observationEnd, definition, "transactions");
    }

    /// <summary>Contractual churn from subscriptions (for example with <see cref="SubscriptionChurn{TKey}"/>).</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="subscriptions">The subscriptions, in any order.</param>
    /// <param name="calendar">The periods of the report.</param>
    /// <param name="observationEnd">The end of observation (exclusive); later ends count as still running.</param>
    /// <param name="definition">The churn definition, usually <see cref="SubscriptionChurn{TKey}"/>.</param>
    /// <returns>The report: per-period counts, rates and revenue movements (revenue = recurring revenue just before each period ends).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="definition"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="calendar"/> is default.</exception>
    /// <exception cref="ArgumentException">A customer id is null or empty, a subscription ends before it starts, there are no subscriptions starting before the observation end, or no complete period lies between the first start and the observation end.</exception>
    /// <exception cref="InvalidOperationException">The definition broke its contract (see <see cref="IChurnDefinition{TRecord}"/>).</exception>
    public static ChurnReport Analyze<TKey>(ReadOnlySpan<Subscription<TKey>> subscriptions, PeriodCalendar calendar, DateTimeOffset observationEnd, IChurnDefinition<Subscription<TKey>> definition)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(definition);
        calendar.ThrowIfDefault(nameof(calendar));
        return Run<TKey, Subscription<TKey>, SubscriptionShape<TKey>>(subscriptions, calendar, observationEnd, definition, "subscriptions");
    }

    private static ChurnReport Run<TKey, TRecord, TShape>(ReadOnlySpan<TRecord> records, PeriodCalendar calendar, DateTimeOffset observationEnd, IChurnDefinition<TRecord> definition, string what)
        where TKey : notnull, IEquatable<TKey>
        where TShape : IRecordShape<TRecord, TKey>
    {
        var groups = CustomerGroups<TKey>.Build<TRecord, TShape>(records, observationEnd, what);
        return Run<TKey, TRecord, TShape, GroupedSpan<TRecord, TKey>>(new GroupedSpan<TRecord, TKey>(records, groups), calendar, observationEnd, definition, what);
    }

    /// <summary>Non-contractual churn from transactions already grouped by customer (the analysis's compact per-period activity).</summary>
    internal static ChurnReport Analyze<TKey, TSource>(TSource groups, PeriodCalendar calendar, DateTimeOffset observationEnd, IChurnDefinition<Transaction<TKey>> definition)
        where TKey : notnull, IEquatable<TKey>
        where TSource : ICustomerRecords<Transaction<TKey>, TKey>, allows ref struct
    {
        ArgumentNullException.ThrowIfNull(definition);
        calendar.ThrowIfDefault(nameof(calendar));
        return Run<TKey, Transaction<TKey>, TransactionShape<TKey>, TSource>(groups, calendar, observationEnd, definition, "transactions");
    }

    private static ChurnReport Run<TKey, TRecord, TShape, TSource>(TSource groups, PeriodCalendar calendar, DateTimeOffset observationEnd, IChurnDefinition<TRecord> definition, string what)
        where TKey : notnull, IEquatable<TKey>
        where TShape : IRecordShape<TRecord, TKey>
        where TSource : ICustomerRecords<TRecord, TKey>, allows ref struct
    {
        var buffer = new TRecord[16];
        var name = definition.Name;
        if (groups.Count == 0)
        {
            ThrowHelper.Argument(what, FormattableString.Invariant($"there are no {what} before the observation end {observationEnd:O}; pass data or move the observation end later."));
        }

        var first = calendar.IndexOf(groups.MinTime);
        var last = calendar.IndexOf(observationEnd) - 1;
        if (last < first)
        {
            ThrowHelper.Argument(nameof(observationEnd), FormattableString.Invariant($"observation end {observationEnd:O} leaves no complete {calendar.Granularity} after the first record ({groups.MinTime:O}); move the observation end to or after {calendar.StartOf(first + 1):O} or use a shorter period."));
        }

        var periods = last - first + 1;
        var startDiff = new int[periods + 2];
        var newCustomers = new int[periods];
        var reactivated = new int[periods];
        var lost = new int[periods];
        var newLost = new int[periods];
        var reactivatedLost = new int[periods];
        var revenue = new RevenueAccumulator(periods);
        var changes = new List<(int Period, decimal Value)>();
        var deltas = new List<(int Period, decimal Value)>();
        var all = new List<ActivitySpell>(groups.Count);
        var offsets = new int[groups.Count + 1];
        var scratch = new List<ActivitySpell>();

        // One pass per customer: their records are gathered once, then give spells (checked against the definition's
        // contract) and the revenue series.
        for (var c = 0; c < groups.Count; c++)
        {
            var customerRecords = groups.Records(c, ref buffer);
            scratch.Clear();
            definition.AddSpells(customerRecords, observationEnd, scratch);
            Check(scratch, TShape.TimeOf(customerRecords[0]), observationEnd, name, groups.KeyOf(c));
            for (var j = 0; j < scratch.Count; j++)
            {
                var spell = scratch[j];
                all.Add(spell);
                var ps = calendar.IndexOf(spell.Start) - first;
                var pe = spell.End is { } e ? calendar.IndexOf(e) - first : int.MaxValue;

                // Active just before period p starts when ps < p <= pe; index `periods` is the end of the last period.
                var from = ps + 1;
                var to = Math.Min(pe, periods);
                if (from <= to)
                {
                    startDiff[from]++;
                    startDiff[to + 1]--;
                }

                if (ps >= periods)
                {
                    continue;
                }

                var isFirst = j == 0;
                (isFirst ? newCustomers : reactivated)[ps]++;
                if (pe == ps)
                {
                    (isFirst ? newLost : reactivatedLost)[ps]++;
                }
                else if (pe < periods)
                {
                    lost[pe]++;
                }
            }

            offsets[c + 1] = all.Count;
            TShape.Revenue(customerRecords, calendar, first, observationEnd, deltas, changes);
            revenue.Add(changes);
        }

        var churn = new PeriodChurn[periods];
        var money = new PeriodRevenue[periods];
        var atStart = 0;
        var revenueEnd = 0m;
        for (var p = 0; p < periods; p++)
        {
            atStart += startDiff[p];
            var atEnd = atStart + startDiff[p + 1];
            var period = calendar.Period(first + p);
            churn[p] = new PeriodChurn(period, atStart, newCustomers[p], reactivated[p], lost[p], newLost[p], reactivatedLost[p], atEnd);
            var revenueStart = revenueEnd;
            revenueEnd += revenue.Delta[p];
            money[p] = new PeriodRevenue(period, revenueStart, revenue.New[p], revenue.Reactivation[p], revenue.Expansion[p], revenue.Contraction[p], revenue.Churned[p], revenueEnd);
        }

        return new ChurnReport(name, calendar, observationEnd, groups.Count, groups.ExcludedAfterEnd, churn, money, [.. all], offsets);
    }

    private static void Check<TKey>(List<ActivitySpell> spells, DateTimeOffset firstRecord, DateTimeOffset observationEnd, string name, TKey customer)
    {
        for (var i = 0; i < spells.Count; i++)
        {
            var s = spells[i];
            string? problem = null;
            if (s.Start < firstRecord)
            {
                problem = FormattableString.Invariant($"spell {i} starts at {s.Start:O}, before the customer's first record at {firstRecord:O}");
            }
            else if (s.Start >= observationEnd)
            {
                problem = FormattableString.Invariant($"spell {i} starts at {s.Start:O}, not before the observation end {observationEnd:O}");
            }
            else if (s.End is { } e && e >= observationEnd)
            {
                problem = FormattableString.Invariant($"spell {i} ends at {e:O}, not before the observation end {observationEnd:O} (an unobserved churn must be null)");
            }
            else if (i > 0 && spells[i - 1].End is null)
            {
                problem = FormattableString.Invariant($"spell {i} follows an open (censored) spell");
            }
            else if (i > 0 && s.Start < spells[i - 1].End)
            {
                problem = FormattableString.Invariant($"spell {i} starts at {s.Start:O}, before the previous spell ends at {spells[i - 1].End:O}");
            }

            if (problem is not null)
            {
                ThrowHelper.InvalidOperation(FormattableString.Invariant($"Churn definition '{name}' broke its contract for customer {customer}: {problem}; spells must be in time order, must not overlap and must lie between the customer's first record and the observation end."));
            }
        }
    }
}
