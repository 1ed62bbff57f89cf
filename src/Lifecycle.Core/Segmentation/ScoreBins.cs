using System.Globalization;

namespace Lifecycle.Segmentation;

/// <summary>How customers with equal values are placed when scores are cut by quantiles.</summary>
/// <remarks>The policy is always chosen explicitly: RFM scores over data with many ties (most customers buy once) differ
/// a lot between policies. See docs/segmentation.md for worked examples.</remarks>
public enum TiePolicy
{
    /// <summary>Rank by value, ties broken by input position (first seen ranks lower), then cut ranks into equal bins:
    /// every bin holds ⌊n/k⌋ or ⌈n/k⌉ customers; equal values may get different scores. Like pandas
    /// <c>qcut(x.rank(method="first"), k)</c>.</summary>
    RankFirst = 0,

    /// <summary>Tied values share the average of their 0-based ranks, score = 1 + ⌊k·rank/n⌋: equal values always
    /// get the same score, and bins may be uneven or empty.</summary>
    AverageRank = 1,

    /// <summary>Cut at the k-quantiles of the values (linear interpolation, like numpy's default), drop duplicate edges
    /// and use the bins that remain: equal values share a score and the scale may end below k (reported by
    /// <see cref="ScoreBins.BinCount"/>). Like pandas <c>qcut(x, k, duplicates="drop")</c>.</summary>
    DropDuplicateEdges = 2,
}

/// <summary>Whether a higher value earns a higher score.</summary>
public enum ScoreDirection
{
    /// <summary>Higher values get higher scores (frequency, monetary value, CLV).</summary>
    HigherIsBetter = 0,

    /// <summary>Lower values get higher scores (time since the last purchase: the more recent, the higher R).</summary>
    LowerIsBetter = 1,
}

