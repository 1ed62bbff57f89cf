using System.Collections.ObjectModel;
using System.Globalization;

namespace Lifecycle.Segmentation;

/// <summary>The score a segment map reads on its second axis.</summary>
public enum SegmentAxis
{
    /// <summary>The frequency score F (an R×F map).</summary>
    Frequency = 0,

    /// <summary>The combined score FM = (F + M + 1) / 2, the mean of F and M rounded half up (an R×FM map).</summary>
    FrequencyMonetary = 1,
}

/// <summary>One rectangle of a segment map: customers with R in [MinR, MaxR] and the second score in [MinX, MaxX].</summary>
/// <remarks>Validated in every way of making it: a non-empty name, scores &gt;= 1, min &lt;= max.</remarks>
public readonly record struct SegmentCell
{
    /// <summary>Creates a cell.</summary>
    /// <param name="name">The segment name (several cells may share one).</param>
    /// <param name="minR">The lowest R score covered, &gt;= 1.</param>
    /// <param name="maxR">The highest R score covered, &gt;= <paramref name="minR"/>.</param>
    /// <param name="minX">The lowest second-axis score covered, &gt;= 1.</param>
    /// <param name="maxX">The highest second-axis score covered, &gt;= <paramref name="minX"/>.</param>
    /// <param name="description">What the segment means and what to do about it.</param>
    /// <exception cref="ArgumentException">The name is empty or a range is empty or starts at 0.</exception>
    public SegmentCell(string name, byte minR, byte maxR, byte minX, byte maxX, string description = "")
    {
        Validate(name, minR, maxR, minX, maxX);
        Name = name;
        MinR = minR;
        MaxR = maxR;
        MinX = minX;
        MaxX = maxX;
        Description = description ?? string.Empty;
    }

    /// <summary>Gets the segment name.</summary>
    public string Name { get; }

    /// <summary>Gets the lowest R score covered.</summary>
    public byte MinR { get; }

    /// <summary>Gets the highest R score covered.</summary>
    public byte MaxR { get; }

    /// <summary>Gets the lowest second-axis score covered.</summary>
    public byte MinX { get; }

    /// <summary>Gets the highest second-axis score covered.</summary>
    public byte MaxX { get; }

    /// <summary>Gets what the segment means.</summary>
    public string Description { get; }

    /// <summary>Gets a value indicating whether the cell covers a score pair.</summary>
    /// <param name="r">The R score.</param>
    /// <param name="x">The second-axis score.</param>
    /// <returns><c>true</c> when both scores are in range.</returns>
    public bool Covers(int r, int x) => r >= MinR && r <= MaxR && x >= MinX && x <= MaxX;

    private static void Validate(string name, byte minR, byte maxR, byte minX, byte maxX)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            ThrowHelper.Argument(nameof(name), "a segment cell needs a non-empty name; name the segment the cell belongs to.");
        }

        if (minR < 1 || maxR < minR)
        {
            ThrowHelper.Argument(nameof(minR), FormattableString.Invariant($"segment '{name}': R range [{minR}, {maxR}] must satisfy 1 <= min <= max; scores start at 1."));
        }

        if (minX < 1 || maxX < minX)
        {
            ThrowHelper.Argument(nameof(minX), FormattableString.Invariant($"segment '{name}': second-axis range [{minX}, {maxX}] must satisfy 1 <= min <= max; scores start at 1."));
        }
    }
}

/// <summary>Which score pairs a segment map leaves without a segment, and which cells never win.</summary>
/// <remarks>Immutable.</remarks>
public sealed class SegmentMapCoverage
{
    internal SegmentMapCoverage(int scale, (byte R, byte X)[] uncovered, int[] shadowed)
    {
        Scale = scale;
        Uncovered = new ReadOnlyCollection<(byte R, byte X)>(uncovered);
        ShadowedCells = new ReadOnlyCollection<int>(shadowed);
    }

    /// <summary>Gets the score scale checked: R and the second score each in 1..Scale.</summary>
    public int Scale { get; }

    /// <summary>Gets the (R, second score) pairs no cell covers, in R then X order.</summary>
    public IReadOnlyList<(byte R, byte X)> Uncovered { get; }

    /// <summary>Gets the indexes of cells that never win on this scale (fully covered by earlier cells or out of range).</summary>
    public IReadOnlyList<int> ShadowedCells { get; }

    /// <summary>Gets a value indicating whether every score pair has a segment.</summary>
    public bool IsComplete => Uncovered.Count == 0;
}

