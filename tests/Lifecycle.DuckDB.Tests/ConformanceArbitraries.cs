using FsCheck;
using FsCheck.Fluent;

namespace Lifecycle.DuckDB.Tests;

/// <summary>A transaction log and the options to summarize it with.</summary>
public sealed record Case(Transaction<string>[] Transactions, SummarizerOptions Options)
{
    public override string ToString() =>
        $"{Transactions.Length} tx, end {Options.ObservationEnd:O}, cal {Options.CalibrationEnd:O}, period {Options.Period}, offset {Options.PeriodOffset}, unit {Options.Unit}, first-in-monetary {Options.IncludeFirstPurchaseInMonetaryValue}, refunds {Options.Refunds}; "
        + string.Join("; ", Transactions.Select(t => $"{t.CustomerId} {t.Timestamp:O} {t.Amount}"));
}

/// <summary>
/// Generators that hit the summarizer's corners: few customers (so each repeats), several purchases within one
/// period (ties), timestamps on period boundaries and on the observation and calibration ends, offsets of whole
/// hours and odd minutes, refunds, customers first seen in the holdout, and rows after the end.
/// </summary>
public static class ConformanceArbitraries
{
    public static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Arbitrary<Case> Cases()
    {
        var period = Gen.Elements(TimeSpan.FromDays(1), TimeSpan.FromDays(7), TimeSpan.FromHours(6), TimeSpan.FromMinutes(90));
        var offset = Gen.OneOf(Gen.Constant(TimeSpan.Zero), Gen.Choose(-14, 14).Select(h => TimeSpan.FromHours(h)), Gen.Choose(-840, 840).Select(m => TimeSpan.FromMinutes(m)));
        var gen =
            from p in period
            from off in offset
            from endDay in Gen.Choose(1, 60)
            from endSecond in Gen.Choose(0, 86_399)
            from hasCalibration in Gen.Elements(true, false)
            from calDay in Gen.Choose(0, 60)
            from unit in Gen.Elements(TimeUnit.Days, TimeUnit.Weeks)
            from includeFirst in Gen.Elements(true, false)
            from withRefunds in Gen.Elements(true, false)
            from rows in Row(endDay).ArrayOf()
            let end = Start.AddDays(endDay).AddSeconds(endSecond)
            let calibration = Start.AddDays(Math.Min(calDay, endDay))
            select new Case(
                withRefunds ? rows : [.. rows.Select(t => t with { Amount = Math.Abs(t.Amount) })],
                new SummarizerOptions(end)
                {
                    CalibrationEnd = hasCalibration ? calibration : null,
                    Period = p,
                    PeriodOffset = off,
                    Unit = unit,
                    IncludeFirstPurchaseInMonetaryValue = includeFirst,
                    Refunds = RefundPolicy.Exclude,

                    // Databases keep the instant, not the offset it was written with: SQL periods follow UTC (docs/scale.md).
                    TimeZone = TimeZoneInfo.Utc,
                });
        return gen.ToArbitrary();
    }

    private static Gen<Transaction<string>> Row(int endDay) =>
        from customer in Gen.Choose(0, 9)
        from day in Gen.Choose(0, endDay + 3)
        from second in Gen.OneOf(Gen.Elements(0, 1, 86_399, 43_200, 7_200), Gen.Choose(0, 86_399))
        from micro in Gen.Elements(0, 0, 1, 999_999)
        from zone in Gen.Elements(0, 0, 2, -5)
        from cents in Gen.OneOf(Gen.Choose(0, 50_000), Gen.Choose(-5_000, -1), Gen.Constant(0))
        select new Transaction<string>(
            "c" + customer.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Start.AddDays(day).AddSeconds(second).AddTicks(micro * TimeSpan.TicksPerMicrosecond).ToOffset(TimeSpan.FromHours(zone)),
            cents / 100m);
}
