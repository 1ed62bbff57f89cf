using System.Globalization;

namespace Lifecycle.Segmentation;

/// <summary>A customer's recency, frequency and monetary scores.</summary>
/// <remarks><c>default</c> (all zero) means "not scored" and matches no segment map cell; every constructed score has
/// R, F and M of at least 1.</remarks>
public readonly record struct RfmScore
{
    private readonly byte _r;
    private readonly byte _f;
    private readonly byte _m;

    /// <summary>Creates a score.</summary>
    /// <param name="r">Recency score, &gt;= 1 (higher = more recent).</param>
    /// <param name="f">Frequency score, &gt;= 1.</param>
    /// <param name="m">Monetary score, &gt;= 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A score is 0.</exception>
    public RfmScore(byte r, byte f, byte m)
    {
        Check(r, nameof(r));
        Check(f, nameof(f));
        Check(m, nameof(m));
        _r = r;
        _f = f;
        _m = m;
    }

    /// <summary>Gets the recency score (higher = bought more recently).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to 0.</exception>
    public byte R
    {
        get => _r;
        init
        {
            Check(value, nameof(R));
            _r = value;
        }
    }

    /// <summary>Gets the frequency score (higher = buys more often).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to 0.</exception>
    public byte F
    {
        get => _f;
        init
        {
            Check(value, nameof(F));
            _f = value;
        }
    }

    /// <summary>Gets the monetary score (higher = spends more).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to 0.</exception>
    public byte M
    {
        get => _m;
        init
        {
            Check(value, nameof(M));
            _m = value;
        }
    }

    /// <summary>Gets the combined frequency-monetary score: the mean of F and M rounded half up, <c>(F + M + 1) / 2</c> in integers.</summary>
    public byte FM => CombineFm(_f, _m);

    /// <summary>Gets the three scores as one number, R·100 + F·10 + M for single-digit scales (for example 543).</summary>
    public int Code => (_r * 100) + (_f * 10) + _m;

    /// <summary>Formats the score as its digits, for example <c>543</c>, or <c>R12 F3 M4</c> when a score exceeds 9.</summary>
    /// <returns>The text form.</returns>
    public override string ToString() => _r < 10 && _f < 10 && _m < 10
        ? Code.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"R{_r} F{_f} M{_m}");

    internal static byte CombineFm(byte f, byte m) => (byte)((f + m + 1) / 2);

    private static void Check(byte value, string name)
    {
        if (value == 0)
        {
            ThrowHelper.ArgumentOutOfRange(name, value, "must be at least 1", "scores run from 1 to the number of bins");
        }
    }
}

/// <summary>Options for quantile RFM scoring.</summary>
/// <remarks>Immutable once built; thread-safe.</remarks>
public sealed record RfmOptions
{
    private readonly int _bins = 5;
    private readonly TiePolicy _ties = TiePolicy.RankFirst;

    /// <summary>Gets the number of scores per dimension.</summary>
    /// <value>5 (quintiles). 1..255.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1..255.</exception>
    public int Bins
    {
        get => _bins;
        init
        {
            QuantileScoring.ValidateBins(value);
            _bins = value;
        }
    }

    /// <summary>Gets how customers with equal values are placed.</summary>
    /// <value><see cref="TiePolicy.RankFirst"/>: equal-sized, deterministic bins.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set to an undefined value.</exception>
    public TiePolicy Ties
    {
        get => _ties;
        init
        {
            QuantileScoring.ValidateTies(value);
            _ties = value;
        }
    }
}

