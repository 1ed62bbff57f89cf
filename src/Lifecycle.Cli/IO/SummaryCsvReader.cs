using Lifecycle.IO;

namespace Lifecycle.Cli.IO;

/// <summary>A summary CSV as read: one row per customer, or compressed rows with weights.</summary>
internal sealed class SummaryFile
{
    public required string[] Ids { get; init; }

    public required double[] Frequency { get; init; }

    public required double[] Recency { get; init; }

    public required double[] T { get; init; }

    /// <summary>Mean repeat value per row; all zero when the file has no monetary column.</summary>
    public required double[] MonetaryValue { get; init; }

    public required bool HasMonetaryValue { get; init; }

    /// <summary>Row weights, or null when every row is one customer.</summary>
    public double[]? Weights { get; init; }

    /// <summary>The 1-based file line of each row, for error messages.</summary>
    public required long[] Lines { get; init; }

    public int Count => Ids.Length;

    /// <summary>Compressed rows for model fitting (weights applied).</summary>
    public CompressedSummaries Compress(TimeUnit unit) => CompressedSummaries.Create(Frequency, Recency, T, Weights ?? [], unit);
}

/// <summary>Reads summary CSVs through <see cref="SummaryCsv"/> (CLI.md "Summary CSV").</summary>
internal static class SummaryCsvReader
{
    public static SummaryFile ReadFile(string path)
    {
        var table = SummaryCsv.ReadFile(path);
        return new SummaryFile
        {
            Ids = [.. table.Ids],
            Frequency = [.. table.Frequency],
            Recency = [.. table.Recency],
            T = [.. table.T],
            MonetaryValue = table.MonetaryValue is { } m ? [.. m] : new double[table.Count],
            HasMonetaryValue = table.MonetaryValue is not null,
            Weights = table.Weights is { } w ? [.. w] : null,
            Lines = [.. table.Lines],
        };
    }
}
