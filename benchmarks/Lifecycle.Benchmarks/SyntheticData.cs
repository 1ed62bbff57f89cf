using System.Globalization;
using System.Text;

namespace Lifecycle.Benchmarks;

/// <summary>Seeded synthetic data shared by the benchmarks.</summary>
internal static class SyntheticData
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Transactions over two years, in time order (as transaction logs usually are), customers interleaved.</summary>
    public static Transaction<long>[] Transactions(int count, int customers, int seed)
    {
        var random = new Random(seed);
        var result = new Transaction<long>[count];
        for (var i = 0; i < count; i++)
        {
            var day = (int)((long)i * 730 / count);
            var customer = random.Next(customers);
            result[i] = new Transaction<long>(customer, Start.AddDays(day).AddMinutes(random.Next(1440)), random.Next(100, 20_000) / 100m);
        }

        return result;
    }

    /// <summary>
    /// A transactions CSV (customer_id,date,amount) for end-to-end runs of <c>lifecycle analyze</c>: customers join over
    /// the first year, buy at individual rates and drop out at individual times (a BG/NBD-like world), in date order.
    /// </summary>
    public static void WriteTransactionsCsv(string path, int customers, int transactions, int seed)
    {
        var random = new Random(seed);
        const int days = 730;
        var rows = new List<(int Day, int Customer, int Cents)>(transactions);
        var meanPerCustomer = (double)transactions / customers;
        for (var c = 0; c < customers && rows.Count < transactions; c++)
        {
            var join = random.Next(365);
            var rate = meanPerCustomer * -Math.Log(1 - random.NextDouble()) / (days - join);
            var death = join + (int)(-Math.Log(1 - random.NextDouble()) * 400);
            var spend = 2000 + random.Next(8000);
            var day = (double)join;
            rows.Add((join, c, spend + random.Next(-1500, 1500)));
            while (rows.Count < transactions)
            {
                day += -Math.Log(1 - random.NextDouble()) / Math.Max(rate, 1e-3);
                if (day >= days || day >= death)
                {
                    break;
                }

                rows.Add(((int)day, c, Math.Max(100, spend + random.Next(-1500, 1500))));
            }
        }

        rows.Sort((a, b) => a.Day != b.Day ? a.Day.CompareTo(b.Day) : a.Customer.CompareTo(b.Customer));
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.WriteLine("customer_id,date,amount");
        foreach (var (day, customer, cents) in rows)
        {
            writer.Write("C");
            writer.Write(customer.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(Start.AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write((cents / 100m).ToString(CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
    }
}