/// <summary>A named segment map over RFM scores, as editable data: cells in priority order, first match wins.</summary>
/// <remarks>
/// <para>Two published maps are built in: <see cref="RecencyFrequency"/> (R×F) and <see cref="RecencyFrequencyMonetary"/>
/// (R×FM). Both are defined on 5-point scales; check a map against another scale with <see cref="CheckCoverage"/>. To
/// edit one, call <see cref="ToBuilder"/>, change the cells and <see cref="SegmentMapBuilder.Build"/> again.</para>
/// <para>A score pair no cell covers gets <see cref="Unassigned"/>: that is a documented result, not an error; call
/// <see cref="EnsureCovers"/> to make it one. Assignment is a table look-up (O(1) per customer). Immutable and thread-safe.</para>
/// </remarks>
public sealed class SegmentMap
{
    /// <summary>The segment index given to a score pair no cell covers.</summary>
    public const int Unassigned = -1;

    private readonly SegmentCell[] _cells;
    private readonly string[] _names;
    private readonly short[] _lookup;
    private readonly int _maxR;
    private readonly int _maxX;

    internal SegmentMap(SegmentAxis axis, SegmentCell[] cells)
    {
        Axis = axis;
        _cells = cells;
        var names = new List<string>();
        foreach (var cell in cells)
        {
            if (!names.Contains(cell.Name, StringComparer.Ordinal))
            {
                names.Add(cell.Name);
            }
        }

        _names = [.. names];
        _maxR = cells.Max(c => c.MaxR);
        _maxX = cells.Max(c => c.MaxX);
        _lookup = new short[(_maxR + 1) * (_maxX + 1)];
        Array.Fill(_lookup, (short)Unassigned);
        for (var r = 1; r <= _maxR; r++)
        {
            for (var x = 1; x <= _maxX; x++)
            {
                foreach (var cell in cells)
                {
                    if (cell.Covers(r, x))
                    {
                        _lookup[(r * (_maxX + 1)) + x] = (short)Array.IndexOf(_names, cell.Name);
                        break;
                    }
                }
            }
        }

        Cells = new ReadOnlyCollection<SegmentCell>(_cells);
        SegmentNames = new ReadOnlyCollection<string>(_names);
    }

    /// <summary>Gets the score the map reads on its second axis.</summary>
    public SegmentAxis Axis { get; }

    /// <summary>Gets the cells in priority order (the first that covers a score pair wins).</summary>
    public IReadOnlyList<SegmentCell> Cells { get; }

    /// <summary>Gets the distinct segment names in order of first appearance; segment indexes point into this list.</summary>
    public IReadOnlyList<string> SegmentNames { get; }

    /// <summary>Gets the widely published R×F map (5-point scales; R = recency, F = frequency).</summary>
    /// <remarks>
    /// <code>
    ///        F=1            F=2          F=3          F=4        F=5
    /// R=5  New Customers  Potential Loyalists ------  Champions ---------
    /// R=4  Promising      Potential Loyalists ------  Loyal Customers ---
    /// R=3  About to Sleep ------------  Need Attention  Loyal Customers ---
    /// R=2  Hibernating ---------------  At Risk -----------------  Can't Lose Them
    /// R=1  Hibernating ---------------  At Risk -----------------  Can't Lose Them
    /// </code>
    /// Ten segments covering all 25 pairs without overlap: Champions R5 F4–5; Loyal Customers R3–4 F4–5; Potential
    /// Loyalists R4–5 F2–3; New Customers R5 F1; Promising R4 F1; Need Attention R3 F3; About to Sleep R3 F1–2; At Risk
    /// R1–2 F3–4; Can't Lose Them R1–2 F5; Hibernating R1–2 F1–2. See docs/segmentation.md for the source.
    /// </remarks>
    public static SegmentMap RecencyFrequency { get; } = new SegmentMapBuilder(SegmentAxis.Frequency)
        .Add("Champions", 5, 5, 4, 5, "Bought recently, buy often: reward them, ask for reviews, early access.")
        .Add("Loyal Customers", 3, 4, 4, 5, "Buy often and fairly recently: upsell, loyalty programme.")
        .Add("Potential Loyalists", 4, 5, 2, 3, "Recent customers with a few purchases: offer membership, recommend.")
        .Add("New Customers", 5, 5, 1, 1, "Bought very recently, once: onboard, build the relationship.")
        .Add("Promising", 4, 4, 1, 1, "Recent, one purchase: create brand awareness, free trials.")
        .Add("Need Attention", 3, 3, 3, 3, "Middle recency and frequency: limited-time offers, recommendations.")
        .Add("About to Sleep", 3, 3, 1, 2, "Below-average recency and frequency: reactivate before they are lost.")
        .Add("At Risk", 1, 2, 3, 4, "Bought often, but long ago: personalised win-back.")
        .Add("Can't Lose Them", 1, 2, 5, 5, "Were among the most frequent, not seen for long: win them back now.")
        .Add("Hibernating", 1, 2, 1, 2, "Long ago, rarely: low-cost reactivation or let go.")
        .Build();

