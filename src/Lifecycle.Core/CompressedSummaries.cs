namespace Lifecycle;

/// <summary>Unique (frequency, recency, T) rows with weights: what the probabilistic models fit on.</summary>
/// <remarks>
/// Fitting cost grows with distinct rows, not customers: CDNOW's 2,357 customers compress to about 1,400 rows,
/// and a million simulated customers on a daily grid to far fewer. Rows are sorted by (frequency, recency, T).
/// Instances are immutable and thread-safe.
/// </remarks>
public sealed class CompressedSummaries
{
    private readonly double[] _frequency;
    private readonly double[] _recency;
    private readonly double[] _t;
    private readonly double[] _weight;

    private CompressedSummaries(double[] frequency, double[] recency, double[] t, double[] weight, TimeUnit unit)
    {
        _frequency = frequency;
        _recency = recency;
        _t = t;
        _weight = weight;
        Unit = unit;
        double total = 0;
        foreach (var w in weight)
        {
            total += w;
        }

        TotalWeight = total;
    }

    /// <summary>Gets the number of rows.</summary>
    public int Count => _frequency.Length;

    /// <summary>Gets the time unit of recency and T.</summary>
    public TimeUnit Unit { get; }

    /// <summary>Gets the sum of the weights (the number of customers for compressed customer data).</summary>
    public double TotalWeight { get; }

    /// <summary>Gets the repeat frequency of each row.</summary>
    public ReadOnlySpan<double> Frequency => _frequency;

    /// <summary>Gets the recency of each row.</summary>
    public ReadOnlySpan<double> Recency => _recency;

    /// <summary>Gets the age T of each row.</summary>
    public ReadOnlySpan<double> T => _t;

    /// <summary>Gets the weight (number of customers) of each row.</summary>
    public ReadOnlySpan<double> Weight => _weight;

    /// <summary>Validates and compresses per-row data: equal rows are merged and their weights added.</summary>
    /// <param name="frequency">Repeat frequencies: finite, &gt;= 0.</param>
    /// <param name="recency">Recencies: finite, &gt;= 0, &lt;= T, and 0 where frequency is 0.</param>
    /// <param name="t">Ages: finite, &gt;= 0.</param>
    /// <param name="weights">Optional weights (finite, &gt;= 0); each row counts once when empty.</param>
    /// <param name="unit">The time unit of recency and T.</param>
    /// <returns>The compressed rows.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, or a row breaks a rule; the message names the row (0-based) and the rule.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is <see cref="TimeUnit.None"/>.</exception>
    public static CompressedSummaries Create(ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, ReadOnlySpan<double> weights, TimeUnit unit)
    {
        if (unit is not (TimeUnit.Days or TimeUnit.Weeks))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(unit), unit, "must be TimeUnit.Days or TimeUnit.Weeks", "pass the unit recency and T are measured in");
        }

        if (recency.Length != frequency.Length || t.Length != frequency.Length || (weights.Length != 0 && weights.Length != frequency.Length))
        {
            ThrowHelper.Argument(nameof(frequency), $"frequency ({frequency.Length}), recency ({recency.Length}), T ({t.Length}) and weights ({weights.Length}) must have the same length (weights may be empty); pass one value per row.");
        }

        for (var i = 0; i < frequency.Length; i++)
        {
            ValidateRow(i, frequency[i], recency[i], t[i], weights.Length == 0 ? 1 : weights[i]);
        }

        // Unique rows first (a hash lookup per row, weights summed in row order), then sort only those: a million
        // summaries have a few hundred thousand distinct (x, t_x, T), so this sorts a fraction of the rows.
        var index = new Dictionary<(double Frequency, double Recency, double T), int>(Math.Min(frequency.Length, 1 << 16));
        var unique = new List<SortRow>();
        for (var i = 0; i < frequency.Length; i++)
        {
            var weight = weights.Length == 0 ? 1.0 : weights[i];
            ref var at = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(index, (frequency[i], recency[i], t[i]), out var exists);
            if (exists)
            {
                var row = unique[at];
                unique[at] = row with { Weight = row.Weight + weight };
            }
            else
            {
                at = unique.Count;
                unique.Add(new SortRow(frequency[i], recency[i], t[i], weight));
            }
        }

        var rows = unique.ToArray();
        Array.Sort(rows);
        var n = rows.Length;
        var of = new double[n];
        var or = new double[n];
        var ot = new double[n];
        var ow = new double[n];
        for (var i = 0; i < n; i++)
        {
            (of[i], or[i], ot[i], ow[i]) = (rows[i].Frequency, rows[i].Recency, rows[i].T, rows[i].Weight);
        }

        return new CompressedSummaries(of, or, ot, ow, unit);
    }

    private readonly record struct SortRow(double Frequency, double Recency, double T, double Weight) : IComparable<SortRow>
    {
        public int CompareTo(SortRow other)
        {
            var c = Frequency.CompareTo(other.Frequency);
            if (c != 0)
            {
                return c;
            }

            c = Recency.CompareTo(other.Recency);
            return c != 0 ? c : T.CompareTo(other.T);
        }
    }

    internal static void ValidateRow(int row, double frequency, double recency, double t, double weight)
    {
        if (!double.IsFinite(frequency) || frequency < 0)
        {
            ThrowHelper.Argument(nameof(frequency), Row(row, "frequency", frequency, "must be finite and >= 0", "count repeat purchase periods only"));
        }

        if (!double.IsFinite(recency) || recency < 0)
        {
            ThrowHelper.Argument(nameof(recency), Row(row, "recency", recency, "must be finite and >= 0", "measure recency from the first purchase"));
        }

        if (!double.IsFinite(t) || t < 0)
        {
            ThrowHelper.Argument(nameof(t), Row(row, "T", t, "must be finite and >= 0", "measure T from the first purchase to the observation end"));
        }

        if (recency > t)
        {
            ThrowHelper.Argument(nameof(recency), Row(row, "recency", recency, $"must not exceed T = {t:R}", "recency and T are both measured from the first purchase; check the observation end"));
        }

        if (frequency == 0 && recency != 0)
        {
            ThrowHelper.Argument(nameof(recency), Row(row, "recency", recency, "must be 0 when frequency is 0", "a customer without repeat purchases has recency 0"));
        }

        if (!double.IsFinite(weight) || weight < 0)
        {
            ThrowHelper.Argument("weights", Row(row, "weight", weight, "must be finite and >= 0", "weights count customers"));
        }
    }

    private static string Row(int row, string name, double value, string rule, string fix) =>
        FormattableString.Invariant($"row {row}: {name} = {value:R} {rule}; {fix}.");
}
