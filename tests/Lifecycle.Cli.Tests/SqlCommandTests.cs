namespace Lifecycle.Cli.Tests;

public sealed class SqlCommandTests
{
    [Fact]
    public void Sql_Postgres_PrintsTheSummarySqlOfCore()
    {
        var (code, output, error) = CliRunner.Run("sql", "--dialect", "postgres", "--table", "sales.tx", "--end", "1998-06-30", "--calibration-end", "1997-09-30", "--unit", "weeks", "--id-column", "Client");
        Assert.True(code == 0, error);
        var options = new SummarizerOptions(new DateTimeOffset(1998, 6, 30, 0, 0, 0, TimeSpan.Zero))
        {
            CalibrationEnd = new DateTimeOffset(1997, 9, 30, 0, 0, 0, TimeSpan.Zero),
            Unit = TimeUnit.Weeks,
            Refunds = RefundPolicy.Exclude,
        };
        Assert.Equal(SummarySql.Summary(SqlDialect.PostgreSql, "sales.tx", new TransactionColumns { CustomerId = "Client" }, options) + ";", output.TrimEnd());
    }

    [Fact]
    public void Sql_Compressed_PrintsWeightedRows()
    {
        var (code, output, _) = CliRunner.Run("sql", "--table", "read_parquet('tx.parquet')", "--end", "1998-06-30", "--compressed");
        Assert.Equal(0, code);
        Assert.Contains("AS weight", output, StringComparison.Ordinal);
        Assert.Contains("FROM read_parquet('tx.parquet') AS t", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Sql_WithoutEnd_ExitsTwoNamingTheOption()
    {
        var (code, _, error) = CliRunner.Run("sql", "--table", "tx");
        Assert.Equal(2, code);
        Assert.Contains("--end is required", error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
    }
}
