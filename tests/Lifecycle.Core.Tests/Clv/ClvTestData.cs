using System.Globalization;

namespace Lifecycle.Tests.Clv;

/// <summary>The CDNOW summary (weeks) and the donations BG/BB rows, read once from the embedded test data.</summary>
internal static class ClvTestData
{
    private static readonly Lazy<(string[] Ids, double[] X, double[] Tx, double[] T, double[] M)> CdnowColumns = new(() =>
    {
        var lines = TestData.ReadLines("cdnow_customers_summary_with_transactions.csv");
        var n = lines.Length - 1;
        var ids = new string[n];
        double[] x = new double[n], tx = new double[n], t = new double[n], m = new double[n];
        for (var i = 0; i < n; i++)
        {
            var f = lines[i + 1].Split(',');
            ids[i] = f[0];
            x[i] = double.Parse(f[1], CultureInfo.InvariantCulture);
            tx[i] = double.Parse(f[2], CultureInfo.InvariantCulture);
            t[i] = double.Parse(f[3], CultureInfo.InvariantCulture);
            m[i] = double.Parse(f[4], CultureInfo.InvariantCulture);
        }

        return (ids, x, tx, t, m);
    });

    private static readonly Lazy<(double[] X, double[] Tx, double[] N, double[] W)> DonationColumns = new(() =>
    {
        var lines = TestData.ReadLines("donations.csv");
        var n = lines.Length - 1;
        double[] x = new double[n], tx = new double[n], p = new double[n], w = new double[n];
        for (var i = 0; i < n; i++)
        {
            var f = lines[i + 1].Split(',');
            x[i] = double.Parse(f[0], CultureInfo.InvariantCulture);
            tx[i] = double.Parse(f[1], CultureInfo.InvariantCulture);
            p[i] = double.Parse(f[2], CultureInfo.InvariantCulture);
            w[i] = double.Parse(f[3], CultureInfo.InvariantCulture);
        }

        return (x, tx, p, w);
    });

    public static double[] CdnowX => CdnowColumns.Value.X;

    public static double[] CdnowRecency => CdnowColumns.Value.Tx;

    public static double[] CdnowT => CdnowColumns.Value.T;

    public static CompressedSummaries Cdnow => CompressedSummaries.Create(CdnowColumns.Value.X, CdnowColumns.Value.Tx, CdnowColumns.Value.T, [], TimeUnit.Weeks);

    public static (double[] X, double[] Tx, double[] N, double[] W) Donations => DonationColumns.Value;
}
