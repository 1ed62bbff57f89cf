using System.Collections.ObjectModel;

namespace Lifecycle.Segmentation;

/// <summary>A segment × stage cross-tabulation of customers and value.</summary>
/// <remarks>
/// Stages are plain labels (for example the names from a stage engine's output), so this type does not depend on
/// <c>Lifecycle.Stages</c>. Rows are segments, columns stages, both in the order given (or of first appearance).
/// Customers whose segment index is <see cref="SegmentMap.Unassigned"/> are counted in <see cref="UnassignedCustomers"/>
/// and <see cref="UnassignedValue"/>, not in the cells. Immutable and thread-safe.
/// </remarks>
public sealed class SegmentStageMatrix
{
    private readonly int[] _customers;
    private readonly double[] _values;

    private SegmentStageMatrix(string[] segments, string[] stages, int[] customers, double[] values, int unassigned, double unassignedValue)
    {
        Segments = new ReadOnlyCollection<string>(segments);
        Stages = new ReadOnlyCollection<string>(stages);
        _customers = customers;
        _values = values;
        UnassignedCustomers = unassigned;
        UnassignedValue = unassignedValue;
    }

    /// <summary>Gets the segment (row) names.</summary>
    public IReadOnlyList<string> Segments { get; }

    /// <summary>Gets the stage (column) names.</summary>
    public IReadOnlyList<string> Stages { get; }

    /// <summary>Gets the customer counts, row-major segments × stages.</summary>
    public ReadOnlySpan<int> CustomerCounts => _customers;

    /// <summary>Gets the value sums, row-major segments × stages (all 0 when no values were given).</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>Gets the number of customers left out because they had no segment.</summary>
    public int UnassignedCustomers { get; }

    /// <summary>Gets the value of the customers left out.</summary>
    public double UnassignedValue { get; }

    /// <summary>Gets the number of customers in the cells.</summary>
    public int TotalCustomers => _customers.Sum();

    /// <summary>Gets the value in the cells.</summary>
    public double TotalValue => _values.Sum();

    /// <summary>Gets the number of customers in a segment and stage.</summary>
    /// <param name="segment">The row index.</param>
    /// <param name="stage">The column index.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public int Customers(int segment, int stage) => _customers[Index(segment, stage)];

    /// <summary>Gets the value of a segment and stage.</summary>
    /// <param name="segment">The row index.</param>
    /// <param name="stage">The column index.</param>
    /// <returns>The value sum.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public double Value(int segment, int stage) => _values[Index(segment, stage)];

    /// <summary>Gets the number of customers in a segment and stage, by name.</summary>
    /// <param name="segment">A segment name.</param>
    /// <param name="stage">A stage name.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentException">A name is unknown.</exception>
    public int Customers(string segment, string stage) => _customers[Index(Find(Segments, segment, nameof(segment)), Find(Stages, stage, nameof(stage)))];

    /// <summary>Gets the customers per segment (row totals).</summary>
    /// <returns>One count per segment.</returns>
    public int[] SegmentTotals()
    {
        var result = new int[Segments.Count];
        for (var s = 0; s < result.Length; s++)
        {
            for (var t = 0; t < Stages.Count; t++)
            {
                result[s] += _customers[(s * Stages.Count) + t];
            }
        }

        return result;
    }

    /// <summary>Gets the customers per stage (column totals).</summary>
    /// <returns>One count per stage.</returns>
    public int[] StageTotals()
    {
        var result = new int[Stages.Count];
        for (var s = 0; s < Segments.Count; s++)
        {
            for (var t = 0; t < result.Length; t++)
            {
                result[t] += _customers[(s * Stages.Count) + t];
            }
        }

        return result;
    }