    /// <summary>Gets the R×FM map with Lost (5-point scales; FM = (F + M + 1) / 2).</summary>
    /// <remarks>
    /// After the published R-by-FM segment table (Champions, Loyal Customers, Potential Loyalists, New Customers,
    /// Promising, Need Attention, About to Sleep, At Risk, Can't Lose Them, Hibernating, Lost), whose ranges overlap;
    /// here the overlaps are resolved by priority and every one of the 25 pairs has exactly one winner:
    /// <code>
    ///        FM=1            FM=2         FM=3         FM=4       FM=5
    /// R=5  New Customers  Potential Loyalists ------  Champions ---------
    /// R=4  Promising      Potential Loyalists ------  Champions ---------
    /// R=3  About to Sleep Need Attention ----------  Loyal Customers ---
    /// R=2  Hibernating --------------  At Risk ----------------------------
    /// R=1  Lost ---------------------  At Risk ----  Can't Lose Them -----
    /// </code>
    /// </remarks>
    public static SegmentMap RecencyFrequencyMonetary { get; } = new SegmentMapBuilder(SegmentAxis.FrequencyMonetary)
        .Add("Champions", 4, 5, 4, 5, "Recent, frequent, high spend: reward, early access, referrals.")
        .Add("Loyal Customers", 3, 5, 4, 5, "Frequent, high spend, fairly recent: upsell, loyalty programme.")
        .Add("Potential Loyalists", 4, 5, 2, 3, "Recent with average frequency and spend: membership, recommendations.")
        .Add("New Customers", 5, 5, 1, 1, "Very recent, low frequency and spend: onboarding.")
        .Add("Promising", 4, 4, 1, 1, "Recent, low frequency and spend: build awareness.")
        .Add("Need Attention", 3, 3, 2, 3, "Middle on every axis: limited-time offers.")
        .Add("About to Sleep", 3, 3, 1, 1, "Fading, low value: reactivate cheaply.")
        .Add("Can't Lose Them", 1, 1, 4, 5, "High value, not seen for long: win back now.")
        .Add("At Risk", 1, 2, 3, 5, "Good value once, slipping away: personalised win-back.")
        .Add("Hibernating", 2, 2, 1, 2, "Long ago, low value: low-cost reactivation.")
        .Add("Lost", 1, 1, 1, 2, "Lowest recency and value: ignore or a last attempt.")
        .Build();

    /// <summary>Returns the segment index of one score, or <see cref="Unassigned"/>.</summary>
    /// <param name="score">The customer's RFM score.</param>
    /// <returns>An index into <see cref="SegmentNames"/>, or <see cref="Unassigned"/> when no cell covers the score.</returns>
    public int Assign(RfmScore score) =>
        Lookup(score.R, Axis == SegmentAxis.Frequency ? score.F : score.FM);

    /// <summary>Returns the segment name of one score, or <c>null</c> when no cell covers it.</summary>
    /// <param name="score">The customer's RFM score.</param>
    /// <returns>The segment name or <c>null</c>.</returns>
    public string? SegmentOf(RfmScore score) => Assign(score) is var s and >= 0 ? _names[s] : null;

    /// <summary>Assigns segments to score columns, allocating nothing.</summary>
    /// <param name="r">R scores.</param>
    /// <param name="f">F scores.</param>
    /// <param name="m">M scores (read only by an R×FM map; may be empty for an R×F map).</param>
    /// <param name="segments">Receives segment indexes (or <see cref="Unassigned"/>).</param>
    /// <returns>The number of customers left unassigned.</returns>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public int Assign(ReadOnlySpan<byte> r, ReadOnlySpan<byte> f, ReadOnlySpan<byte> m, Span<int> segments)
    {
        var needM = Axis == SegmentAxis.FrequencyMonetary;
        if (f.Length != r.Length || segments.Length != r.Length || (needM && m.Length != r.Length))
        {
            ThrowHelper.Argument(nameof(segments), FormattableString.Invariant($"r ({r.Length}), f ({f.Length}), m ({m.Length}) and segments ({segments.Length}) must have the same length (m may be empty for an R×F map); pass one value per customer."));
        }

        var unassigned = 0;
        for (var i = 0; i < r.Length; i++)
        {
            var x = needM ? RfmScore.CombineFm(f[i], m[i]) : f[i];
            var s = Lookup(r[i], x);
            segments[i] = s;
            if (s < 0)
            {
                unassigned++;
            }
        }

        return unassigned;
    }

