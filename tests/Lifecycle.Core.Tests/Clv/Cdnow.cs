using System.Globalization;

namespace Lifecycle.Tests.Clv;

/// <summary>The CDNOW 1/10 summary (2,357 customers, weeks) from TestData.</summary>
internal static class Cdnow
{
    private static readonly Lazy<SummarySet<int>> Data = new(Load);

    public static SummarySet<int> Summaries => Data.Value;

    private static SummarySet<int> Load()
    {
        var lines = TestData.ReadLines("cdnow_customers_summary_with_transactions.csv");
        var n = lines.Length - 1;
        var ids = new int[n];
        double[] x = new double[n], tx = new double[n], t = new double[n], m = new double[n];
        for (var i = 0; i < n; i++)
        {
            var f = lines[i + 1].Split(',');
            ids[i] = int.Parse(f[0], CultureInfo.InvariantCulture);
            x[i] = double.Parse(f[1], CultureInfo.InvariantCulture);
            tx[i] = double.Parse(f[2], CultureInfo.InvariantCulture);
            t[i] = double.Parse(f[3], CultureInfo.InvariantCulture);
            m[i] = double.Parse(f[4], CultureInfo.InvariantCulture);
        }

        return SummarySet.FromColumns<int>(ids, x, tx, t, m, TimeUnit.Weeks);
    }
}
