namespace Lifecycle.Segmentation;

/// <summary>Cuts a column of values into scores 1..k by quantiles, with an explicit tie policy.</summary>
/// <remarks>
/// <para>The kernel behind RFM scores, deciles and value tiers. Values are ordered with a stable O(n) radix sort, so
/// scoring a million customers takes a few milliseconds per column and allocates nothing per customer (scratch buffers
/// are pooled). The returned <see cref="ScoreBins"/> reapply the same cut to new customers.</para>
/// <para>Thread-safe: the methods keep no state.</para>
/// </remarks>
public static class QuantileScoring
{
    /// <summary>The largest number of bins a score byte holds.</summary>
    public const int MaxBins = 255;

    /// <summary>Scores values 1..<paramref name="bins"/> by quantiles.</summary>
    /// <param name="values">One finite value per customer; at least <paramref name="bins"/> of them.</param>
    /// <param name="scores">Receives the scores; the same length as <paramref name="values"/>.</param>
    /// <param name="bins">The number of scores k, 1..255 (5 for RFM, 10 for deciles).</param>
    /// <param name="ties">How equal values are placed (see <see cref="TiePolicy"/>).</param>
    /// <param name="direction">Whether higher values score higher.</param>
    /// <returns>The edges that reproduce the cut for new values, and the number of bins actually used.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty, holds fewer customers than bins, holds NaN or
    /// infinity (the message names the position), or the lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is outside 1..255, or a policy or direction is not defined.</exception>
    public static ScoreBins Score(ReadOnlySpan<double> values, Span<byte> scores, int bins, TiePolicy ties, ScoreDirection direction = ScoreDirection.HigherIsBetter) =>
        Score(values, scores, bins, ties, direction, nameof(values));

    internal static ScoreBins Score(ReadOnlySpan<double> values, Span<byte> scores, int bins, TiePolicy ties, ScoreDirection direction, string valuesName)
    {
        ValidateBins(bins);
        ValidateTies(ties);
        ScoreBins.ValidateDirection(direction);
        var n = values.Length;
        if (scores.Length != n)
        {
            ThrowHelper.Argument(nameof(scores), FormattableString.Invariant($"scores has length {scores.Length} but values has {n}; pass one slot per value."));
        }

        EnsurePopulation(n, bins, valuesName);
        EnsureFinite(values, valuesName);

        using var sorted = new SortedOrder(values);
        var keys = sorted.Keys;
        var order = sorted.Order;
        double[] edges;
        int m;
        switch (ties)
        {
            case TiePolicy.RankFirst:
                m = bins;
                edges = new double[bins - 1];
                for (var p = 0; p < n; p++)
                {
                    scores[order[p]] = (byte)(1 + (int)((long)p * bins / n));
                }

                for (var j = 1; j < bins; j++)
                {
                    // Last position of bin j: ceil(j n / k) − 1 (bins are non-empty because n >= k).
                    var last = (int)((((long)j * n) + bins - 1) / bins) - 1;
                    edges[j - 1] = SortedOrder.FromKey(keys[last]);
                }

                break;

            case TiePolicy.AverageRank:
                m = bins;
                edges = AverageRank(keys, order, scores, bins);
                break;

            default:
                edges = DropDuplicateEdges(keys, order, scores, bins);
                m = edges.Length + 1;
                break;
        }

        if (direction == ScoreDirection.LowerIsBetter)
        {
            for (var i = 0; i < n; i++)
            {
                scores[i] = (byte)(m + 1 - scores[i]);
            }
        }

        return ScoreBins.FromComputed(edges, direction, bins, ties);
    }