    /// <summary>Assigns every scored customer to a segment.</summary>
    /// <param name="scores">The scores.</param>
    /// <returns>Per-customer segment indexes, the names and counts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scores"/> is null.</exception>
    public SegmentAssignment Assign(RfmScores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var segments = new int[scores.Count];
        Assign(scores.R, scores.F, scores.M, segments);
        return new SegmentAssignment(segments, _names);
    }

    /// <summary>Checks every (R, second score) pair on a 1..<paramref name="scale"/> grid.</summary>
    /// <param name="scale">The number of scores per axis (the bins used for scoring), 1..255.</param>
    /// <returns>The uncovered pairs and the cells that never win.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is outside 1..255.</exception>
    public SegmentMapCoverage CheckCoverage(int scale = 5)
    {
        if (scale is < 1 or > 255)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(scale), scale, "must be between 1 and 255", "pass the number of bins the scores were cut into");
        }

        var uncovered = new List<(byte, byte)>();
        var wins = new bool[_cells.Length];
        for (var r = 1; r <= scale; r++)
        {
            for (var x = 1; x <= scale; x++)
            {
                var hit = Array.FindIndex(_cells, c => c.Covers(r, x));
                if (hit < 0)
                {
                    uncovered.Add(((byte)r, (byte)x));
                }
                else
                {
                    wins[hit] = true;
                }
            }
        }

        var shadowed = Enumerable.Range(0, _cells.Length).Where(i => !wins[i]).ToArray();
        return new SegmentMapCoverage(scale, [.. uncovered], shadowed);
    }

    /// <summary>Throws unless the map gives every score pair on a 1..<paramref name="scale"/> grid a segment.</summary>
    /// <param name="scale">The number of scores per axis, 1..255.</param>
    /// <exception cref="ArgumentException">Some pairs are uncovered; the message lists them.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is outside 1..255.</exception>
    public void EnsureCovers(int scale = 5)
    {
        var coverage = CheckCoverage(scale);
        if (!coverage.IsComplete)
        {
            var pairs = string.Join(", ", coverage.Uncovered.Take(20).Select(p => string.Create(CultureInfo.InvariantCulture, $"(R={p.R}, {AxisLabel}={p.X})")));
            var more = coverage.Uncovered.Count > 20 ? FormattableString.Invariant($" and {coverage.Uncovered.Count - 20} more") : string.Empty;
            ThrowHelper.Argument(nameof(scale), FormattableString.Invariant($"the segment map leaves {coverage.Uncovered.Count} of {scale * scale} score pairs on a 1..{scale} scale without a segment: {pairs}{more}; add cells for them or a catch-all cell (1..{scale} × 1..{scale}) at the end."));
        }
    }

    /// <summary>Copies the map into a builder for editing.</summary>
    /// <returns>A builder holding the same axis and cells.</returns>
    public SegmentMapBuilder ToBuilder()
    {
        var builder = new SegmentMapBuilder(Axis);
        foreach (var cell in _cells)
        {
            builder.Add(cell);
        }

        return builder;
    }

    private string AxisLabel => Axis == SegmentAxis.Frequency ? "F" : "FM";

    private int Lookup(byte r, byte x) =>
        r == 0 || x == 0 || r > _maxR || x > _maxX ? Unassigned : _lookup[(r * (_maxX + 1)) + x];
}

/// <summary>Builds a <see cref="SegmentMap"/>: add cells in priority order, then <see cref="Build"/>.</summary>
/// <remarks>Not thread-safe; the built map is immutable.</remarks>
public sealed class SegmentMapBuilder
{
    private readonly List<SegmentCell> _cells = [];

