using System.Globalization;

namespace Lifecycle.Tests.Clv;

/// <summary>CDNOW summarized from the raw transactions with a 39-week calibration (to 1997-09-30) and a 39-week holdout (to 1998-06-30), in weeks.</summary>
internal static class CdnowHoldout
{
    private static readonly Lazy<SummarySet<int>> Data = new(() =>
    {
        var options = new SummarizerOptions(new DateTimeOffset(1998, 6, 30, 0, 0, 0, TimeSpan.Zero))
        {
            CalibrationEnd = new DateTimeOffset(1997, 9, 30, 0, 0, 0, TimeSpan.Zero),
            Unit = TimeUnit.Weeks,
        };
        var summarizer = new TransactionSummarizer<int>(options);
        foreach (var line in TestData.ReadLines("CDNOW_sample.txt"))
        {
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var date = DateTimeOffset.ParseExact(f[2], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            summarizer.Add(int.Parse(f[1], CultureInfo.InvariantCulture), date, decimal.Parse(f[4], CultureInfo.InvariantCulture));
        }

        return summarizer.Build();
    });

    public static SummarySet<int> Summaries => Data.Value;

    /// <summary>Repeat transactions of the whole base per week, weeks 1..78 from 1997-01-01, and each customer's first-purchase week.</summary>
    public static (double[] Weekly, double[] Births) Weekly()
    {
        var origin = new DateTime(1997, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var days = new Dictionary<int, SortedSet<DateTime>>();
        foreach (var line in TestData.ReadLines("CDNOW_sample.txt"))
        {
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var id = int.Parse(f[1], CultureInfo.InvariantCulture);
            var date = DateTime.ParseExact(f[2], "yyyyMMdd", CultureInfo.InvariantCulture);
            if (!days.TryGetValue(id, out var set))
            {
                days[id] = set = [];
            }

            set.Add(date);
        }

        var weekly = new double[78];
        var births = new List<double>();
        foreach (var set in days.Values)
        {
            births.Add((set.Min - origin).TotalDays / 7);
            foreach (var d in set.Skip(1))
            {
                var week = (int)((d - origin).TotalDays / 7);
                if (week < 78)
                {
                    weekly[week] += 1;
                }
            }
        }

        return (weekly, [.. births]);
    }
}
