using FsCheck;
using FsCheck.Fluent;
using Lifecycle.Metrics;

namespace Lifecycle.Tests.Arbitraries;

/// <summary>Generators for the churn, cohort and survival properties.</summary>
public static class MetricsArbitraries
{
    public static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset End = new(2024, 10, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Small transaction logs: few customers (so they repeat and reactivate), times over ~300 days (some after the end), amounts in cents, zero included.</summary>
    public static Arbitrary<Transaction<int>[]> Transactions() =>
        (from customer in Gen.Choose(1, 12)
         from minutes in Gen.Choose(0, 300 * 1440)
         from cents in Gen.Choose(0, 20_000)
         select new Transaction<int>(customer, Start.AddMinutes(minutes), cents / 100m))
        .ArrayOf()
        .Where(a => a.Length > 0)
        .ToArbitrary();

    /// <summary>Subscription books: several subscriptions per customer, overlapping or with gaps, some open or ending after the end.</summary>
    public static Arbitrary<Subscription<int>[]> Subscriptions() =>
        (from customer in Gen.Choose(1, 10)
         from startDay in Gen.Choose(0, 260)
         from length in Gen.Choose(0, 200)
         from open in Gen.Choose(0, 4)
         from mrr in Gen.Choose(0, 500)
         select new Subscription<int>(customer, Start.AddDays(startDay), open == 0 ? null : Start.AddDays(startDay + length), mrr))
        .ArrayOf()
        .Where(a => a.Length > 0)
        .ToArbitrary();

    /// <summary>Survival data with ties, censoring and late entry.</summary>
    public static Arbitrary<SurvivalObservation[]> Observations() =>
        (from entry in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 20)))
         from length in Gen.Choose(1, 30)
         from observed in Gen.Elements(true, false)
         select new SurvivalObservation(entry, entry + length, observed))
        .ArrayOf()
        .Where(a => a.Length > 0)
        .ToArbitrary();
}