    /// <summary>Creates an empty builder.</summary>
    /// <param name="axis">The second axis: F (R×F) or FM (R×FM).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not defined.</exception>
    public SegmentMapBuilder(SegmentAxis axis)
    {
        if (axis is not (SegmentAxis.Frequency or SegmentAxis.FrequencyMonetary))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(axis), axis, "is not a defined SegmentAxis", "pass Frequency or FrequencyMonetary");
        }

        Axis = axis;
    }

    /// <summary>Gets the second axis.</summary>
    public SegmentAxis Axis { get; }

    /// <summary>Gets the cells so far, in priority order; edit with the builder's methods.</summary>
    public IReadOnlyList<SegmentCell> Cells => _cells;

    /// <summary>Adds a cell at the lowest priority so far.</summary>
    /// <param name="name">The segment name.</param>
    /// <param name="minR">Lowest R.</param>
    /// <param name="maxR">Highest R.</param>
    /// <param name="minX">Lowest second-axis score.</param>
    /// <param name="maxX">Highest second-axis score.</param>
    /// <param name="description">What the segment means.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The cell is invalid (see <see cref="SegmentCell"/>).</exception>
    public SegmentMapBuilder Add(string name, byte minR, byte maxR, byte minX, byte maxX, string description = "") =>
        Add(new SegmentCell(name, minR, maxR, minX, maxX, description));

    /// <summary>Adds a cell at the lowest priority so far.</summary>
    /// <param name="cell">The cell.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The cell is <c>default</c>.</exception>
    public SegmentMapBuilder Add(SegmentCell cell)
    {
        CheckCell(cell);
        _cells.Add(cell);
        return this;
    }

    /// <summary>Inserts a cell at a priority position (0 = highest).</summary>
    /// <param name="index">The position, 0..<see cref="Cells"/>.Count.</param>
    /// <param name="cell">The cell.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The cell is <c>default</c>.</exception>
    public SegmentMapBuilder Insert(int index, SegmentCell cell)
    {
        if (index < 0 || index > _cells.Count)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(index), index, FormattableString.Invariant($"must be between 0 and {_cells.Count}"), "0 inserts at the highest priority, Count at the lowest");
        }

        CheckCell(cell);
        _cells.Insert(index, cell);
        return this;
    }

    /// <summary>Removes every cell of a segment.</summary>
    /// <param name="name">The segment name (ordinal comparison).</param>
    /// <returns>This builder.</returns>
    public SegmentMapBuilder Remove(string name)
    {
        _cells.RemoveAll(c => string.Equals(c.Name, name, StringComparison.Ordinal));
        return this;
    }

    /// <summary>Renames a segment in every cell.</summary>
    /// <param name="name">The current name.</param>
    /// <param name="newName">The new name.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="newName"/> is empty, or no cell has <paramref name="name"/>.</exception>
    public SegmentMapBuilder Rename(string name, string newName)
    {
        var found = false;
        for (var i = 0; i < _cells.Count; i++)
        {
            var c = _cells[i];
            if (string.Equals(c.Name, name, StringComparison.Ordinal))
            {
                _cells[i] = new SegmentCell(newName, c.MinR, c.MaxR, c.MinX, c.MaxX, c.Description);
                found = true;
            }
        }

        if (!found)
        {
            ThrowHelper.Argument(nameof(name), $"no cell is named '{name}'; pass one of the names in Cells.");
        }

        return this;
    }

    /// <summary>Freezes the cells into a map.</summary>
    /// <returns>The immutable map.</returns>
    /// <exception cref="InvalidOperationException">There are no cells.</exception>
    public SegmentMap Build()
    {
        if (_cells.Count == 0)
        {
            ThrowHelper.InvalidOperation("a segment map needs at least one cell; add cells with Add(name, minR, maxR, minX, maxX).");
        }

        return new SegmentMap(Axis, [.. _cells]);
    }

    private static void CheckCell(SegmentCell cell)
    {
        if (cell.Name is null)
        {
            ThrowHelper.Argument(nameof(cell), "the cell is default (no name, no ranges); create it with its constructor.");
        }
    }
}

/// <summary>Per-customer segment indexes with segment names and counts.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SegmentAssignment
{
    private readonly int[] _segments;
    private readonly int[] _counts;

    internal SegmentAssignment(int[] segments, IReadOnlyList<string> names)
    {
        _segments = segments;
        Names = names;
        _counts = new int[names.Count];
        foreach (var s in segments)
        {
            if (s >= 0)
            {
                _counts[s]++;
            }
            else
            {
                Unassigned++;
            }
        }
    }

    /// <summary>Gets the segment index of each customer (<see cref="SegmentMap.Unassigned"/> when none).</summary>
    public ReadOnlySpan<int> Segments => _segments;

    /// <summary>Gets the segment names; indexes point here.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Gets the number of customers per segment, in <see cref="Names"/> order.</summary>
    public ReadOnlySpan<int> Counts => _counts;

    /// <summary>Gets the number of customers without a segment.</summary>
    public int Unassigned { get; }

    /// <summary>Gets the number of customers.</summary>
    public int Count => _segments.Length;

    /// <summary>Gets the segment name of a customer, or <c>null</c> when unassigned.</summary>
    /// <param name="index">The customer's 0-based index.</param>
    /// <returns>The name or <c>null</c>.</returns>
    /// <exception cref="IndexOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public string? NameOf(int index) => _segments[index] >= 0 ? Names[_segments[index]] : null;
}