/// <summary>The edges that turn a value into a score 1..<see cref="BinCount"/>; returned by quantile scoring so the
/// same cut can be applied to new customers, or made from fixed thresholds.</summary>
/// <remarks>
/// <para>Edges are the ascending upper bounds of the value bins 1..m−1 (right-closed, like pandas <c>cut</c>): a value
/// <c>v</c> has ascending score <c>1 + #{ edges &lt; v }</c>; with <see cref="ScoreDirection.LowerIsBetter"/> the
/// score is <c>m + 1 −</c> that. An edge of −∞ marks a bin that no value reached (possible with
/// <see cref="TiePolicy.AverageRank"/>).</para>
/// <para>Reapplied to the customers they were computed from, the edges give back the same scores for
/// <see cref="TiePolicy.AverageRank"/> and <see cref="TiePolicy.DropDuplicateEdges"/>; for
/// <see cref="TiePolicy.RankFirst"/> a group of equal values split across bins goes to the lowest of them.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed class ScoreBins
{
    private readonly double[] _edges;

    private ScoreBins(double[] edges, ScoreDirection direction, int requestedBins, TiePolicy? ties)
    {
        _edges = edges;
        Direction = direction;
        RequestedBins = requestedBins;
        Ties = ties;
    }

    /// <summary>Gets the number of scores actually used: scores run 1..<see cref="BinCount"/>.</summary>
    /// <value>The requested number of bins, or fewer when <see cref="TiePolicy.DropDuplicateEdges"/> dropped edges.</value>
    public int BinCount => _edges.Length + 1;

    /// <summary>Gets the number of bins asked for.</summary>
    public int RequestedBins { get; }

    /// <summary>Gets a value indicating whether duplicate edges were dropped, so the scale is shorter than asked.</summary>
    public bool BinsDropped => BinCount < RequestedBins;

    /// <summary>Gets whether higher values score higher.</summary>
    public ScoreDirection Direction { get; }

    /// <summary>Gets the tie policy the edges were computed with, or <c>null</c> for fixed thresholds.</summary>
    public TiePolicy? Ties { get; }

    /// <summary>Gets the ascending upper edges of value bins 1..<see cref="BinCount"/>−1 (right-closed).</summary>
    public ReadOnlySpan<double> Edges => _edges;

    /// <summary>Creates bins from fixed thresholds instead of quantiles.</summary>
    /// <param name="edges">Strictly ascending finite upper bounds of the value bins (right-closed): with edges
    /// (10, 20), 10 scores 1 (ascending), 15 scores 2 and 25 scores 3. At most 254 edges.</param>
    /// <param name="direction">Whether higher values score higher.</param>
    /// <returns>Bins with <c>edges.Length + 1</c> scores.</returns>
    /// <exception cref="ArgumentException">An edge is NaN or infinite, the edges are not strictly ascending, or there are more than 254.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="direction"/> is not defined.</exception>
    public static ScoreBins FromThresholds(ReadOnlySpan<double> edges, ScoreDirection direction = ScoreDirection.HigherIsBetter)
    {
        ValidateDirection(direction);
        if (edges.Length > 254)
        {
            ThrowHelper.Argument(nameof(edges), FormattableString.Invariant($"{edges.Length} edges make {edges.Length + 1} scores, more than the 255 a score byte holds; use at most 254 edges."));
        }

        for (var i = 0; i < edges.Length; i++)
        {
            if (!double.IsFinite(edges[i]))
            {
                ThrowHelper.Argument(nameof(edges), FormattableString.Invariant($"edge {i} = {edges[i]:R} must be a finite number; pass finite thresholds."));
            }

            if (i > 0 && !(edges[i] > edges[i - 1]))
            {
                ThrowHelper.Argument(nameof(edges), FormattableString.Invariant($"edge {i} = {edges[i]:R} must be greater than edge {i - 1} = {edges[i - 1]:R}; pass strictly ascending thresholds."));
            }
        }

        return new ScoreBins(edges.ToArray(), direction, edges.Length + 1, ties: null);
    }

    internal static ScoreBins FromComputed(double[] edges, ScoreDirection direction, int requestedBins, TiePolicy ties) =>
        new(edges, direction, requestedBins, ties);

    internal static void ValidateDirection(ScoreDirection direction)
    {
        if (direction is not (ScoreDirection.HigherIsBetter or ScoreDirection.LowerIsBetter))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(direction), direction, "is not a defined ScoreDirection", "pass HigherIsBetter or LowerIsBetter");
        }
    }

    /// <summary>Scores one value.</summary>
    /// <param name="value">A finite value.</param>
    /// <returns>The score, 1..<see cref="BinCount"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite.</exception>
    public byte Score(double value)
    {
        ThrowHelper.ThrowIfNotFinite(value, nameof(value));
        return ScoreUnchecked(value);
    }

    /// <summary>Scores many values: no allocation, O(n log m).</summary>
    /// <param name="values">Finite values.</param>
    /// <param name="scores">Receives one score per value; the same length as <paramref name="values"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or a value is NaN or infinite (the message names its position).</exception>
    public void Score(ReadOnlySpan<double> values, Span<byte> scores)
    {
        if (scores.Length != values.Length)
        {
            ThrowHelper.Argument(nameof(scores), FormattableString.Invariant($"scores has length {scores.Length} but values has {values.Length}; pass one slot per value."));
        }

        QuantileScoring.EnsureFinite(values, nameof(values));
        for (var i = 0; i < values.Length; i++)
        {
            scores[i] = ScoreUnchecked(values[i]);
        }
    }

    private byte ScoreUnchecked(double value)
    {
        var ascending = 1 + QuantileScoring.CountBelow(_edges, value);
        return (byte)(Direction == ScoreDirection.HigherIsBetter ? ascending : BinCount + 1 - ascending);
    }

    /// <summary>Describes the bins, for logs and reports.</summary>
    /// <returns>For example <c>5 bins (HigherIsBetter, RankFirst), edges [1; 2; 3; 5]</c>.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{BinCount} bins ({Direction}, {(Ties is { } t ? t.ToString() : "fixed")}), edges [{string.Join("; ", _edges.Select(e => e.ToString("R", CultureInfo.InvariantCulture)))}]");
}
