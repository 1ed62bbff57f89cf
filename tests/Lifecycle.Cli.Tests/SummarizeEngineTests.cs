using DuckDB.NET.Data;

namespace Lifecycle.Cli.Tests;

/// <summary><c>summarize --engine</c>: DuckDB and memory print the same bytes.</summary>
public sealed class SummarizeEngineTests
{
    [Fact]
    public void Summarize_DuckDbEngineOnCdnowCsv_PrintsExactlyTheMemoryOutput()
    {
        var csv = CdnowCsv(withRefund: true);
        try
        {
            string[] common = ["summarize", csv, "--date-format", "yyyyMMdd", "--calibration-end", "1997-09-30", "--unit", "weeks", "--refunds", "exclude"];
            var memory = CliRunner.Run([.. common, "--engine", "memory"]);
            var duck = CliRunner.Run([.. common, "--engine", "duckdb"]);
            Assert.True(memory.ExitCode == 0, memory.Error);
            Assert.True(duck.ExitCode == 0, duck.Error);
            Assert.Equal(2358, memory.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Equal(memory.Out, duck.Out);
            Assert.Equal(memory.Error, duck.Error);
            Assert.Contains("1 refunds", duck.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public void Summarize_Parquet_AutoPicksDuckDbAndMatchesTheCsv()
    {
        var csv = CdnowCsv(withRefund: false);
        var parquet = Path.ChangeExtension(csv, ".parquet");
        try
        {
            using (var connection = new DuckDBConnection("DataSource=:memory:"))
            {
                connection.Open();
                using var copy = connection.CreateCommand();
                copy.CommandText = $"COPY (SELECT * FROM read_csv('{csv}', header = true, dateformat = '%Y%m%d', types = {{'customer_id': 'VARCHAR', 'date': 'DATE', 'amount': 'DECIMAL(18, 2)'}})) TO '{parquet}' (FORMAT parquet)";
                copy.ExecuteNonQuery();
            }

            var fromCsv = CliRunner.Run("summarize", csv, "--date-format", "yyyyMMdd", "--engine", "memory");
            var fromParquet = CliRunner.Run("summarize", parquet);
            Assert.True(fromParquet.ExitCode == 0, fromParquet.Error);
            Assert.Equal(fromCsv.Out, fromParquet.Out);
        }
        finally
        {
            File.Delete(csv);
            File.Delete(parquet);
        }
    }

    [Fact]
    public void Summarize_ParquetWithMemoryEngine_ExitsTwoNamingTheFix()
    {
        var (code, _, error) = CliRunner.Run("summarize", "tx.parquet", "--engine", "memory");
        Assert.Equal(2, code);
        Assert.Contains("use --engine duckdb", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Summarize_DuckDbEngineMissingColumn_ExitsTwoNamingTheOptions()
    {
        var csv = CliRunner.TempFile("client,date,amount\na,2024-01-01,1.5\n");
        try
        {
            var (code, _, error) = CliRunner.Run("summarize", csv, "--engine", "duckdb");
            Assert.Equal(2, code);
            Assert.Contains("--id-column", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    private static string CdnowCsv(bool withRefund)
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

        if (withRefund)
        {
            lines.Add("00004,19970305,-3.25");
        }

        return CliRunner.TempFile(string.Join('\n', lines) + "\n");
    }
}
