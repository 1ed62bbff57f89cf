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

        using var sorted = new SortedKeys(values);
        double[] edges;
        int m;
        switch (ties)
        {
            case TiePolicy.RankFirst:
                m = bins;
                edges = new double[bins - 1];
                for (var j = 1; j < bins; j++)
                {
                    // Last position of bin j: ceil(j n / k) − 1 (bins are non-empty because n >= k).
                    edges[j - 1] = sorted.Value(FirstOfBin(j + 1, n, bins) - 1);
                }

                AssignRankFirst(values, scores, in sorted, edges, direction);
                break;

            case TiePolicy.AverageRank:
                m = bins;
                edges = AverageRankEdges(in sorted, bins);
                AssignByEdges(values, scores, edges, m, direction);
                break;

            default:
                edges = DropDuplicateEdges(in sorted, bins);
                m = edges.Length + 1;
                AssignByEdges(values, scores, edges, m, direction);
                break;
        }

        return ScoreBins.FromComputed(edges, direction, bins, ties);
    }

    /// <summary>The number of edges strictly below a value: the ascending score minus one.</summary>
    internal static int CountBelow(ReadOnlySpan<double> edges, double value)
    {
        if (edges.Length <= 16)
        {
            var count = 0;
            foreach (var e in edges)
            {
                count += e < value ? 1 : 0;
            }

            return count;
        }

        int lo = 0, hi = edges.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (edges[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>First 0-based sorted position of bin <paramref name="bin"/> (1-based) under rank-first: ceil((bin − 1) n / k).</summary>
    private static int FirstOfBin(int bin, int n, int bins) => (int)((((long)(bin - 1) * n) + bins - 1) / bins);

    private static void AssignByEdges(ReadOnlySpan<double> values, Span<byte> scores, ReadOnlySpan<double> edges, int m, ScoreDirection direction)
    {
        var reverse = direction == ScoreDirection.LowerIsBetter;
        for (var i = 0; i < values.Length; i++)
        {
            var ascending = 1 + CountBelow(edges, values[i]);
            scores[i] = (byte)(reverse ? m + 1 - ascending : ascending);
        }
    }

    private static void AssignRankFirst(ReadOnlySpan<double> values, Span<byte> scores, in SortedKeys sorted, double[] edges, ScoreDirection direction)
    {
        // Rank of customer i = (#values below v_i) + (#earlier customers with the same value): bin = 1 + #{j : rank >= P_j}
        // with P_j = ceil(j n / k). Values away from the bin edges need no rank; for a value equal to an edge, count
        // the equal values seen so far in input order. No per-customer state beyond one counter per edge.
        var n = values.Length;
        var k = edges.Length + 1;
        Span<int> groupStart = stackalloc int[edges.Length];
        Span<int> seen = stackalloc int[edges.Length];
        Span<int> firstOfNextBin = stackalloc int[edges.Length];
        seen.Clear();
        for (var e = 0; e < edges.Length; e++)
        {
            firstOfNextBin[e] = FirstOfBin(e + 2, n, k);
            groupStart[e] = sorted.FirstOfGroup(firstOfNextBin[e] - 1);
        }

        var reverse = direction == ScoreDirection.LowerIsBetter;
        for (var i = 0; i < n; i++)
        {
            var v = values[i];
            var below = CountBelow(edges, v);
            var ascending = 1 + below;
            if (below < edges.Length && edges[below] == v)
            {
                var rank = groupStart[below] + seen[below]++;
                for (var e = below; e < edges.Length && edges[e] == v; e++)
                {
                    ascending += rank >= firstOfNextBin[e] ? 1 : 0;
                }
            }

            scores[i] = (byte)(reverse ? k + 1 - ascending : ascending);
        }
    }

    private static double[] AverageRankEdges(in SortedKeys sorted, int bins)
    {
        var keys = sorted.Keys;
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
            var score = 1 + (int)(((long)(a + b) * bins) / (2L * n));
            maxOfScore[score] = SortedKeys.FromKey(keys[a]);
            a = b + 1;
        }

        // Edge j = the largest value scoring <= j (−∞ when none): scores are non-decreasing in the value, so counting
        // the edges below a value gives back its score.
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

    private static double[] DropDuplicateEdges(in SortedKeys sorted, int bins)
    {
        var n = sorted.Count;
        Span<double> quantiles = stackalloc double[bins + 1];
        for (var j = 0; j <= bins; j++)
        {
            // Linear interpolation between order statistics (Hyndman & Fan type 7, numpy's default).
            var h = (double)(n - 1) * j / bins;
            var lo = Math.Min((int)h, n - 1);
            var frac = h - lo;
            var x0 = sorted.Value(lo);
            var q = x0;
            if (frac > 0 && lo + 1 < n)
            {
                var x1 = sorted.Value(lo + 1);
                q = x0 + (frac * (x1 - x0));
                if (!double.IsFinite(q))
                {
                    q = ((1 - frac) * x0) + (frac * x1);
                }
            }

            quantiles[j] = j > 0 ? Math.Max(q, quantiles[j - 1]) : q;
        }

        // Distinct edges e0 < e1 < ... < em; the interior ones e1..e(m-1) separate the m bins (right-closed).
        var distinct = 1;
        for (var j = 1; j <= bins; j++)
        {
            if (quantiles[j] != quantiles[distinct - 1])
            {
                quantiles[distinct++] = quantiles[j];
            }
        }

        return distinct <= 2 ? [] : quantiles[1..(distinct - 1)].ToArray();
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
