using FsCheck;
using FsCheck.Fluent;
using Lifecycle.Stages;

namespace Lifecycle.Tests.Arbitraries;

/// <summary>One customer's events (ids e0, e1, ... unique), in timestamp order, plus a seed to shuffle them.</summary>
public sealed record CustomerHistory(IReadOnlyList<LifecycleEvent> Events, int ShuffleSeed)
{
    public override string ToString() => string.Join("; ", Events.Select(e => $"{e.Id} d{(e.Timestamp - StagesArbitraries.Origin).TotalDays:0.##} {e.Kind.Name}{(e.Score is { } s ? " " + s : "")}")) + $" (shuffle {ShuffleSeed})";
}

/// <summary>One customer's long history in fold order (timestamp, then id), a shuffle seed and instants to evaluate at between events.</summary>
public sealed record LongCustomerHistory(IReadOnlyList<LifecycleEvent> Events, int ShuffleSeed, IReadOnlyList<DateTimeOffset> Evaluations)
{
    public override string ToString() => $"{Events.Count} events from {Events[0].Timestamp:O} to {Events[^1].Timestamp:O}, shuffle {ShuffleSeed}, evaluations {string.Join(", ", Evaluations.Select(e => e.ToString("O", System.Globalization.CultureInfo.InvariantCulture)))}";
}

/// <summary>FsCheck generators for the stages area.</summary>
public static class StagesArbitraries
{
    public static readonly DateTimeOffset Origin = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly EventKind[] Kinds =
    [
        EventKind.Touch, EventKind.Visit, EventKind.LeadCaptured, EventKind.Purchase, EventKind.Purchase, EventKind.Purchase,
        EventKind.Refund, EventKind.NpsResponse, EventKind.CsatResponse, EventKind.Referral, EventKind.Review, EventKind.SupportContact, EventKind.Cancellation,
    ];

    /// <summary>Histories of 1–25 events over two years; some events share a timestamp (same day, hour 0) to exercise ties.</summary>
    public static Arbitrary<CustomerHistory> CustomerHistory() =>
        (from count in Gen.Choose(1, 25)
         from raw in Gen.ListOf(RawEvent(), count)
         from seed in Gen.Choose(0, int.MaxValue)
         select new CustomerHistory(Build(raw), seed)).ToArbitrary();

    /// <summary>
    /// Histories of 1–700 events (so re-folds cross several checkpoints of <c>EventLog.CheckpointInterval</c> and the id
    /// index above <c>EventLog.IndexThreshold</c>), with ids in random order relative to time (ties then sort by id,
    /// not by position) and many shared timestamps; events in timestamp order.
    /// </summary>
    public static Arbitrary<LongCustomerHistory> LongCustomerHistory() =>
        (from count in Gen.Choose(1, 700)
         from raw in Gen.ListOf(RawEvent(), count)
         from idSeed in Gen.Choose(0, int.MaxValue)
         from seed in Gen.Choose(0, int.MaxValue)
         from evaluations in Gen.ListOf(Gen.Choose(0, 730), 3)
         select new LongCustomerHistory(BuildShuffledIds(raw, idSeed), seed, [.. evaluations.Select(d => Origin.AddDays(d).AddHours(3))])).ToArbitrary();

    private static LifecycleEvent[] BuildShuffledIds(IEnumerable<(int Day, int Hour, int Kind, int Amount, int Score)> raw, int idSeed)
    {
        var events = Build(raw);
        var ids = Enumerable.Range(0, events.Length).ToArray();
        new Random(idSeed).Shuffle(ids);
        return [.. events.Select((e, i) => new LifecycleEvent("x" + ids[i].ToString("D4", System.Globalization.CultureInfo.InvariantCulture), e.CustomerId, e.Timestamp, e.Kind, e.Amount, e.Score))
            .OrderBy(e => e.Timestamp.UtcTicks).ThenBy(e => e.Id, StringComparer.Ordinal)];
    }

    private static Gen<(int Day, int Hour, int Kind, int Amount, int Score)> RawEvent() =>
        from day in Gen.Choose(0, 720)
        from hour in Gen.Elements(0, 0, 6, 12)
        from kind in Gen.Choose(0, Kinds.Length - 1)
        from amount in Gen.Choose(0, 50_000)
        from score in Gen.Choose(0, 10)
        select (day, hour, kind, amount, score);

    private static LifecycleEvent[] Build(IEnumerable<(int Day, int Hour, int Kind, int Amount, int Score)> raw) =>
        [.. raw.OrderBy(r => r.Day).ThenBy(r => r.Hour).Select((r, i) =>
        {
            var kind = Kinds[r.Kind];
            var at = Origin.AddDays(r.Day).AddHours(r.Hour);
            decimal? amount = kind == EventKind.Purchase || kind == EventKind.Refund ? r.Amount / 100m : null;
            double? score = kind == EventKind.NpsResponse ? r.Score : kind == EventKind.CsatResponse ? 1 + (r.Score % 5) : null;
            return new LifecycleEvent("e" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture), "c1", at, kind, amount, score);
        })];
}
