namespace Lifecycle.Metrics;

/// <summary>What puts a customer in a cell of a <see cref="CohortMatrix"/>.</summary>
public enum CohortActivity
{
    /// <summary>Not set.</summary>
    None = 0,

    /// <summary>The customer purchased in the period; revenue is the sum of the period's transactions (non-contractual).</summary>
    Purchased = 1,

    /// <summary>The customer was active just before the period ended; revenue is the recurring revenue at that instant (contractual).</summary>
    ActiveAtPeriodEnd = 2,
}

/// <summary>A cohort retention table: customers grouped by acquisition period, counted (and their revenue summed) in each later period.</summary>
/// <remarks>
/// <para>Row <c>i</c> is the cohort acquired in <see cref="Cohort"/>(i); column <c>age</c> is the period <c>age</c> periods
/// after acquisition (age 0 is the acquisition period). Cohorts and columns cover the complete periods from the first
/// acquisition to the last period ending on or before the observation end, so the table is triangular: row i has
/// <see cref="Ages"/>(i) columns. Customers acquired in the incomplete period that holds the observation end are left
/// out and counted in <see cref="CustomersInIncompletePeriod"/>.</para>
/// <para>Storage is sparse: only cohorts with customers and only cells with a count or revenue are kept (the others
/// read as 0), so memory grows with the data and not with the square of the date span; <see cref="NonEmptyCohorts"/> and
/// <see cref="ActiveAges"/> list what holds data. Two purchases in the years 1 and 2500 make 29,994 monthly rows and two cells.</para>
/// <para>Customer retention at age k is the share of the cohort counted at age k; revenue retention is the cohort's revenue
/// at age k over its revenue at age 0 (undefined when that is 0). Immutable and thread-safe.</para>
/// </remarks>
public sealed class CohortMatrix
{
    // Sparse: only cohorts with customers have a row, and only ages with a count or revenue have a cell, so memory
    // grows with the data, not with the square of the date span (2,500 years of months are 30,000 periods).
    private readonly int _periods;
    private readonly int _first;
    private readonly int[] _rowCohort;
    private readonly int[] _rowSize;
    private readonly int[] _rowOffsets;
    private readonly int[] _cellAge;
    private readonly int[] _cellCustomers;
    private readonly decimal[] _cellRevenue;

    private CohortMatrix(PeriodCalendar calendar, DateTimeOffset observationEnd, CohortActivity activity, int first, int periods, Cells cells, int incomplete)
    {
        Calendar = calendar;
        ObservationEnd = observationEnd;
        Activity = activity;
        _first = first;
        _periods = periods;
        CustomersInIncompletePeriod = incomplete;
        (_rowCohort, _rowSize, _rowOffsets, _cellAge, _cellCustomers, _cellRevenue) = cells.Build();
        var total = 0;
        foreach (var s in _rowSize)
        {
            total += s;
        }

        TotalCustomers = total;
    }

    /// <summary>Gets the calendar of the periods.</summary>
    public PeriodCalendar Calendar { get; }

    /// <summary>Gets the end of observation (exclusive).</summary>
    public DateTimeOffset ObservationEnd { get; }

    /// <summary>Gets what puts a customer in a cell.</summary>
    public CohortActivity Activity { get; }

    /// <summary>Gets the number of cohorts (rows): one per complete period from the first acquisition on, with or without customers.</summary>
    public int CohortCount => _periods;

    /// <summary>Gets the rows whose cohort has customers, in order: the rows worth showing when most periods acquired nobody.</summary>
    public IReadOnlyList<int> NonEmptyCohorts => _rowCohort;

    /// <summary>Gets the number of customers over all cohorts (the sum of <see cref="CohortSize"/>).</summary>
    public int TotalCustomers { get; }

    /// <summary>Gets the number of customers acquired in the incomplete period holding the observation end (not in any cohort).</summary>
    public int CustomersInIncompletePeriod { get; }

    /// <summary>Gets the acquisition period of cohort <paramref name="cohort"/>.</summary>
    /// <param name="cohort">The row, 0-based.</param>
    /// <returns>The period.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cohort"/> is outside the rows.</exception>
    public CalendarPeriod Cohort(int cohort) => Calendar.Period(_first + CheckRow(cohort));

