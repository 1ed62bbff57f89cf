using System.Collections.ObjectModel;
using System.Globalization;

namespace Lifecycle.Segmentation;

/// <summary>The calendar period that groups customers into acquisition cohorts.</summary>
public enum CohortPeriod
{
    /// <summary>Calendar days.</summary>
    Day = 0,

    /// <summary>ISO weeks, starting on Monday.</summary>
    Week = 1,

    /// <summary>Calendar months.</summary>
    Month = 2,

    /// <summary>Calendar quarters (January, April, July, October).</summary>
    Quarter = 3,

    /// <summary>Calendar years.</summary>
    Year = 4,
}

/// <summary>Customers grouped by the period of their first purchase.</summary>
/// <remarks>Cohorts are consecutive periods from the earliest to the latest acquisition, including empty periods between
/// them (count 0), so the list reads as a time axis. Immutable and thread-safe.</remarks>
public sealed class CohortAssignment
{
    private readonly int[] _cohorts;
    private readonly int[] _counts;
    private readonly double[] _values;

    internal CohortAssignment(CohortPeriod period, int[] cohorts, DateOnly[] starts, string[] labels, int[] counts, double[] values)
    {
        Period = period;
        Labels = new ReadOnlyCollection<string>(labels);
        _cohorts = cohorts;
        _counts = counts;
        _values = values;
        Starts = new ReadOnlyCollection<DateOnly>(starts);
    }

    /// <summary>Gets the period length.</summary>
    public CohortPeriod Period { get; }

    /// <summary>Gets each customer's cohort index (into <see cref="Starts"/>).</summary>
    public ReadOnlySpan<int> Cohorts => _cohorts;

    /// <summary>Gets the first day of each cohort's period, ascending and consecutive.</summary>
    public IReadOnlyList<DateOnly> Starts { get; }

    /// <summary>Gets each cohort's label, as <c>Lifecycle.Metrics.CalendarPeriod</c> labels them: <c>2024-01-15</c> (day),
    /// <c>2024-W03</c> (ISO week-year and week), <c>2024-01</c>, <c>2024-Q1</c>, <c>2024</c>.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Gets the number of customers acquired in each period.</summary>
    public ReadOnlySpan<int> Counts => _counts;

    /// <summary>Gets the total value per cohort (empty when no values were given).</summary>
    public ReadOnlySpan<double> Values => _values;
}

/// <summary>Acquisition cohorts: customers grouped by the calendar period of their first purchase.</summary>
/// <remarks>
/// The period is taken from the timestamp's own calendar date (<see cref="DateTimeOffset.Date"/>, in its own offset):
/// normalise timestamps to one offset first if customers span time zones. An empty population gives an assignment with
/// no cohorts. Thread-safe.
/// </remarks>
public static class Cohorts
{
    /// <summary>Returns the first day of the period containing a timestamp.</summary>
    /// <param name="timestamp">The timestamp (its own calendar date is used).</param>
    /// <param name="period">The period length.</param>
    /// <returns>The period's first day.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not defined.</exception>
    public static DateOnly PeriodStart(DateTimeOffset timestamp, CohortPeriod period) => FromOrdinal(Ordinal(DateOnly.FromDateTime(timestamp.Date), period), period);

    /// <summary>Groups customers by acquisition period.</summary>
    /// <param name="firstPurchase">Each customer's first purchase; <c>default</c> (unknown) is rejected.</param>
    /// <param name="period">The period length.</param>
    /// <param name="values">Optional value per customer (CLV, revenue) summed per cohort; empty for none.</param>
    /// <returns>The cohort of each customer, the periods and their counts.</returns>
    /// <exception cref="ArgumentException">A first purchase is unknown (default), a value is NaN or infinite, or lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not defined.</exception>
    public static CohortAssignment ByAcquisition(ReadOnlySpan<DateTimeOffset> firstPurchase, CohortPeriod period, ReadOnlySpan<double> values)
    {
        CheckPeriod(period);
        return Group(firstPurchase, values, period, t => Ordinal(DateOnly.FromDateTime(t.Date), period), o => FromOrdinal(o, period), (o, start) => Label(start, period));
    }

    /// <summary>Groups customers by acquisition period on a metrics calendar, so cohorts line up with
    /// <c>Lifecycle.Metrics.CohortMatrix</c> (same period boundaries at the calendar's UTC offset, same labels).</summary>
    /// <param name="firstPurchase">Each customer's first purchase; <c>default</c> (unknown) is rejected.</param>
    /// <param name="calendar">The calendar: ISO weeks, months or quarters at a fixed UTC offset.</param>
    /// <param name="values">Optional value per customer summed per cohort; empty for none.</param>
    /// <returns>The cohort of each customer, the periods (start dates at the calendar's offset) and their counts.</returns>
    /// <exception cref="ArgumentException">A first purchase is unknown, a value is NaN or infinite, or lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="calendar"/> is <c>default</c>.</exception>
    public static CohortAssignment ByAcquisition(ReadOnlySpan<DateTimeOffset> firstPurchase, Metrics.PeriodCalendar calendar, ReadOnlySpan<double> values)
    {
        calendar.ThrowIfDefault(nameof(calendar));
        var period = calendar.Granularity switch
        {
            Metrics.PeriodGranularity.Week => CohortPeriod.Week,
            Metrics.PeriodGranularity.Month => CohortPeriod.Month,
            _ => CohortPeriod.Quarter,
        };
        return Group(firstPurchase, values, period, calendar.IndexOf, o => DateOnly.FromDateTime(calendar.StartOf(o).DateTime), (o, _) => calendar.Period(o).Label);
    }

