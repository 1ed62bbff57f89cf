using System.Reflection;
using Lifecycle.Cli.IO;

namespace Lifecycle.Cli;

/// <summary>
/// The CDNOW 1/10 sample (2,357 customers, 6,919 transactions, 1997-01-01..1998-06-30) embedded in the tool, so a
/// newcomer can run it without a file. Source: Fader, Hardie &amp; Lee (2005); distributed with the MIT-licensed
/// lifetimes package (see SampleData/ATTRIBUTION.md).
/// </summary>
internal static class SampleData
{
    public const string DisplayName = "<embedded CDNOW sample>";

    /// <summary>The calibration end used throughout the literature for this sample.</summary>
    public static readonly DateTimeOffset CalibrationEnd = new(1997, 9, 30, 0, 0, 0, TimeSpan.Zero);

    public static Stream Open() =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream("Lifecycle.Cli.SampleData.CDNOW_sample.txt")
            ?? throw new InvalidOperationException("The embedded CDNOW sample is missing from the tool.");

    public static IEnumerable<TransactionRow> Read() => TransactionCsvReader.Read(Open(), DisplayName, new TransactionFileOptions { Format = "cdnow" });
}

/// <summary>Where a verb's transactions come from: a file, or the embedded sample when no file is given.</summary>
internal sealed class TransactionSource(string? path, TransactionFileOptions options)
{
    public string Name => path ?? SampleData.DisplayName;

    public bool IsSample => path is null;

    public IEnumerable<TransactionRow> Read() => path is null ? SampleData.Read() : TransactionCsvReader.ReadFile(path, options);

    /// <summary>The last transaction date (a first pass), used as the observation end when none is given.</summary>
    public DateTimeOffset LastDate() =>
        TryLastDate() ?? throw CliInputException.At(Name, 2, 1, "no transactions: the file has a header but no rows; add transactions or check the file");

    /// <summary>The last transaction date, or null for a file with a header and no rows.</summary>
    public DateTimeOffset? TryLastDate()
    {
        DateTimeOffset? last = null;
        foreach (var row in Read())
        {
            if (last is null || row.Timestamp > last)
            {
                last = row.Timestamp;
            }
        }

        return last;
    }
}