    /// <summary>Gets the number of customers acquired in cohort <paramref name="cohort"/>'s period.</summary>
    /// <param name="cohort">The row, 0-based.</param>
    /// <returns>The cohort size.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cohort"/> is outside the rows.</exception>
    public int CohortSize(int cohort)
    {
        var row = Array.BinarySearch(_rowCohort, CheckRow(cohort));
        return row >= 0 ? _rowSize[row] : 0;
    }

    /// <summary>Gets the number of observed columns of row <paramref name="cohort"/> (ages 0 to Ages − 1).</summary>
    /// <param name="cohort">The row, 0-based.</param>
    /// <returns>The number of complete periods from the cohort's acquisition period on.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cohort"/> is outside the rows.</exception>
    public int Ages(int cohort) => _periods - CheckRow(cohort);

    /// <summary>Gets the ages of row <paramref name="cohort"/> at which the cohort was counted or had revenue, in order (every other observed age counts 0).</summary>
    /// <param name="cohort">The row, 0-based.</param>
    /// <returns>The ages with a cell; empty for a cohort without customers.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cohort"/> is outside the rows.</exception>
    public ReadOnlySpan<int> ActiveAges(int cohort)
    {
        var row = Array.BinarySearch(_rowCohort, CheckRow(cohort));
        return row >= 0 ? _cellAge.AsSpan(_rowOffsets[row], _rowOffsets[row + 1] - _rowOffsets[row]) : [];
    }

    /// <summary>Gets the number of the cohort's customers counted at <paramref name="age"/>.</summary>
    /// <param name="cohort">The row, 0-based.</param>
    /// <param name="age">Periods since acquisition, 0 to <see cref="Ages"/> − 1.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The cell is outside the observed triangle.</exception>
    public int Customers(int cohort, int age) => Find(cohort, age) is var cell and >= 0 ? _cellCustomers[cell] : 0;

    /// <summary>Gets the revenue of the cohort's customers at <paramref name="age"/>.</summary>
    /// <param name="cohort">The row, 0-based.</param>
    /// <param name="age">Periods since acquisition, 0 to <see cref="Ages"/> − 1.</param>
    /// <returns>The revenue (see <see cref="CohortActivity"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The cell is outside the observed triangle.</exception>
    public decimal Revenue(int cohort, int age) => Find(cohort, age) is var cell and >= 0 ? _cellRevenue[cell] : 0m;

    /// <summary>Gets customer retention: <see cref="Customers"/> / <see cref="CohortSize"/>; undefined for a period in which nobody was acquired.</summary>
    /// <param name="cohort">The row, 0-based.</param>
    /// <param name="age">Periods since acquisition.</param>
    /// <returns>The share of the cohort counted at <paramref name="age"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The cell is outside the observed triangle.</exception>
    public Ratio CustomerRetention(int cohort, int age) => new(Customers(cohort, age), CohortSize(cohort));

    /// <summary>Gets revenue retention: <see cref="Revenue"/> at <paramref name="age"/> / revenue at age 0; undefined when the age-0 revenue is 0.</summary>
    /// <param name="cohort">The row, 0-based.</param>
    /// <param name="age">Periods since acquisition.</param>
    /// <returns>The ratio (above 1 when the cohort spends more than in its first period).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The cell is outside the observed triangle.</exception>
    public Ratio RevenueRetention(int cohort, int age) => new(Revenue(cohort, age), Revenue(cohort, 0));

    /// <summary>Builds a purchase-based cohort table (<see cref="CohortActivity.Purchased"/>) from transactions.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order; amounts zero or positive.</param>
    /// <param name="calendar">The periods.</param>
    /// <param name="observationEnd">The end of observation (exclusive).</param>
    /// <returns>The table; a customer's cohort is the period of their first transaction.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="calendar"/> is default.</exception>
    /// <exception cref="ArgumentException">A customer id is null or empty, an amount is negative, there are no transactions before the observation end, or no complete period lies between the first transaction and the observation end.</exception>
    public static CohortMatrix FromTransactions<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, PeriodCalendar calendar, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>
    {
        calendar.ThrowIfDefault(nameof(calendar));
        if (IsPeriodOrdered(transactions, calendar))
        {
            return FromOrderedTransactions(transactions, calendar, observationEnd);
        }

        var groups = CustomerGroups<TKey>.Build<Transaction<TKey>, TransactionShape<TKey>>(transactions, observationEnd, nameof(transactions));
        return FromGrouped<TKey, GroupedSpan<Transaction<TKey>, TKey>>(new GroupedSpan<Transaction<TKey>, TKey>(transactions, groups), calendar, observationEnd);
    }

