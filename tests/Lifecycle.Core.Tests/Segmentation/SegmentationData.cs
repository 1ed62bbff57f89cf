using System.Globalization;

namespace Lifecycle.Tests.Segmentation;

/// <summary>Test data readers for the segmentation tests.</summary>
internal static class SegmentationData
{
    /// <summary>The CDNOW calibration summary (2,357 customers, weeks).</summary>
    public static SummarySet<string> Cdnow()
    {
        var lines = TestData.ReadLines("cdnow_customers_summary_with_transactions.csv");
        var ids = new List<string>();
        var x = new List<double>();
        var tx = new List<double>();
        var t = new List<double>();
        var m = new List<double>();
        foreach (var line in lines.Skip(1))
        {
            var c = line.Split(',');
            ids.Add(c[0]);
            x.Add(double.Parse(c[1], CultureInfo.InvariantCulture));
            tx.Add(double.Parse(c[2], CultureInfo.InvariantCulture));
            t.Add(double.Parse(c[3], CultureInfo.InvariantCulture));
            m.Add(double.Parse(c[4], CultureInfo.InvariantCulture));
        }

        return SummarySet.FromColumns<string>([.. ids], [.. x], [.. tx], [.. t], [.. m], TimeUnit.Weeks);
    }

    /// <summary>Five customers whose R, F and M scores are 1..5 in order.</summary>
    public static SummarySet<string> Ladder() => SummarySet.FromColumns<string>(
        ["a", "b", "c", "d", "e"],
        [0, 1, 2, 3, 4],
        [0, 10, 20, 30, 35],
        [40, 40, 40, 40, 40],
        [0, 10, 20, 30, 40],
        TimeUnit.Days);
}
