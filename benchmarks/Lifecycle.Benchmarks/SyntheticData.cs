namespace Lifecycle.Benchmarks;

/// <summary>Seeded synthetic data shared by the benchmarks.</summary>
internal static class SyntheticData
{
    /// <summary>Transactions over two years, in time order (as transaction logs usually are), customers interleaved.</summary>
    public static Transaction<long>[] Transactions(int count, int customers, int seed)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var result = new Transaction<long>[count];
        for (var i = 0; i < count; i++)
        {
            var day = (int)((long)i * 730 / count);
            var customer = random.Next(customers);
            result[i] = new Transaction<long>(customer, start.AddDays(day).AddMinutes(random.Next(1440)), random.Next(100, 20_000) / 100m);
        }

        return result;
    }
}
