using System.Globalization;
using System.Reflection;
using DuckDB.NET.Data;

namespace Lifecycle.DuckDB.Tests;

/// <summary>Test data, loading into DuckDB, and exact comparison of summary sets.</summary>
internal static class TestSupport
{
    public static readonly DateTimeOffset CdnowEnd = new(1998, 6, 30, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset CdnowCalibrationEnd = new(1997, 9, 30, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The CDNOW sample (see TestData/ATTRIBUTION.md) as transactions, ids as the file writes them.</summary>
    public static Transaction<string>[] Cdnow()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("TestData.CDNOW_sample.txt")
            ?? throw new FileNotFoundException("embedded CDNOW_sample.txt is missing");
        using var reader = new StreamReader(stream);
        var list = new List<Transaction<string>>();
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 5)
            {
                continue;
            }

            var date = DateTime.ParseExact(f[2], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            list.Add(new Transaction<string>(f[0], new DateTimeOffset(date, TimeSpan.Zero), decimal.Parse(f[4], CultureInfo.InvariantCulture)));
        }

        return [.. list];
    }

    /// <summary>Creates table <paramref name="table"/>(customer_id VARCHAR, date TIMESTAMP, amount VARCHAR) with the rows.</summary>
    /// <remarks>Amounts go in as text, as a CSV holds them, so the scale as written (58.9 vs 58.90) reaches DuckDB too.</remarks>
    public static void Load(DuckDBConnection connection, string table, IEnumerable<Transaction<string>> rows)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = $"CREATE OR REPLACE TABLE {table} (customer_id VARCHAR, date TIMESTAMP, amount VARCHAR)";
            create.ExecuteNonQuery();
        }

        using var appender = connection.CreateAppender(table);
        foreach (var t in rows)
        {
            // TIMESTAMP without zone holds the UTC instant (epoch_us reads it as UTC).
            appender.CreateRow().AppendValue(t.CustomerId).AppendValue(t.Timestamp.UtcDateTime).AppendValue(t.Amount.ToString(CultureInfo.InvariantCulture)).EndRow();
        }
    }

    /// <summary>Null when every column and count is identical, else the first difference.</summary>
    public static string? Difference(SummarySet<string> expected, SummarySet<string> actual)
    {
        if (expected.Count != actual.Count)
        {
            return $"count {expected.Count} vs {actual.Count}";
        }

        if (expected.Counts != actual.Counts)
        {
            return $"counts {expected.Counts} vs {actual.Counts}";
        }

        if (expected.HasHoldout != actual.HasHoldout || expected.HoldoutDuration != actual.HoldoutDuration || expected.Unit != actual.Unit)
        {
            return $"holdout {expected.HasHoldout}/{expected.HoldoutDuration} vs {actual.HasHoldout}/{actual.HoldoutDuration}";
        }

        for (var i = 0; i < expected.Count; i++)
        {
            var id = expected.Ids[i];
            if (id != actual.Ids[i])
            {
                return $"row {i}: id {id} vs {actual.Ids[i]}";
            }

            // Exact equality on purpose: the same .NET arithmetic finishes both.
            if (expected.Frequency[i] != actual.Frequency[i] || expected.Recency[i] != actual.Recency[i] || expected.T[i] != actual.T[i])
            {
                return FormattableString.Invariant($"{id}: (x, t_x, T) ({expected.Frequency[i]}, {expected.Recency[i]}, {expected.T[i]}) vs ({actual.Frequency[i]}, {actual.Recency[i]}, {actual.T[i]})");
            }

            if (expected.MonetaryValue[i] != actual.MonetaryValue[i] || expected.TotalSpend[i].ToString(CultureInfo.InvariantCulture) != actual.TotalSpend[i].ToString(CultureInfo.InvariantCulture) || expected.TransactionCount[i] != actual.TransactionCount[i])
            {
                return FormattableString.Invariant($"{id}: monetary {expected.MonetaryValue[i]:R}/{expected.TotalSpend[i]}/{expected.TransactionCount[i]} vs {actual.MonetaryValue[i]:R}/{actual.TotalSpend[i]}/{actual.TransactionCount[i]}");
            }

            if (expected.FirstPurchase[i] != actual.FirstPurchase[i] || expected.LastPurchase[i] != actual.LastPurchase[i])
            {
                return $"{id}: first/last {expected.FirstPurchase[i]:O}/{expected.LastPurchase[i]:O} vs {actual.FirstPurchase[i]:O}/{actual.LastPurchase[i]:O}";
            }

            if (expected.HasHoldout && (expected.HoldoutFrequency[i] != actual.HoldoutFrequency[i] || expected.HoldoutMonetaryValue[i] != actual.HoldoutMonetaryValue[i]))
            {
                return FormattableString.Invariant($"{id}: holdout {expected.HoldoutFrequency[i]}/{expected.HoldoutMonetaryValue[i]:R} vs {actual.HoldoutFrequency[i]}/{actual.HoldoutMonetaryValue[i]:R}");
            }
        }

        return null;
    }

    /// <summary>Null when the compressed rows are identical, else the first difference.</summary>
    public static string? Difference(CompressedSummaries expected, CompressedSummaries actual)
    {
        if (expected.Count != actual.Count || expected.Unit != actual.Unit)
        {
            return $"rows {expected.Count} vs {actual.Count}";
        }

        for (var i = 0; i < expected.Count; i++)
        {
            if (expected.Frequency[i] != actual.Frequency[i] || expected.Recency[i] != actual.Recency[i] || expected.T[i] != actual.T[i] || expected.Weight[i] != actual.Weight[i])
            {
                return FormattableString.Invariant($"row {i}: ({expected.Frequency[i]}, {expected.Recency[i]}, {expected.T[i]}, w {expected.Weight[i]}) vs ({actual.Frequency[i]}, {actual.Recency[i]}, {actual.T[i]}, w {actual.Weight[i]})");
            }
        }

        return null;
    }

    public static SummarySet<string> InMemory(IEnumerable<Transaction<string>> rows, SummarizerOptions options)
    {
        var s = new TransactionSummarizer<string>(options);
        foreach (var t in rows)
        {
            s.Add(t);
        }

        return s.Build();
    }
}
