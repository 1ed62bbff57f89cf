using System.Globalization;
using System.Text;
using DuckDB.NET.Data;

namespace Lifecycle.Cli.Tests;

/// <summary><c>fit --engine</c> and <c>analyze --engine</c>: DuckDB (CSV or Parquet of the same rows) and memory write the same bytes.</summary>
public sealed class FitAnalyzeEngineTests
{
    [Fact]
    public void Analyze_CdnowThroughDuckDbAndParquet_WritesExactlyTheMemoryFiles()
    {
        var csv = CdnowCsv();
        var parquet = ToParquet(csv, "DATE", "%Y%m%d");
        var dirs = new[] { CliRunner.TempDirectory(), CliRunner.TempDirectory(), CliRunner.TempDirectory() };
        try
        {
            string[] common = ["--unit", "weeks", "--calibration-end", "1997-09-30", "--end", "1998-06-30"];
            var memory = CliRunner.Run(["analyze", csv, "--date-format", "yyyyMMdd", "--engine", "memory", "--out", dirs[0], .. common]);
            var duck = CliRunner.Run(["analyze", csv, "--date-format", "yyyyMMdd", "--engine", "duckdb", "--out", dirs[1], .. common]);
            var fromParquet = CliRunner.Run(["analyze", parquet, "--out", dirs[2], .. common]);
            Assert.True(memory.ExitCode == 0, memory.Error);
            Assert.True(duck.ExitCode == 0, duck.Error);
            Assert.True(fromParquet.ExitCode == 0, fromParquet.Error);
            AssertSameFiles(dirs[0], csv, dirs[1], csv);
            AssertSameFiles(dirs[0], csv, dirs[2], parquet);
            Assert.Equal(2358, File.ReadAllLines(Path.Combine(dirs[2], "customers.csv")).Length);
        }
        finally
        {
            File.Delete(csv);
            File.Delete(parquet);
            Array.ForEach(dirs, d => Directory.Delete(d, recursive: true));
        }
    }

    [Fact]
    public void Analyze_GeneratedTimestampsAndRefundsAsParquet_WritesExactlyTheMemoryFiles()
    {
        var csv = GeneratedCsv(seed: 15, customers: 400, transactions: 3000);
        var parquet = ToParquet(csv, "TIMESTAMPTZ", null);
        var dirs = new[] { CliRunner.TempDirectory(), CliRunner.TempDirectory() };
        try
        {
            string[] common = ["--refunds", "exclude", "--period", "week"];
            var memory = CliRunner.Run(["analyze", csv, "--out", dirs[0], .. common]);
            var fromParquet = CliRunner.Run(["analyze", parquet, "--engine", "duckdb", "--out", dirs[1], .. common]);
            Assert.True(memory.ExitCode == 0, memory.Error);
            Assert.True(fromParquet.ExitCode == 0, fromParquet.Error);
            AssertSameFiles(dirs[0], csv, dirs[1], parquet);
        }
        finally
        {
            File.Delete(csv);
            File.Delete(parquet);
            Array.ForEach(dirs, d => Directory.Delete(d, recursive: true));
        }
    }

