using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

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

/// <summary>Reads summary CSVs (CLI.md "Summary CSV"), accepting the lifetimes/CDNOW aliases ID, x, t_x, age, zbar.</summary>
internal static class SummaryCsvReader
{
    private static readonly string[] IdNames = ["customer_id", "id"];
    private static readonly string[] FrequencyNames = ["frequency", "x"];
    private static readonly string[] RecencyNames = ["recency", "t_x"];
    private static readonly string[] AgeNames = ["T", "age"];
    private static readonly string[] MonetaryNames = ["monetary_value", "zbar"];
    private static readonly string[] WeightNames = ["weight", "weights"];

    public static SummaryFile ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliInputException($"{path}: file not found; pass the path of a summary CSV (customer_id,frequency,recency,T[,monetary_value]).");
        }

        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path);
    }

    public static SummaryFile Read(TextReader reader, string file)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, MissingFieldFound = null, TrimOptions = TrimOptions.Trim };
        using var csv = new CsvReader(reader, config, leaveOpen: true);
        if (!csv.Read())
        {
            throw CliInputException.At(file, 1, "the file is empty; expected a header row customer_id,frequency,recency,T[,monetary_value][,weight]");
        }

        csv.ReadHeader();
        var header = csv.HeaderRecord ?? [];
        var id = Find(header, IdNames);
        var f = Find(header, FrequencyNames);
        var r = Find(header, RecencyNames);
        var t = Find(header, AgeNames);
        var m = Find(header, MonetaryNames);
        var w = Find(header, WeightNames);
        var missing = new List<string>();
        if (f < 0)
        {
            missing.Add("frequency (or x)");
        }

        if (r < 0)
        {
            missing.Add("recency (or t_x)");
        }

        if (t < 0)
        {
            missing.Add("T (or age)");
        }

        if (id < 0 && w < 0)
        {
            missing.Add("customer_id (or ID)");
        }

        if (missing.Count > 0)
        {
            throw CliInputException.At(file, 1, $"missing column(s) {string.Join(", ", missing)}; the header has {string.Join(",", header)}. Expected customer_id,frequency,recency,T[,monetary_value][,weight]");
        }

        var ids = new List<string>();
        var fs = new List<double>();
        var rs = new List<double>();
        var ts = new List<double>();
        var ms = new List<double>();
        var ws = new List<double>();
        var lines = new List<long>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            if (csv.Parser.Count == 1 && string.IsNullOrWhiteSpace(csv.Parser[0]))
            {
                continue;
            }

            if (csv.Parser.Count != header.Length)
            {
                throw CliInputException.At(file, line, $"ragged row: expected {header.Length} fields as in the header, found {csv.Parser.Count}");
            }

            string customer;
            if (id >= 0)
            {
                customer = csv.Parser[id];
                if (string.IsNullOrWhiteSpace(customer))
                {
                    throw CliInputException.At(file, line, id + 1, header[id], "the customer id is empty");
                }

                if (!seen.Add(customer))
                {
                    throw CliInputException.At(file, line, id + 1, header[id], $"customer id '{customer}' appears more than once; a summary has one row per customer");
                }
            }
            else
            {
                customer = (ids.Count + 1).ToString(CultureInfo.InvariantCulture);
            }

            var frequency = Number(csv.Parser[f], file, line, f, header[f]);
            var recency = Number(csv.Parser[r], file, line, r, header[r]);
            var age = Number(csv.Parser[t], file, line, t, header[t]);
            if (recency > age)
            {
                throw CliInputException.At(file, line, r + 1, header[r], FormattableString.Invariant($"recency {recency} is greater than T = {age}; recency and T are both measured from the first purchase, so recency <= T"));
            }

            if (frequency == 0 && recency != 0)
            {
                throw CliInputException.At(file, line, r + 1, header[r], FormattableString.Invariant($"recency {recency} must be 0 when frequency is 0 (no repeat purchase)"));
            }

            ids.Add(customer);
            fs.Add(frequency);
            rs.Add(recency);
            ts.Add(age);
            ms.Add(m >= 0 ? Number(csv.Parser[m], file, line, m, header[m]) : 0.0);
            ws.Add(w >= 0 ? Number(csv.Parser[w], file, line, w, header[w]) : 1.0);
            lines.Add(line);
        }

        return new SummaryFile
        {
            Ids = [.. ids],
            Frequency = [.. fs],
            Recency = [.. rs],
            T = [.. ts],
            MonetaryValue = [.. ms],
            HasMonetaryValue = m >= 0,
            Weights = w >= 0 ? [.. ws] : null,
            Lines = [.. lines],
        };
    }

    internal static double Number(string text, string file, long line, int index, string column)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw CliInputException.At(file, line, index + 1, column, $"cannot read '{text}' as a finite number; expected a value such as 2 or 30.43");
        }

        if (value < 0)
        {
            throw CliInputException.At(file, line, index + 1, column, FormattableString.Invariant($"the value {value} is negative; counts, times, values and weights must be >= 0"));
        }

        return value;
    }

    internal static int Find(string[] header, string[] names)
    {
        // Exact (case-sensitive) match first, so 'T' and 't' stay distinct where both exist; then case-insensitive.
        foreach (var name in names)
        {
            var i = Array.FindIndex(header, h => string.Equals(h.Trim(), name, StringComparison.Ordinal));
            if (i >= 0)
            {
                return i;
            }
        }

        foreach (var name in names)
        {
            var i = Array.FindIndex(header, h => string.Equals(h.Trim(), name, StringComparison.OrdinalIgnoreCase));
            if (i >= 0)
            {
                return i;
            }
        }

        return -1;
    }
}
