using System.Globalization;
using Lifecycle.Segmentation;
using Lifecycle.Stages;

namespace Lifecycle.Engagement;

/// <summary>Per-customer columns the library computed, aligned with a <see cref="SummarySet{TKey}"/> (one entry per customer, or <see langword="null"/> when not computed).</summary>
public sealed class ContextColumns
{
    /// <summary>Gets P(alive) per customer.</summary>
    public IReadOnlyList<double>? AliveProbability { get; init; }

    /// <summary>Gets expected purchases in the horizon per customer.</summary>
    public IReadOnlyList<double>? ExpectedPurchases { get; init; }

    /// <summary>Gets P(no purchase in the horizon) per customer.</summary>
    public IReadOnlyList<double>? NoPurchaseProbability { get; init; }

    /// <summary>Gets the CLV per customer; deciles are computed from it (ties by rank, <see cref="TiePolicy.RankFirst"/>).</summary>
    public IReadOnlyList<double>? Value { get; init; }

    /// <summary>Gets each customer's segment names.</summary>
    public IReadOnlyList<IReadOnlyList<string>>? Segments { get; init; }

    /// <summary>Gets each customer's current stage id (without entry instants); <see cref="States"/> wins where given.</summary>
    public IReadOnlyList<string?>? Stages { get; init; }

    /// <summary>Gets each customer's stage state (stage, entry, journey, facts), folded and evaluated as of the decision instant; replaces the facts derived from the summary. A <c>default</c> entry means no events for that customer.</summary>
    public IReadOnlyList<CustomerState>? States { get; init; }

    /// <summary>Gets the consent given to every customer.</summary>
    /// <value><see cref="ConsentChannels.None"/>.</value>
    public ConsentChannels Consent { get; init; }
}

/// <summary>Builds <see cref="CustomerContext"/>s for a whole customer base from summaries and the columns the models and segmentation computed.</summary>
public static class CustomerContexts
{
    /// <summary>Computes value deciles, 1 (lowest) to 10 (highest), equal-sized bins with ties broken by position.</summary>
    /// <param name="values">The values (finite).</param>
    /// <returns>One decile per value.</returns>
    /// <exception cref="ArgumentException">A value is not finite.</exception>
    public static int[] ValueDeciles(ReadOnlySpan<double> values)
    {
        var bytes = new byte[values.Length];
        if (values.Length > 0)
        {
            ValueTiers.Deciles(values, bytes, TiePolicy.RankFirst);
        }

        return [.. bytes.Select(b => (int)b)];
    }

    /// <summary>Builds one context per summary, as of the summaries' observation end (or <paramref name="asOf"/>).</summary>
    /// <param name="summaries">The summaries (they carry first and last purchase, frequency and spend).</param>
    /// <param name="columns">What else is known per customer.</param>
    /// <param name="asOf">The decision instant; default the observation end.</param>
    /// <returns>The contexts, in summary order.</returns>
    /// <remarks>Without <see cref="ContextColumns.States"/> the facts are folded from the summary: the first and last
    /// purchase exactly, the repeat purchases on evenly spaced days in between, each worth the mean order value, so
    /// purchase count, recency, age and spend are exact.</remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A column's length differs from the number of summaries, or no instant is known.</exception>
    public static CustomerContext[] FromSummaries(SummarySet<string> summaries, ContextColumns columns, DateTimeOffset? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        ArgumentNullException.ThrowIfNull(columns);
        var n = summaries.Count;
        Check(columns.AliveProbability?.Count, n, nameof(columns.AliveProbability));
        Check(columns.ExpectedPurchases?.Count, n, nameof(columns.ExpectedPurchases));
        Check(columns.NoPurchaseProbability?.Count, n, nameof(columns.NoPurchaseProbability));
        Check(columns.Value?.Count, n, nameof(columns.Value));
        Check(columns.Segments?.Count, n, nameof(columns.Segments));
        Check(columns.Stages?.Count, n, nameof(columns.Stages));
        Check(columns.States?.Count, n, nameof(columns.States));
        var at = asOf ?? summaries.ObservationEnd ?? ThrowHelper.Argument<DateTimeOffset>(nameof(asOf), "The summaries carry no observation end; pass asOf.");
        var deciles = columns.Value is { } v ? ValueDeciles([.. v]) : null;
        var result = new CustomerContext[n];
        for (var i = 0; i < n; i++)
        {
            var id = summaries.Ids[i];
            var context = columns.States is { } states && states[i].Model is not null
                ? CustomerContext.FromState(states[i], at)
                : new CustomerContext(id, at) { Facts = FactsFromSummary(id, summaries.FirstPurchase[i], summaries.LastPurchase[i], (int)summaries.Frequency[i], summaries.TotalSpend[i]) };
            result[i] = new CustomerContext(id, at)
            {
                Stage = context.Stage ?? columns.Stages?[i],
                StageEnteredAt = context.StageEnteredAt,
                LastTransition = context.LastTransition,
                Facts = context.Facts,
                AliveProbability = columns.AliveProbability?[i],
                ExpectedPurchases = columns.ExpectedPurchases?[i],
                NoPurchaseProbability = columns.NoPurchaseProbability?[i],
                Value = columns.Value?[i],
                ValueDecile = deciles?[i],
                Segments = columns.Segments?[i] ?? [],
                Consent = columns.Consent,
            };
        }

        return result;
    }

    private static CustomerFacts FactsFromSummary(string id, DateTimeOffset first, DateTimeOffset last, int repeats, decimal total)
    {
        var facts = CustomerFacts.Empty;
        var amount = total / (repeats + 1);
        var firstDay = first.UtcDateTime.Date;
        var span = (last.UtcDateTime.Date - firstDay).Days;
        for (var k = 0; k <= repeats; k++)
        {
            var when = k == 0 ? first : k == repeats ? last : new DateTimeOffset(firstDay.AddDays((long)k * span / repeats).AddHours(12), TimeSpan.Zero);
            facts = facts.Apply(new LifecycleEvent(string.Concat(id, "#", k.ToString(CultureInfo.InvariantCulture)), id, when, EventKind.Purchase, amount));
        }

        return facts;
    }

    private static void Check(int? count, int n, string name)
    {
        if (count is { } c && c != n)
        {
            ThrowHelper.Argument(name, string.Create(CultureInfo.InvariantCulture, $"{name} has {c} entries but there are {n} summaries; pass one per customer, in summary order."));
        }
    }
}
