namespace Lifecycle.DuckDB.Tests;

/// <summary>The docs/scale.md example, kept compiling and running (on CDNOW-sized generated files).</summary>
public sealed class DocsExampleTests
{
    [Fact]
    public void ScaleDocsExample_RunsAndFits()
    {
        var folder = Directory.CreateTempSubdirectory("lifecycle-docs-");
        try
        {
            var rows = TestSupport.Cdnow().Select(t => t with { Timestamp = t.Timestamp.AddYears(27) }).ToArray();
            Directory.CreateDirectory(Path.Combine(folder.FullName, "tx"));
            var csv = Path.Combine(folder.FullName, "tx.csv");
            File.WriteAllLines(csv, ["customer_id,date,amount", .. rows.Select(t => FormattableString.Invariant($"{t.CustomerId},{t.Timestamp:yyyyMMdd},{t.Amount}"))]);
            using (var setup = new DuckDbSummarizer())
            using (var copy = setup.Connection.CreateCommand())
            {
                copy.CommandText = $"COPY (SELECT * FROM read_csv('{csv}', header = true, dateformat = '%Y%m%d', types = {{'customer_id': 'VARCHAR', 'date': 'DATE'}})) TO '{Path.Combine(folder.FullName, "tx", "part-0.parquet")}' (FORMAT parquet)";
                copy.ExecuteNonQuery();
            }

            Environment.CurrentDirectory = folder.FullName;

            // --- docs/scale.md, "Embedded DuckDB" (dates moved to 2024-2025 so the example's window applies) ---
            var options = new SummarizerOptions(new DateTimeOffset(2024, 12, 31, 0, 0, 0, TimeSpan.Zero))
            {
                CalibrationEnd = new DateTimeOffset(2024, 9, 30, 0, 0, 0, TimeSpan.Zero),
                Unit = TimeUnit.Weeks,
            };
            using var duck = new DuckDbSummarizer(new DuckDbEngineOptions { MemoryLimitBytes = 2L << 30 });
            CompressedSummaries compressed = duck.SummarizeCompressed(DuckDbSource.Parquet("tx/*.parquet"), options);
            SummarySet<string> all = duck.Summarize(DuckDbSource.Csv("tx.csv", dateFormat: "%Y%m%d"), options);
            var fit = Lifecycle.Clv.BgNbdModel.Fit(compressed);

            // ---
            Assert.True(fit.Converged);
            Assert.Equal(all.Count, compressed.TotalWeight);
            Assert.Null(TestSupport.Difference(all.Compress(), compressed));
        }
        finally
        {
            Environment.CurrentDirectory = Path.GetTempPath();
            folder.Delete(recursive: true);
        }
    }
}