    [Fact]
    public void Analyze_DuckDbWithRefundsRejected_ExitsTwoNamingTheCustomer()
    {
        var csv = CliRunner.TempFile("customer_id,date,amount\na,2024-01-01,5.00\na,2024-02-01,-1.00\n");
        var dir = CliRunner.TempDirectory();
        try
        {
            var (code, _, error) = CliRunner.Run("analyze", csv, "--engine", "duckdb", "--out", dir);
            Assert.Equal(2, code);
            Assert.Contains("'a'", error, StringComparison.Ordinal);
            Assert.Contains("--refunds exclude", error, StringComparison.Ordinal);
            Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(csv);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Fit_SummaryCsvThroughDuckDbAndParquet_PrintsExactlyTheMemoryModel()
    {
        var tx = CdnowCsv();
        var summary = CliRunner.TempFile(string.Empty);
        var parquet = Path.ChangeExtension(summary, ".parquet");
        try
        {
            var summarized = CliRunner.Run("summarize", tx, "--date-format", "yyyyMMdd", "--unit", "weeks", "--out", summary);
            Assert.True(summarized.ExitCode == 0, summarized.Error);
            Copy($"SELECT * FROM read_csv('{summary}', header = true, types = {{'customer_id': 'VARCHAR'}})", parquet);
            foreach (var model in new[] { "bgnbd", "pareto-nbd" })
            {
                var memory = CliRunner.Run("fit", summary, "--model", model, "--unit", "weeks", "--json", "--engine", "memory");
                var duck = CliRunner.Run("fit", summary, "--model", model, "--unit", "weeks", "--json", "--engine", "duckdb");
                var fromParquet = CliRunner.Run("fit", parquet, "--model", model, "--unit", "weeks", "--json");
                Assert.True(memory.ExitCode == 0, memory.Error);
                Assert.True(duck.ExitCode == 0, duck.Error);
                Assert.True(fromParquet.ExitCode == 0, fromParquet.Error);
                Assert.Contains("\"converged\": true", memory.Out, StringComparison.Ordinal);
                Assert.Equal(memory.Out, duck.Out);
                Assert.Equal(memory.Out, fromParquet.Out);
            }
        }
        finally
        {
            File.Delete(tx);
            File.Delete(summary);
            File.Delete(parquet);
        }
    }

    [Fact]
    public void Fit_TransactionsParquet_EqualsFitOnTheMemorySummary()
    {
        var csv = GeneratedCsv(seed: 7, customers: 300, transactions: 2500, refunds: false);
        var parquet = ToParquet(csv, "TIMESTAMPTZ", null);
        var summary = CliRunner.TempFile(string.Empty);
        try
        {
            var summarized = CliRunner.Run("summarize", csv, "--out", summary, "--engine", "memory");
            Assert.True(summarized.ExitCode == 0, summarized.Error);
            var memory = CliRunner.Run("fit", summary, "--model", "bgnbd", "--json", "--engine", "memory");
            var duck = CliRunner.Run("fit", parquet, "--model", "bgnbd", "--json");
            Assert.True(memory.ExitCode == 0, memory.Error);
            Assert.True(duck.ExitCode == 0, duck.Error);
            Assert.Equal(memory.Out, duck.Out);
        }
        finally
        {
            File.Delete(csv);
            File.Delete(parquet);
            File.Delete(summary);
        }
    }

    [Fact]
    public void Fit_ParquetBreakingACountRule_ExitsTwoNamingCustomerValueAndRule()
    {
        var parquet = Path.Combine(Path.GetTempPath(), "lifecycle-tests-" + Path.GetRandomFileName() + ".parquet");
        try
        {
            Copy("SELECT * FROM (VALUES ('a', 1.0, 2.0, 5.0), ('b', 1.5, 2.0, 5.0)) v(customer_id, frequency, recency, \"T\")", parquet);
            var (code, _, error) = CliRunner.Run("fit", parquet, "--model", "bgnbd");
            Assert.Equal(2, code);
            Assert.Contains("customer 'b'", error, StringComparison.Ordinal);
            Assert.Contains("frequency = 1.5", error, StringComparison.Ordinal);
            Assert.Contains("whole number", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(parquet);
        }
    }

    [Fact]
    public void Fit_GammaGammaOnParquet_ExitsTwoNamingTheMemoryEngine()
    {
        var (code, _, error) = CliRunner.Run("fit", "no-such.parquet", "--model", "gamma-gamma");
        Assert.Equal(2, code);
        Assert.Contains("not found", error, StringComparison.Ordinal);
        var parquet = Path.Combine(Path.GetTempPath(), "lifecycle-tests-" + Path.GetRandomFileName() + ".parquet");
        try
        {
            Copy("SELECT 1.0 AS frequency, 2.0 AS monetary_value", parquet);
            (code, _, error) = CliRunner.Run("fit", parquet, "--model", "gamma-gamma");
            Assert.Equal(2, code);
            Assert.Contains("--engine memory", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(parquet);
        }
    }

    /// <summary>customers.csv byte for byte; summary.json and report.html once the input's name is the same.</summary>
    private static void AssertSameFiles(string expectedDir, string expectedInput, string actualDir, string actualInput)
    {
        foreach (var name in new[] { "customers.csv", "summary.json", "report.html" })
        {
            var expected = File.ReadAllText(Path.Combine(expectedDir, name));
            var actual = File.ReadAllText(Path.Combine(actualDir, name)).Replace(actualInput, expectedInput, StringComparison.Ordinal)
                .Replace(Path.GetFileName(actualInput), Path.GetFileName(expectedInput), StringComparison.Ordinal);
            Assert.True(expected == actual, $"{name} differs between {expectedInput} and {actualInput}");
        }
    }

    private static string CdnowCsv()
    {
        var lines = new List<string> { "customer_id,date,amount" };
        foreach (var line in File.ReadLines(CliRunner.Data("CDNOW_sample.txt")))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 5)
            {
                lines.Add($"{f[0]},{f[2]},{f[4]}");
            }
        }

        return CliRunner.TempFile(string.Join('\n', lines) + "\n");
    }

    /// <summary>
    /// Seeded transactions over 2023–2024 with times of day (several purchases of a customer on one day), some at
    /// midnight exactly (period boundaries), amounts with two decimals (some 0.00), and refunds.
    /// </summary>
    private static string GeneratedCsv(int seed, int customers, int transactions, bool refunds = true)
    {
        var random = new Random(seed);
        var start = new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var sb = new StringBuilder("customer_id,date,amount\n");
        for (var i = 0; i < transactions; i++)
        {
            // Skewed customers: a few buy often, many once or twice.
            var customer = (int)(customers * Math.Pow(random.NextDouble(), 2));
            var day = random.Next(730);
            var seconds = random.Next(4) == 0 ? 0 : random.Next(86_400);
            var at = start.AddDays(day).AddSeconds(seconds);
            var cents = random.Next(10) == 0 ? 0 : random.Next(1, 50_000);
            if (refunds && random.Next(40) == 0)
            {
                cents = -cents;
            }

            sb.Append(CultureInfo.InvariantCulture, $"c{customer:D4},{at:yyyy-MM-dd'T'HH:mm:ss}Z,{cents / 100m:0.00}\n");
        }

        return CliRunner.TempFile(sb.ToString());
    }

    private static string ToParquet(string csv, string dateType, string? dateFormat)
    {
        var parquet = Path.ChangeExtension(csv, ".parquet");
        var format = dateFormat is null ? string.Empty : $", dateformat = '{dateFormat}'";
        var date = dateFormat is null ? $"CAST(date AS {dateType})" : "date";
        Copy($"SELECT customer_id, {date} AS date, CAST(amount AS DECIMAL(18, 2)) AS amount FROM read_csv('{csv}', header = true, types = {{'customer_id': 'VARCHAR', 'date': '{(dateFormat is null ? "VARCHAR" : dateType)}', 'amount': 'VARCHAR'}}{format})", parquet);
        return parquet;
    }

    private static void Copy(string select, string parquet)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SET TimeZone = 'UTC'";
        command.ExecuteNonQuery();
        command.CommandText = $"COPY ({select}) TO '{parquet}' (FORMAT parquet)";
        command.ExecuteNonQuery();
    }
}