/// <summary>The three cuts (recency, frequency, monetary) of an RFM scoring, reusable on new customers.</summary>
/// <remarks>
/// <para>Recency is scored on the time since the last purchase, <c>T − t_x</c> in the summary's time unit, with
/// <see cref="ScoreDirection.LowerIsBetter"/>: the most recent buyers get the highest R.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed class RfmBins
{
    /// <summary>Creates RFM bins from three cuts, for example fixed thresholds made with <see cref="ScoreBins.FromThresholds"/>.</summary>
    /// <param name="recency">The cut of the time since the last purchase; must be <see cref="ScoreDirection.LowerIsBetter"/>.</param>
    /// <param name="frequency">The cut of the repeat frequency; must be <see cref="ScoreDirection.HigherIsBetter"/>.</param>
    /// <param name="monetary">The cut of the monetary value; must be <see cref="ScoreDirection.HigherIsBetter"/>.</param>
    /// <exception cref="ArgumentNullException">A cut is null.</exception>
    /// <exception cref="ArgumentException">A cut has the wrong direction.</exception>
    public RfmBins(ScoreBins recency, ScoreBins frequency, ScoreBins monetary)
    {
        ArgumentNullException.ThrowIfNull(recency);
        ArgumentNullException.ThrowIfNull(frequency);
        ArgumentNullException.ThrowIfNull(monetary);
        if (recency.Direction != ScoreDirection.LowerIsBetter)
        {
            ThrowHelper.Argument(nameof(recency), "recency bins must use ScoreDirection.LowerIsBetter: they cut the time since the last purchase, and a shorter time earns a higher R.");
        }

        if (frequency.Direction != ScoreDirection.HigherIsBetter || monetary.Direction != ScoreDirection.HigherIsBetter)
        {
            ThrowHelper.Argument(nameof(frequency), "frequency and monetary bins must use ScoreDirection.HigherIsBetter; pass bins made for higher-is-better values.");
        }

        Recency = recency;
        Frequency = frequency;
        Monetary = monetary;
    }

    /// <summary>Gets the cut of the time since the last purchase (lower is better).</summary>
    public ScoreBins Recency { get; }

    /// <summary>Gets the cut of the repeat frequency.</summary>
    public ScoreBins Frequency { get; }

    /// <summary>Gets the cut of the monetary value.</summary>
    public ScoreBins Monetary { get; }

    /// <summary>Scores one customer summary with these cuts.</summary>
    /// <param name="summary">The customer.</param>
    /// <returns>The customer's score.</returns>
    public RfmScore Score(CustomerSummary summary) =>
        new(Recency.Score(Rfm.TimeSinceLastPurchase(summary)), Frequency.Score(summary.Frequency), Monetary.Score(summary.MonetaryValue));

    /// <summary>Scores customers given as columns with these cuts, allocating nothing.</summary>
    /// <param name="timeSinceLastPurchase">Time since the last purchase, <c>T − t_x</c>.</param>
    /// <param name="frequency">Repeat frequencies.</param>
    /// <param name="monetary">Monetary values.</param>
    /// <param name="r">Receives the R scores.</param>
    /// <param name="f">Receives the F scores.</param>
    /// <param name="m">Receives the M scores.</param>
    /// <exception cref="ArgumentException">Lengths differ or a value is NaN or infinite.</exception>
    public void Score(ReadOnlySpan<double> timeSinceLastPurchase, ReadOnlySpan<double> frequency, ReadOnlySpan<double> monetary, Span<byte> r, Span<byte> f, Span<byte> m)
    {
        Rfm.CheckLengths(timeSinceLastPurchase.Length, frequency.Length, monetary.Length, r.Length, f.Length, m.Length);
        Recency.Score(timeSinceLastPurchase, r);
        Frequency.Score(frequency, f);
        Monetary.Score(monetary, m);
    }
}

/// <summary>RFM scores of a population, with the cuts that produced them.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class RfmScores
{
    private readonly byte[] _r;
    private readonly byte[] _f;
    private readonly byte[] _m;

    internal RfmScores(byte[] r, byte[] f, byte[] m, RfmBins bins)
    {
        _r = r;
        _f = f;
        _m = m;
        Bins = bins;
    }

    /// <summary>Gets the number of customers.</summary>
    public int Count => _r.Length;

    /// <summary>Gets the recency scores.</summary>
    public ReadOnlySpan<byte> R => _r;

    /// <summary>Gets the frequency scores.</summary>
    public ReadOnlySpan<byte> F => _f;

    /// <summary>Gets the monetary scores.</summary>
    public ReadOnlySpan<byte> M => _m;

    /// <summary>Gets the cuts, to score new customers the same way.</summary>
    public RfmBins Bins { get; }

    /// <summary>Gets the score of the customer at <paramref name="index"/>.</summary>
    /// <param name="index">A 0-based index below <see cref="Count"/>.</param>
    /// <exception cref="IndexOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public RfmScore this[int index] => new(_r[index], _f[index], _m[index]);
}

/// <summary>Quantile RFM scoring: R, F and M scores 1..k, recency reversed, with an explicit tie policy.</summary>
/// <remarks>
/// <para><b>Definitions.</b> R scores the time since the last purchase, <c>T − t_x</c> (in the summary's time unit: days
/// or weeks before the observation end), lower is better, so the most recent buyers get R = k. F scores the repeat
/// frequency <c>x</c>; M scores the monetary value (mean repeat spend, as summarized). To score other measures
/// (total spend, transaction count), use the span overload.</para>
/// <para>Linear time per column (radix sort), no per-customer allocation. Thread-safe.</para>
/// </remarks>
public static class Rfm
{
    /// <summary>Gets the value recency is scored on: the time since the last purchase, <c>T − t_x</c>.</summary>
    /// <param name="summary">The customer.</param>
    /// <returns>The time from the last purchase to the observation end, in the summary's time unit.</returns>
    public static double TimeSinceLastPurchase(CustomerSummary summary) => summary.T - summary.Recency;

    /// <summary>Computes <c>T − t_x</c> for columns.</summary>
    /// <param name="recency">Recencies <c>t_x</c>.</param>
    /// <param name="t">Ages <c>T</c>.</param>
    /// <param name="destination">Receives <c>T − t_x</c>.</param>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static void TimeSinceLastPurchase(ReadOnlySpan<double> recency, ReadOnlySpan<double> t, Span<double> destination)
    {
        if (t.Length != recency.Length || destination.Length != recency.Length)
        {
            ThrowHelper.Argument(nameof(destination), FormattableString.Invariant($"recency ({recency.Length}), T ({t.Length}) and destination ({destination.Length}) must have the same length; pass one value per customer."));
        }

        for (var i = 0; i < recency.Length; i++)
        {
            destination[i] = t[i] - recency[i];
        }
    }

