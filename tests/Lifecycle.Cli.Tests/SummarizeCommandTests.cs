using System.Globalization;
using System.Text.Json;

namespace Lifecycle.Cli.Tests;

public sealed class SummarizeCommandTests
{
    [Fact]
    public void Summarize_CdnowSampleFile_ReproducesPublishedSummary()
    {
        var (code, output, error) = CliRunner.Run("summarize", CliRunner.Data("CDNOW_sample.txt"), "--format", "cdnow", "--end", "1997-09-30", "--unit", "weeks");
        Assert.Equal(0, code);
        Assert.Contains("2357 customers", error, StringComparison.Ordinal);
        var got = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0]);
        var reference = File.ReadAllLines(CliRunner.Data("cdnow_customers_summary_with_transactions.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(reference.Length, got.Count);
        foreach (var r in reference)
        {
            var g = got[r[0]];
            Assert.Equal(r[1], g[1]);
            for (var k = 2; k <= 4; k++)
            {
                Assert.InRange(Math.Abs(double.Parse(g[k], CultureInfo.InvariantCulture) - double.Parse(r[k], CultureInfo.InvariantCulture)), 0, 0.005 + 1e-9);
            }
        }
    }

    [Fact]
    public void Summarize_NoFile_UsesEmbeddedSample()
    {
        var (code, output, _) = CliRunner.Run("summarize", "--end", "1997-09-30", "--unit", "weeks");
        Assert.Equal(0, code);
        Assert.StartsWith("customer_id,frequency,recency,T,monetary_value", output, StringComparison.Ordinal);
        Assert.Contains("\n1,2,30.428571428571427,38.857142857142854,22.345,", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Summarize_CsvWithCalibrationEnd_AddsHoldoutColumnsAndJson()
    {
        var file = CliRunner.TempFile("customer_id,date,amount\na,2024-01-01,10\na,2024-01-05,20\na,2024-01-15,7.5\nb,2024-01-12,3\n");
        var (code, output, _) = CliRunner.Run("summarize", file, "--end", "2024-01-20", "--calibration-end", "2024-01-10", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("customers").GetInt32());
        Assert.Equal(1, root.GetProperty("counts").GetProperty("holdoutOnlyCustomers").GetInt32());
        var a = root.GetProperty("summaries")[0];
        Assert.Equal("a", a.GetProperty("customerId").GetString());
        Assert.Equal(1, a.GetProperty("frequency").GetDouble());
        Assert.Equal(4, a.GetProperty("recency").GetDouble());
        Assert.Equal(9, a.GetProperty("t").GetDouble());
        Assert.Equal(1, a.GetProperty("frequencyHoldout").GetDouble());
        Assert.Equal(7.5, a.GetProperty("monetaryValueHoldout").GetDouble());
        Assert.Equal(10, root.GetProperty("holdoutDuration").GetDouble());
    }

    [Fact]
    public void Summarize_OutFile_WritesCsv()
    {
        var file = CliRunner.TempFile("customer_id,date,amount\n=cmd,2024-01-01,10\n");
        var target = Path.Combine(CliRunner.TempDirectory(), "summary.csv");
        var (code, output, _) = CliRunner.Run("summarize", file, "--out", target);
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("\n'=cmd,0,0,0,0,", File.ReadAllText(target), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("customer_id,date,amount\na,2024-01-01,10\nb,2024-13-01,5\n", ":3:2:", "column 'date': '2024-13-01' is not a calendar date")]
    [InlineData("customer_id,date,amount\na,2024-01-01,ten\n", ":2:3:", "column 'amount': 'ten' is not a number")]
    [InlineData("customer_id,date,amount\na,2024-01-01,NaN\n", ":2:3:", "'NaN' is not a number")]
    [InlineData("customer_id,date,amount\na,2024-01-01,-4\n", ":2:3:", "negative")]
    [InlineData("customer_id,date,amount\na,2024-01-01\n", ":2:3:", "ragged row: 2 fields where the header has 3")]
    [InlineData("customer_id,amount\na,1\n", ":1:", "missing column(s) 'date'")]
    [InlineData(",2024-01-01,1\n", ":1:", "missing column(s) 'customer_id'")]
    [InlineData("customer_id,date,amount\n,2024-01-01,1\n", ":2:1:", "column 'customer_id': '' is empty")]
    [InlineData("", ":1:", "the file is empty")]
    public void Summarize_BadInput_ExitsWith2NamingFileLineColumn(string content, string location, string problem)
    {
        var file = CliRunner.TempFile(content);
        var (code, _, error) = CliRunner.Run("summarize", file);
        Assert.Equal(2, code);
        Assert.Contains(file + location, error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Summarize_HeaderOnly_WritesEmptySummaryWithExit0()
    {
        var file = CliRunner.TempFile("customer_id,date,amount\n");
        var (code, output, error) = CliRunner.Run("summarize", file);
        Assert.Equal(0, code);
        Assert.Equal("customer_id,frequency,recency,T,monetary_value,first_purchase,last_purchase,transactions,total_spend", output.Trim());
        Assert.Contains("0 transactions, 0 customers", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Summarize_RefundsExclude_CountsThem()
    {
        var file = CliRunner.TempFile("customer_id,date,amount\na,2024-01-01,10\na,2024-01-02,-10\n");
        var (code, _, error) = CliRunner.Run("summarize", file, "--refunds", "exclude");
        Assert.Equal(0, code);
        Assert.Contains("1 refunds", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Summarize_MissingFile_ExitsWith2()
    {
        var (code, _, error) = CliRunner.Run("summarize", "/no/such/file.csv");
        Assert.Equal(2, code);
        Assert.Contains("file not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOption_ExitsWith2()
    {
        var (code, _, error) = CliRunner.Run("summarize", "--unit", "months");
        Assert.Equal(2, code);
        Assert.Contains("months", error, StringComparison.Ordinal);
    }
}