    /// <summary>A purchase-based cohort table from transactions already grouped by customer, in time order within each (the analysis's compact per-period activity).</summary>
    internal static CohortMatrix FromGrouped<TKey, TSource>(TSource groups, PeriodCalendar calendar, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>
        where TSource : ICustomerRecords<Transaction<TKey>, TKey>, allows ref struct
    {
        calendar.ThrowIfDefault(nameof(calendar));
        var (first, periods) = Range(groups.Count, groups.MinTime, calendar, observationEnd, "transactions");
        var cells = new Cells();
        var incomplete = 0;
        var buffer = new Transaction<TKey>[16];
        for (var c = 0; c < groups.Count; c++)
        {
            var records = groups.Records(c, ref buffer);
            var cohort = calendar.IndexOf(records[0].Timestamp) - first;
            if (cohort >= periods)
            {
                incomplete++;
                continue;
            }

            cells.Join(cohort);
            var counted = -1;
            foreach (ref readonly var t in records)
            {
                var age = calendar.IndexOf(t.Timestamp) - first - cohort;
                if (age >= periods - cohort)
                {
                    break;
                }

                cells.Add(cohort, age, age != counted ? 1 : 0, t.Amount);
                counted = age;
            }
        }

        return new CohortMatrix(calendar, observationEnd, CohortActivity.Purchased, first, periods, cells, incomplete);
    }

    /// <summary>Builds an activity-based cohort table (<see cref="CohortActivity.ActiveAtPeriodEnd"/>) from subscriptions.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="subscriptions">The subscriptions, in any order.</param>
    /// <param name="calendar">The periods.</param>
    /// <param name="observationEnd">The end of observation (exclusive).</param>
    /// <param name="definition">The churn definition that turns subscriptions into activity, usually <see cref="SubscriptionChurn{TKey}"/>.</param>
    /// <returns>The table; a customer's cohort is the period their first spell starts; revenue is recurring revenue just before each period ends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="definition"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="calendar"/> is default.</exception>
    /// <exception cref="ArgumentException">A customer id is null or empty, a subscription ends before it starts, there are no subscriptions before the observation end, or no complete period lies between the first start and the observation end.</exception>
    /// <exception cref="InvalidOperationException">The definition broke its contract (see <see cref="IChurnDefinition{TRecord}"/>).</exception>
    public static CohortMatrix FromSubscriptions<TKey>(ReadOnlySpan<Subscription<TKey>> subscriptions, PeriodCalendar calendar, DateTimeOffset observationEnd, IChurnDefinition<Subscription<TKey>> definition)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(definition);

        // The churn report validates the definition's spells and fixes the period range; the table is read from its spells.
        var report = ChurnAnalysis.Analyze(subscriptions, calendar, observationEnd, definition);
        var groups = CustomerGroups<TKey>.Build<Subscription<TKey>, SubscriptionShape<TKey>>(subscriptions, observationEnd, nameof(subscriptions));
        var first = report.Periods[0].Period.Index;
        var periods = report.Periods.Count;
        var cells = new Cells();
        var incomplete = 0;
        var buffer = new Subscription<TKey>[16];
        var spells = new List<ActivitySpell>();
        var deltas = new List<(int Period, decimal Value)>();
        var changes = new List<(int Period, decimal Value)>();
        for (var c = 0; c < groups.Count; c++)
        {
            var records = groups.Records(subscriptions, c, ref buffer);
            spells.Clear();
            definition.AddSpells(records, observationEnd, spells);
            if (spells.Count == 0)
            {
                continue;
            }

            var cohort = calendar.IndexOf(spells[0].Start) - first;
            if (cohort >= periods)
            {
                incomplete++;
                continue;
            }

            cells.Join(cohort);
            var ages = periods - cohort;
            foreach (var spell in spells)
            {
                // Active just before period p ends when Start < End(p) <= spell end: p in [index(Start), index(End) - 1].
                var from = calendar.IndexOf(spell.Start) - first - cohort;
                var to = spell.End is { } e ? calendar.IndexOf(e) - first - cohort : int.MaxValue;
                for (var age = Math.Max(from, 0); age < Math.Min(to, ages); age++)
                {
                    cells.Add(cohort, age, 1, 0m);
                }
            }

            RevenueSeries.FromSubscriptions(records, calendar, first, observationEnd, deltas, changes);
            for (var k = 0; k < changes.Count; k++)
            {
                var start = changes[k].Period - cohort;
                var stop = k + 1 < changes.Count ? changes[k + 1].Period - cohort : ages;
                if (changes[k].Value == 0)
                {
                    continue;
                }

                for (var age = Math.Max(start, 0); age < Math.Min(stop, ages); age++)
                {
                    cells.Add(cohort, age, 0, changes[k].Value);
                }
            }
        }

        return new CohortMatrix(calendar, observationEnd, CohortActivity.ActiveAtPeriodEnd, first, periods, cells, incomplete);
    }