    /// <summary>Scores every customer of a summary set into quintiles with <see cref="TiePolicy.RankFirst"/>.</summary>
    /// <param name="summaries">The customers; at least 5 of them.</param>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <returns>The scores in the set's customer order, and the cuts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="summaries"/> is null.</exception>
    /// <exception cref="ArgumentException">The set is empty or has fewer than 5 customers.</exception>
    public static RfmScores Score<TKey>(SummarySet<TKey> summaries)
        where TKey : notnull, IEquatable<TKey> => Score(summaries, (RfmOptions?)null);

    /// <summary>Scores every customer of a summary set.</summary>
    /// <param name="summaries">The customers; at least <see cref="RfmOptions.Bins"/> of them.</param>
    /// <param name="options">Bins and tie policy; <c>null</c> means 5 bins, <see cref="TiePolicy.RankFirst"/>.</param>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <returns>The scores in the set's customer order, and the cuts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="summaries"/> is null.</exception>
    /// <exception cref="ArgumentException">The set is empty or has fewer customers than bins.</exception>
    public static RfmScores Score<TKey>(SummarySet<TKey> summaries, RfmOptions? options)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var n = summaries.Count;
        var since = new double[n];
        TimeSinceLastPurchase(summaries.Recency, summaries.T, since);
        byte[] r = new byte[n], f = new byte[n], m = new byte[n];
        var bins = Score(since, summaries.Frequency, summaries.MonetaryValue, r, f, m, options);
        return new RfmScores(r, f, m, bins);
    }

    /// <summary>Scores customers given as columns into caller-owned buffers (the allocation-free hot path).</summary>
    /// <param name="timeSinceLastPurchase">Time since the last purchase, <c>T − t_x</c> (lower is better).</param>
    /// <param name="frequency">Repeat frequencies (or any higher-is-better frequency measure).</param>
    /// <param name="monetary">Monetary values (or any higher-is-better spend measure).</param>
    /// <param name="r">Receives the R scores.</param>
    /// <param name="f">Receives the F scores.</param>
    /// <param name="m">Receives the M scores.</param>
    /// <param name="options">Bins and tie policy; <c>null</c> means 5 bins, <see cref="TiePolicy.RankFirst"/>.</param>
    /// <returns>The cuts, to score new customers the same way.</returns>
    /// <exception cref="ArgumentException">Lengths differ, the population is empty or smaller than the number of bins, or a
    /// value is NaN or infinite (the message names the column and position).</exception>
    public static RfmBins Score(ReadOnlySpan<double> timeSinceLastPurchase, ReadOnlySpan<double> frequency, ReadOnlySpan<double> monetary, Span<byte> r, Span<byte> f, Span<byte> m, RfmOptions? options)
    {
        options ??= new RfmOptions();
        CheckLengths(timeSinceLastPurchase.Length, frequency.Length, monetary.Length, r.Length, f.Length, m.Length);
        var rb = QuantileScoring.Score(timeSinceLastPurchase, r, options.Bins, options.Ties, ScoreDirection.LowerIsBetter, nameof(timeSinceLastPurchase));
        var fb = QuantileScoring.Score(frequency, f, options.Bins, options.Ties, ScoreDirection.HigherIsBetter, nameof(frequency));
        var mb = QuantileScoring.Score(monetary, m, options.Bins, options.Ties, ScoreDirection.HigherIsBetter, nameof(monetary));
        return new RfmBins(rb, fb, mb);
    }

    /// <summary>Scores every customer of a summary set with given cuts (fixed thresholds, or cuts from another population).</summary>
    /// <param name="summaries">The customers.</param>
    /// <param name="bins">The cuts.</param>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <returns>The scores, carrying <paramref name="bins"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static RfmScores Score<TKey>(SummarySet<TKey> summaries, RfmBins bins)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(summaries);
        ArgumentNullException.ThrowIfNull(bins);
        var n = summaries.Count;
        var since = new double[n];
        TimeSinceLastPurchase(summaries.Recency, summaries.T, since);
        byte[] r = new byte[n], f = new byte[n], m = new byte[n];
        bins.Score(since, summaries.Frequency, summaries.MonetaryValue, r, f, m);
        return new RfmScores(r, f, m, bins);
    }

    internal static void CheckLengths(int since, int frequency, int monetary, int r, int f, int m)
    {
        if (frequency != since || monetary != since || r != since || f != since || m != since)
        {
            ThrowHelper.Argument(nameof(frequency), FormattableString.Invariant($"time since last purchase ({since}), frequency ({frequency}), monetary ({monetary}) and the score buffers ({r}, {f}, {m}) must have the same length; pass one value per customer."));
        }
    }
}
