using FsCheck;
using FsCheck.Fluent;

namespace Lifecycle.Tests.Arbitraries;

/// <summary>Generators for transactions and summaries (used by the summarizer properties).</summary>
public static class SummaryArbitraries
{
    public static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset End = new(2024, 6, 30, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Small transaction logs: few customers (so they repeat), times over ~200 days (some after the end), amounts in cents.</summary>
    public static Arbitrary<Transaction<int>[]> Transactions() =>
        (from customer in Gen.Choose(1, 8)
         from minutes in Gen.Choose(0, 200 * 1440)
         from cents in Gen.Choose(0, 50_000)
         select new Transaction<int>(customer, Start.AddMinutes(minutes), cents / 100m))
        .ArrayOf()
        .ToArbitrary();
}