    private static CohortAssignment Group(ReadOnlySpan<DateTimeOffset> firstPurchase, ReadOnlySpan<double> values, CohortPeriod period, Func<DateTimeOffset, int> ordinal, Func<int, DateOnly> start, Func<int, DateOnly, string> label)
    {
        var n = firstPurchase.Length;
        if (values.Length != 0 && values.Length != n)
        {
            ThrowHelper.Argument(nameof(values), FormattableString.Invariant($"values has length {values.Length} but there are {n} customers; pass one value per customer or none."));
        }

        if (n == 0)
        {
            return new CohortAssignment(period, [], [], [], [], []);
        }

        var ordinals = new int[n];
        int min = int.MaxValue, max = int.MinValue;
        for (var i = 0; i < n; i++)
        {
            if (firstPurchase[i] == default)
            {
                ThrowHelper.Argument(nameof(firstPurchase), FormattableString.Invariant($"customer {i}: the first purchase is unknown (default); build summaries with TransactionSummarizer, which records it, or pass the dates."));
            }

            if (values.Length != 0 && !double.IsFinite(values[i]))
            {
                ThrowHelper.Argument(nameof(values), FormattableString.Invariant($"values[{i}] = {values[i]:R} must be finite; remove or impute missing values."));
            }

            var o = ordinal(firstPurchase[i]);
            ordinals[i] = o;
            min = Math.Min(min, o);
            max = Math.Max(max, o);
        }

        var k = max - min + 1;
        var counts = new int[k];
        var sums = values.Length == 0 ? [] : new double[k];
        for (var i = 0; i < n; i++)
        {
            var c = ordinals[i] - min;
            ordinals[i] = c;
            counts[c]++;
            if (values.Length != 0)
            {
                sums[c] += values[i];
            }
        }

        var starts = new DateOnly[k];
        var labels = new string[k];
        for (var c = 0; c < k; c++)
        {
            starts[c] = start(min + c);
            labels[c] = label(min + c, starts[c]);
        }

        return new CohortAssignment(period, ordinals, starts, labels, counts, sums);
    }

    /// <summary>Groups the customers of a summary set by acquisition period.</summary>
    /// <param name="summaries">Customers built by <see cref="TransactionSummarizer{TKey}"/> (which records first purchases).</param>
    /// <param name="period">The period length.</param>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <returns>The cohorts, with total spend summed per cohort in <see cref="CohortAssignment.Values"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="summaries"/> is null.</exception>
    /// <exception cref="ArgumentException">First purchases are unknown (a set built from columns).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not defined.</exception>
    public static CohortAssignment ByAcquisition<TKey>(SummarySet<TKey> summaries, CohortPeriod period)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var revenue = new double[summaries.Count];
        ValueTiers.Revenue(summaries, revenue);
        return ByAcquisition(summaries.FirstPurchase, period, revenue);
    }

    private static void CheckPeriod(CohortPeriod period)
    {
        if (period is < CohortPeriod.Day or > CohortPeriod.Year)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(period), period, "is not a defined CohortPeriod", "pass Day, Week, Month, Quarter or Year");
        }
    }

    private static int Ordinal(DateOnly date, CohortPeriod period)
    {
        CheckPeriod(period);
        return period switch
        {
            CohortPeriod.Day => date.DayNumber,
            // DayNumber 0 is Monday 0001-01-01, so whole weeks since then start on Mondays.
            CohortPeriod.Week => date.DayNumber / 7,
            CohortPeriod.Month => (date.Year * 12) + date.Month - 1,
            CohortPeriod.Quarter => (date.Year * 4) + ((date.Month - 1) / 3),
            _ => date.Year,
        };
    }

    private static string Label(DateOnly start, CohortPeriod period) => period switch
    {
        CohortPeriod.Day => start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        CohortPeriod.Week => string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(start.ToDateTime(TimeOnly.MinValue)):D4}-W{ISOWeek.GetWeekOfYear(start.ToDateTime(TimeOnly.MinValue)):D2}"),
        CohortPeriod.Month => string.Create(CultureInfo.InvariantCulture, $"{start.Year:D4}-{start.Month:D2}"),
        CohortPeriod.Quarter => string.Create(CultureInfo.InvariantCulture, $"{start.Year:D4}-Q{((start.Month - 1) / 3) + 1}"),
        _ => start.Year.ToString("D4", CultureInfo.InvariantCulture),
    };

    private static DateOnly FromOrdinal(int ordinal, CohortPeriod period) => period switch
    {
        CohortPeriod.Day => DateOnly.FromDayNumber(ordinal),
        CohortPeriod.Week => DateOnly.FromDayNumber(ordinal * 7),
        CohortPeriod.Month => new DateOnly(ordinal / 12, (ordinal % 12) + 1, 1),
        CohortPeriod.Quarter => new DateOnly(ordinal / 4, ((ordinal % 4) * 3) + 1, 1),
        _ => new DateOnly(ordinal, 1, 1),
    };
}
