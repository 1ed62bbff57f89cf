using System.Globalization;
using System.Text;
using Lifecycle.Stages;

namespace Lifecycle.Store.Tests;

/// <summary>Seeded synthetic event streams: many customers, every built-in kind the stage models react to, timestamps over a year, partly out of order.</summary>
internal static class EventStreams
{
    public static readonly DateTimeOffset Origin = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly EventKind[] Kinds = [EventKind.Touch, EventKind.Visit, EventKind.LeadCaptured, EventKind.Purchase, EventKind.Purchase, EventKind.Purchase, EventKind.Refund, EventKind.NpsResponse, EventKind.Referral, EventKind.SupportContact, EventKind.Cancellation];

    /// <summary>Events in file order: mostly by time, with <paramref name="lateShare"/> of them moved to a random earlier position in the stream's order (late arrivals).</summary>
    public static List<LifecycleEvent> Generate(int seed, int customers, int events, double lateShare = 0.1)
    {
        var r = new Random(seed);
        var list = new List<LifecycleEvent>(events);
        for (var i = 0; i < events; i++)
        {
            var customer = "c" + r.Next(customers).ToString(CultureInfo.InvariantCulture);
            var kind = Kinds[r.Next(Kinds.Length)];
            var at = Origin.AddMinutes(r.Next(60 * 24 * 365));
            decimal? amount = kind == EventKind.Purchase || kind == EventKind.Refund ? r.Next(1, 20000) / 100m : null;
            double? score = kind == EventKind.NpsResponse ? r.Next(11) : null;
            list.Add(new LifecycleEvent("e" + i.ToString(CultureInfo.InvariantCulture), customer, at, kind, amount, score));
        }

        list.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
        for (var i = 0; i < list.Count * lateShare; i++)
        {
            var from = r.Next(list.Count);
            var to = r.Next(list.Count);
            (list[from], list[to]) = (list[to], list[from]);
        }

        return list;
    }

    public static string WriteCsv(IEnumerable<LifecycleEvent> events, string path)
    {
        var sb = new StringBuilder("event_id,customer_id,timestamp,kind,amount,score\n");
        foreach (var e in events)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{e.Id},{e.CustomerId},{e.Timestamp:yyyy-MM-ddTHH:mm:ssZ},{e.Kind.Name},{e.Amount},{e.Score}\n");
        }

        File.WriteAllText(path, sb.ToString());
        return path;
    }

    /// <summary>The reference: every customer folded in memory by one engine, uninterrupted.</summary>
    public static Dictionary<string, CustomerState> Fold(StageModel model, IEnumerable<LifecycleEvent> events) =>
        new LifecycleEngine(model, OutOfOrderPolicy.Refold).Run(events).ToDictionary(s => s.CustomerId, StringComparer.Ordinal);
}