    private static double[] AverageRank(ReadOnlySpan<ulong> keys, ReadOnlySpan<int> order, Span<byte> scores, int bins)
    {
        var n = keys.Length;
        Span<double> maxOfScore = stackalloc double[bins + 1];
        maxOfScore.Fill(double.NaN);
        var a = 0;
        while (a < n)
        {
            var b = a;
            while (b + 1 < n && keys[b + 1] == keys[a])
            {
                b++;
            }

            // Average 0-based rank (a + b) / 2; score = 1 + floor(k · rank / n), in integers to avoid rounding.
            var score = (byte)(1 + (int)(((long)(a + b) * bins) / (2L * n)));
            for (var p = a; p <= b; p++)
            {
                scores[order[p]] = score;
            }

            maxOfScore[score] = SortedOrder.FromKey(keys[a]);
            a = b + 1;
        }

        var edges = new double[bins - 1];
        var running = double.NegativeInfinity;
        for (var j = 1; j < bins; j++)
        {
            if (!double.IsNaN(maxOfScore[j]))
            {
                running = maxOfScore[j];
            }

            edges[j - 1] = running;
        }

        return edges;
    }

    private static double[] DropDuplicateEdges(ReadOnlySpan<ulong> keys, ReadOnlySpan<int> order, Span<byte> scores, int bins)
    {
        var n = keys.Length;
        Span<double> quantiles = stackalloc double[bins + 1];
        for (var j = 0; j <= bins; j++)
        {
            // Linear interpolation between order statistics (Hyndman & Fan type 7, numpy's default).
            var h = (double)(n - 1) * j / bins;
            var lo = Math.Min((int)h, n - 1);
            var frac = h - lo;
            var x0 = SortedOrder.FromKey(keys[lo]);
            var q = x0;
            if (frac > 0 && lo + 1 < n)
            {
                var x1 = SortedOrder.FromKey(keys[lo + 1]);
                q = x0 + (frac * (x1 - x0));
                if (!double.IsFinite(q))
                {
                    q = ((1 - frac) * x0) + (frac * x1);
                }
            }

            quantiles[j] = j > 0 ? Math.Max(q, quantiles[j - 1]) : q;
        }

        // Distinct edges e0 < e1 < ... < em; the interior ones e1..e(m-1) separate the m bins.
        var distinct = 1;
        for (var j = 1; j <= bins; j++)
        {
            if (quantiles[j] != quantiles[distinct - 1])
            {
                quantiles[distinct++] = quantiles[j];
            }
        }

        double[] interior = distinct <= 2 ? [] : quantiles[1..(distinct - 1)].ToArray();
        var next = 0;
        for (var p = 0; p < n; p++)
        {
            var x = SortedOrder.FromKey(keys[p]);
            while (next < interior.Length && interior[next] < x)
            {
                next++;
            }

            scores[order[p]] = (byte)(next + 1);
        }

        return interior;
    }

    internal static void ValidateBins(int bins)
    {
        if (bins is < 1 or > MaxBins)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(bins), bins, "must be between 1 and 255", "use 5 for RFM quintiles or 10 for deciles");
        }
    }

    internal static void ValidateTies(TiePolicy ties)
    {
        if (ties is not (TiePolicy.RankFirst or TiePolicy.AverageRank or TiePolicy.DropDuplicateEdges))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(ties), ties, "is not a defined TiePolicy", "pass RankFirst, AverageRank or DropDuplicateEdges");
        }
    }

    internal static void EnsurePopulation(int n, int bins, string paramName)
    {
        if (n == 0)
        {
            ThrowHelper.Argument(paramName, "the population is empty; scoring needs at least one customer per bin.");
        }

        if (n < bins)
        {
            ThrowHelper.Argument(paramName, FormattableString.Invariant($"{n} customers cannot fill {bins} bins; pass at least {bins} customers or use fewer bins (or fixed thresholds)."));
        }
    }

    internal static void EnsureFinite(ReadOnlySpan<double> values, string paramName)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                ThrowHelper.Argument(paramName, FormattableString.Invariant($"{paramName}[{i}] = {values[i]:R} must be a finite number; remove or impute missing values before scoring."));
            }
        }
    }
}
