using Lifecycle.Stages;

namespace Lifecycle.Tests.Stages;

internal static class StageTestKit
{
    public static readonly DateTimeOffset Origin = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset Day(double d) => Origin.AddDays(d);

    public static LifecycleEvent Touch(string id, double day, string customer = "c1") => LifecycleEvent.Touch(id, customer, Day(day));

    public static LifecycleEvent Lead(string id, double day, string customer = "c1") => LifecycleEvent.Lead(id, customer, Day(day));

    public static LifecycleEvent Buy(string id, double day, decimal amount = 10m, string customer = "c1") => LifecycleEvent.Purchase(id, customer, Day(day), amount);

    public static LifecycleEvent Nps(string id, double day, double score, string customer = "c1") => LifecycleEvent.Nps(id, customer, Day(day), score);

    public static LifecycleEvent Csat(string id, double day, double score, string customer = "c1") => LifecycleEvent.Csat(id, customer, Day(day), score);

    public static LifecycleEvent Of(EventKind kind, string id, double day, string customer = "c1") => new(id, customer, Day(day), kind);

    public static CustomerState Fold(LifecycleEngine engine, IEnumerable<LifecycleEvent> events, string customer = "c1")
    {
        var s = engine.Start(customer);
        foreach (var e in events)
        {
            s = engine.Apply(s, e).State;
        }

        return s;
    }

    public static string Path(CustomerState s) => string.Join(" > ", s.Journey.ToArray().Select(t => t.To));

    public static (string? From, string To, double Day, string Rule, string? Event)[] Steps(CustomerState s) =>
        [.. s.Journey.ToArray().Select(t => (t.From, t.To, (t.At - Origin).TotalDays, t.Rule, t.EventId))];
}
