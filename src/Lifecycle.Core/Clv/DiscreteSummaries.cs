namespace Lifecycle.Clv;

/// <summary>Compressed rows of discrete-opportunity data for BG/BB: (frequency x, recency t_x, opportunities n) with weights.</summary>
/// <remarks>
/// <para>x is the number of repeat transactions in n opportunities after the first, t_x the opportunity (1..n) of the
/// last one (0 when x = 0), so 0 ≤ x ≤ t_x ≤ n. This is the layout of Fader, Hardie &amp; Shang's donations data
/// (donations.csv: frequency, recency, periods, weights). Equal rows are merged and their weights added; rows are
/// sorted by (n, x, t_x). Immutable and thread-safe.</para>
/// </remarks>
public sealed class DiscreteSummaries
{
    private readonly double[] _frequency;
    private readonly double[] _recency;
    private readonly double[] _periods;
    private readonly double[] _weight;

    private DiscreteSummaries(double[] frequency, double[] recency, double[] periods, double[] weight)
    {
        _frequency = frequency;
        _recency = recency;
        _periods = periods;
        _weight = weight;
        TotalWeight = weight.Sum();
    }

    /// <summary>Gets the number of (unique) rows.</summary>
    public int Count => _frequency.Length;

    /// <summary>Gets the sum of the weights (customers).</summary>
    public double TotalWeight { get; }

    /// <summary>Gets the repeat transactions x per row.</summary>
    public ReadOnlySpan<double> Frequency => _frequency;

    /// <summary>Gets the opportunity of the last transaction t_x per row.</summary>
    public ReadOnlySpan<double> Recency => _recency;

    /// <summary>Gets the number of opportunities n per row.</summary>
    public ReadOnlySpan<double> Periods => _periods;

    /// <summary>Gets the weight (customers) per row.</summary>
    public ReadOnlySpan<double> Weight => _weight;

    /// <summary>Validates and compresses rows.</summary>
    /// <param name="frequency">x per row: a whole number, 0 ≤ x ≤ t_x.</param>
    /// <param name="recency">t_x per row: a whole number, x ≤ t_x ≤ n, and 0 exactly when x = 0.</param>
    /// <param name="periods">n per row: a whole number ≥ 0.</param>
    /// <param name="weights">Weights (finite, ≥ 0), or empty for one customer per row.</param>
    /// <returns>The compressed rows.</returns>
    /// <exception cref="ArgumentException">The spans differ in length or a row breaks a rule; the message names the row, the value, the rule and the fix.</exception>
    public static DiscreteSummaries Create(ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> periods, ReadOnlySpan<double> weights)
    {
        var n = frequency.Length;
        if (recency.Length != n || periods.Length != n || (weights.Length != 0 && weights.Length != n))
        {
            ThrowHelper.Argument(nameof(frequency), FormattableString.Invariant($"frequency ({n}), recency ({recency.Length}), periods ({periods.Length}) and weights ({weights.Length}) must have the same length (weights may be empty); pass one value per row."));
        }

        var map = new Dictionary<(double N, double X, double Tx), double>();
        for (var i = 0; i < n; i++)
        {
            var w = weights.Length == 0 ? 1 : weights[i];
            ValidateRow(i, frequency[i], recency[i], periods[i], w);
            var key = (periods[i], frequency[i], recency[i]);
            map[key] = map.TryGetValue(key, out var existing) ? existing + w : w;
        }

        var keys = map.Keys.ToArray();
        Array.Sort(keys);
        var f = new double[keys.Length];
        var r = new double[keys.Length];
        var p = new double[keys.Length];
        var ww = new double[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            (p[i], f[i], r[i]) = keys[i];
            ww[i] = map[keys[i]];
        }

        return new DiscreteSummaries(f, r, p, ww);
    }

    internal static void ValidateRow(int row, double x, double tx, double n, double weight)
    {
        Whole(row, "frequency", x, "count the repeat transactions");
        Whole(row, "recency", tx, "give the opportunity number (1..n) of the last transaction, 0 when there is none");
        Whole(row, "periods", n, "give the number of transaction opportunities after the first");
        if (tx > n)
        {
            ModelFitting.Fail(row, "recency", tx, FormattableString.Invariant($"must not exceed periods = {n:R}"), "the last transaction happens within the observed opportunities");
        }

        if (x > tx)
        {
            ModelFitting.Fail(row, "frequency", x, FormattableString.Invariant($"must not exceed recency = {tx:R}"), "at most one transaction per opportunity, so x <= t_x");
        }

        if ((x == 0) != (tx == 0))
        {
            ModelFitting.Fail(row, "recency", tx, FormattableString.Invariant($"must be 0 exactly when frequency is 0 (frequency = {x:R})"), "use recency 0 for customers without repeat transactions and the opportunity of the last one otherwise");
        }

        if (!double.IsFinite(weight) || weight < 0)
        {
            ModelFitting.Fail(row, "weight", weight, "must be finite and >= 0", "weights count customers");
        }
    }

    private static void Whole(int row, string name, double value, string fix)
    {
        if (!double.IsFinite(value) || value < 0 || value != Math.Floor(value))
        {
            ModelFitting.Fail(row, name, value, "must be a whole number >= 0", fix);
        }
    }
}