    /// <summary>Cross-tabulates segment and stage indexes.</summary>
    /// <param name="segments">Segment index per customer (or <see cref="SegmentMap.Unassigned"/>).</param>
    /// <param name="segmentNames">The segment names the indexes point into.</param>
    /// <param name="stages">Stage index per customer.</param>
    /// <param name="stageNames">The stage names the indexes point into.</param>
    /// <param name="values">Value per customer (CLV, revenue), or empty to count customers only.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentNullException">A name list is null.</exception>
    /// <exception cref="ArgumentException">Lengths differ, an index is out of range, or a value is NaN or infinite.</exception>
    public static SegmentStageMatrix Build(ReadOnlySpan<int> segments, IReadOnlyList<string> segmentNames, ReadOnlySpan<int> stages, IReadOnlyList<string> stageNames, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(segmentNames);
        ArgumentNullException.ThrowIfNull(stageNames);
        var n = segments.Length;
        if (stages.Length != n || (values.Length != 0 && values.Length != n))
        {
            ThrowHelper.Argument(nameof(stages), FormattableString.Invariant($"segments ({n}), stages ({stages.Length}) and values ({values.Length}) must have the same length (values may be empty); pass one entry per customer."));
        }

        var rows = segmentNames.Count;
        var cols = stageNames.Count;
        var customers = new int[rows * cols];
        var sums = new double[rows * cols];
        var unassigned = 0;
        double unassignedValue = 0;
        for (var i = 0; i < n; i++)
        {
            var v = values.Length == 0 ? 0 : values[i];
            if (!double.IsFinite(v))
            {
                ThrowHelper.Argument(nameof(values), FormattableString.Invariant($"values[{i}] = {v:R} must be finite; remove or impute missing values."));
            }

            if (stages[i] < 0 || stages[i] >= cols)
            {
                ThrowHelper.Argument(nameof(stages), FormattableString.Invariant($"stages[{i}] = {stages[i]} is not an index into the {cols} stage names; pass indexes 0..{cols - 1}."));
            }

            if (segments[i] == SegmentMap.Unassigned)
            {
                unassigned++;
                unassignedValue += v;
                continue;
            }

            if (segments[i] < 0 || segments[i] >= rows)
            {
                ThrowHelper.Argument(nameof(segments), FormattableString.Invariant($"segments[{i}] = {segments[i]} is not an index into the {rows} segment names (or -1 for unassigned); pass indexes 0..{rows - 1}."));
            }

            var cell = (segments[i] * cols) + stages[i];
            customers[cell]++;
            sums[cell] += v;
        }

        return new SegmentStageMatrix([.. segmentNames], [.. stageNames], customers, sums, unassigned, unassignedValue);
    }

    /// <summary>Cross-tabulates segment and stage labels; rows and columns in order of first appearance.</summary>
    /// <param name="segments">Segment label per customer (null for unassigned).</param>
    /// <param name="stages">Stage label per customer (not null).</param>
    /// <param name="values">Value per customer, or empty.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a stage label is null, or a value is NaN or infinite.</exception>
    public static SegmentStageMatrix FromLabels(ReadOnlySpan<string?> segments, ReadOnlySpan<string> stages, ReadOnlySpan<double> values)
    {
        if (stages.Length != segments.Length)
        {
            ThrowHelper.Argument(nameof(stages), FormattableString.Invariant($"segments ({segments.Length}) and stages ({stages.Length}) must have the same length; pass one label per customer."));
        }

        var segmentIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var stageIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var s = new int[segments.Length];
        var t = new int[segments.Length];
        for (var i = 0; i < segments.Length; i++)
        {
            if (stages[i] is null)
            {
                ThrowHelper.Argument(nameof(stages), FormattableString.Invariant($"stages[{i}] is null; every customer needs a stage label."));
            }

            s[i] = segments[i] is { } seg ? Intern(segmentIndex, seg) : SegmentMap.Unassigned;
            t[i] = Intern(stageIndex, stages[i]);
        }

        return Build(s, Names(segmentIndex), t, Names(stageIndex), values);
    }

    private static int Intern(Dictionary<string, int> index, string label)
    {
        if (!index.TryGetValue(label, out var i))
        {
            i = index.Count;
            index.Add(label, i);
        }

        return i;
    }

    private static string[] Names(Dictionary<string, int> index)
    {
        var names = new string[index.Count];
        foreach (var (name, i) in index)
        {
            names[i] = name;
        }

        return names;
    }

    private static int Find(IReadOnlyList<string> names, string name, string paramName)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return ThrowHelper.Argument<int>(paramName, $"'{name}' is not in the matrix; use one of: {string.Join(", ", names)}.");
    }

    private int Index(int segment, int stage)
    {
        if ((uint)segment >= (uint)Segments.Count)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(segment), segment, FormattableString.Invariant($"must be in 0..{Segments.Count - 1}"), "pass a row index");
        }

        if ((uint)stage >= (uint)Stages.Count)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(stage), stage, FormattableString.Invariant($"must be in 0..{Stages.Count - 1}"), "pass a column index");
        }

        return (segment * Stages.Count) + stage;
    }
}
