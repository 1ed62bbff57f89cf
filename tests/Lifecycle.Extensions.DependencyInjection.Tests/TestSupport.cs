using System.Text;
using Microsoft.Extensions.Configuration;

namespace Lifecycle.Extensions.DependencyInjection.Tests;

/// <summary>A clock stopped at one instant.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

internal static class TestData
{
    public static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset End = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    /// <summary>
    /// Seeded buy-till-you-die customers: first purchase in the first half of 2024, exponential gaps with a
    /// per-customer rate, and after each purchase a per-customer chance of leaving for good.
    /// </summary>
    public static Transaction<string>[] Transactions(int customers, int seed)
    {
        var random = new Random(seed);
        var list = new List<Transaction<string>>();
        for (var c = 0; c < customers; c++)
        {
            var id = FormattableString.Invariant($"c{c:D4}");
            var ratePerDay = 0.01 + (0.09 * random.NextDouble());
            var dropout = 0.05 + (0.35 * random.NextDouble());
            var meanSpend = 20 + (80 * random.NextDouble());
            var t = Start.AddDays(182 * random.NextDouble());
            while (t < End)
            {
                var amount = Math.Round((decimal)(meanSpend * (0.5 + random.NextDouble())), 2);
                list.Add(new Transaction<string>(id, t, amount));
                if (random.NextDouble() < dropout)
                {
                    break;
                }

                t = t.AddDays(-Math.Log(1 - random.NextDouble()) / ratePerDay);
            }
        }

        return [.. list];
    }
}