    /// <summary>Whether the records come in non-decreasing period order (any order within a period), checked with tick ranges so the period is recomputed only at boundaries.</summary>
    private static bool IsPeriodOrdered<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, PeriodCalendar calendar)
        where TKey : notnull, IEquatable<TKey>
    {
        long start = long.MaxValue, end = long.MinValue;
        foreach (ref readonly var t in transactions)
        {
            var ticks = t.Timestamp.UtcTicks;
            if (ticks >= start && ticks < end)
            {
                continue;
            }

            if (ticks < start && start != long.MaxValue)
            {
                return false;
            }

            var index = calendar.IndexOf(t.Timestamp);
            start = calendar.StartOf(index).UtcTicks;
            end = calendar.StartOf(index + 1).UtcTicks;
        }

        return true;
    }

    // Transaction logs usually arrive in time order (at least period by period). Then one sequential pass suffices: a
    // customer's first record gives the cohort and their records arrive in period order, so "counted in this age
    // already" is a per-customer last age. Same result as the grouped path (a property runs both).
    private static CohortMatrix FromOrderedTransactions<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, PeriodCalendar calendar, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>
    {
        var endTicks = observationEnd.UtcTicks;
        var before = 0;
        var minTime = observationEnd;
        for (var i = 0; i < transactions.Length; i++)
        {
            ref readonly var t = ref transactions[i];
            if (t.CustomerId is null || (t.CustomerId is string s && s.Length == 0))
            {
                ThrowHelper.Argument(nameof(transactions), FormattableString.Invariant($"record {i}: the customer id is null or empty; every record needs a customer id."));
            }

            TransactionShape<TKey>.Validate(t, i);
            if (t.Timestamp.UtcTicks < endTicks)
            {
                minTime = before == 0 || t.Timestamp < minTime ? t.Timestamp : minTime;
                before++;
            }
        }

        var (first, periods) = Range(before, minTime, calendar, observationEnd, "transactions");
        var cells = new Cells();
        var index = new Dictionary<TKey, int>();
        var cohortOf = new List<int>();
        var lastAge = new List<int>();
        var incomplete = 0;
        var period = -1;
        long periodStart = long.MaxValue, periodEnd = long.MinValue;
        foreach (ref readonly var t in transactions)
        {
            var ticks = t.Timestamp.UtcTicks;
            if (ticks >= endTicks)
            {
                continue;
            }

            if (ticks < periodStart || ticks >= periodEnd)
            {
                period = calendar.IndexOf(t.Timestamp) - first;
                periodStart = calendar.StartOf(period + first).UtcTicks;
                periodEnd = calendar.StartOf(period + first + 1).UtcTicks;
            }

            if (!index.TryGetValue(t.CustomerId, out var c))
            {
                c = cohortOf.Count;
                index.Add(t.CustomerId, c);
                cohortOf.Add(period);
                lastAge.Add(-1);
                if (period < periods)
                {
                    cells.Join(period);
                }
                else
                {
                    incomplete++;
                }
            }

            if (period >= periods)
            {
                continue;
            }

            var cohort = cohortOf[c];
            var age = period - cohort;
            cells.Add(cohort, age, lastAge[c] != age ? 1 : 0, t.Amount);
            lastAge[c] = age;
        }

        return new CohortMatrix(calendar, observationEnd, CohortActivity.Purchased, first, periods, cells, incomplete);
    }

    private static (int First, int Periods) Range(int customers, DateTimeOffset minTime, PeriodCalendar calendar, DateTimeOffset observationEnd, string what)
    {
        if (customers == 0)
        {
            ThrowHelper.Argument(what, FormattableString.Invariant($"there are no {what} before the observation end {observationEnd:O}; pass data or move the observation end later."));
        }

        var first = calendar.IndexOf(minTime);
        var last = calendar.IndexOf(observationEnd) - 1;
        if (last < first)
        {
            ThrowHelper.Argument(nameof(observationEnd), FormattableString.Invariant($"observation end {observationEnd:O} leaves no complete {calendar.Granularity} after the first record ({minTime:O}); move the observation end to or after {calendar.StartOf(first + 1):O} or use a shorter period."));
        }

        return (first, last - first + 1);
    }

    private int Find(int cohort, int age)
    {
        CheckAge(cohort, age);
        var row = Array.BinarySearch(_rowCohort, cohort);
        if (row < 0)
        {
            return -1;
        }

        var from = _rowOffsets[row];
        var k = _cellAge.AsSpan(from, _rowOffsets[row + 1] - from).BinarySearch(age);
        return k >= 0 ? from + k : -1;
    }

    private int CheckRow(int cohort)
    {
        if ((uint)cohort >= (uint)_periods)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(cohort), cohort, FormattableString.Invariant($"must be between 0 and {_periods - 1}"), "use a row index below CohortCount");
        }

        return cohort;
    }

    private int CheckAge(int cohort, int age)
    {
        CheckRow(cohort);
        if ((uint)age >= (uint)(_periods - cohort))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(age), age, FormattableString.Invariant($"must be between 0 and {_periods - cohort - 1} for cohort {cohort}"), "later ages of this cohort are not observed yet (right-censored by the observation end)");
        }

        return age;
    }

    /// <summary>The cells while a table is built: one per (cohort, age) that is counted or has revenue, found through a dictionary and the last cell used.</summary>
    private sealed class Cells
    {
        private readonly Dictionary<long, int> _index = [];
        private readonly Dictionary<int, int> _size = [];
        private readonly List<(int Cohort, int Age)> _keys = [];
        private readonly List<int> _customers = [];
        private readonly List<decimal> _revenue = [];
        private long _lastKey = -1;
        private int _last = -1;

        /// <summary>Counts one more customer acquired in <paramref name="cohort"/>.</summary>
        public void Join(int cohort) => _size[cohort] = _size.GetValueOrDefault(cohort) + 1;

        public void Add(int cohort, int age, int customers, decimal revenue)
        {
            var key = ((long)cohort << 32) | (uint)age;
            if (key != _lastKey)
            {
                if (!_index.TryGetValue(key, out _last))
                {
                    _last = _keys.Count;
                    _index.Add(key, _last);
                    _keys.Add((cohort, age));
                    _customers.Add(0);
                    _revenue.Add(0m);
                }

                _lastKey = key;
            }

            _customers[_last] += customers;
            _revenue[_last] += revenue;
        }

        public (int[] RowCohort, int[] RowSize, int[] RowOffsets, int[] Age, int[] Customers, decimal[] Revenue) Build()
        {
            var rows = _size.Keys.Order().ToArray();
            var sizes = rows.Select(r => _size[r]).ToArray();
            var order = Enumerable.Range(0, _keys.Count).OrderBy(i => _keys[i].Cohort).ThenBy(i => _keys[i].Age).ToArray();
            var offsets = new int[rows.Length + 1];
            var age = new int[order.Length];
            var customers = new int[order.Length];
            var revenue = new decimal[order.Length];
            var row = 0;
            for (var k = 0; k < order.Length; k++)
            {
                var (cohort, a) = _keys[order[k]];
                while (rows[row] < cohort)
                {
                    offsets[++row] = k;
                }

                age[k] = a;
                customers[k] = _customers[order[k]];
                revenue[k] = _revenue[order[k]];
            }

            while (row < rows.Length)
            {
                offsets[++row] = order.Length;
            }

            return (rows, sizes, offsets, age, customers, revenue);
        }
    }
}
