using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lifecycle.Cli.Tests;

public sealed class AnalyzeCommandTests
{
    /// <summary>A seeded file of customers who buy at individual rates and stop at individual times.</summary>
    internal static string GeneratedTransactions(int customers, int seed, string? extraRow = null)
    {
        var random = new Random(seed);
        var start = new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var sb = new StringBuilder("customer_id,date,amount\n");
        for (var c = 0; c < customers; c++)
        {
            var day = random.Next(200);
            var stop = day + random.Next(30, 500);
            var gap = 5 + random.Next(80);
            while (day < 540 && day < stop)
            {
                sb.Append(CultureInfo.InvariantCulture, $"cust{c},{start.AddDays(day):yyyy-MM-dd},{(5 + random.Next(20_000) / 100.0).ToString("0.00", CultureInfo.InvariantCulture)}\n");
                day += 1 + random.Next(2 * gap);
            }
        }

        if (extraRow is not null)
        {
            sb.Append(extraRow).Append('\n');
        }

        return CliRunner.TempFile(sb.ToString());
    }

    [Fact]
    public void Analyze_EmbeddedSample_WritesReportCustomersAndSummary()
    {
        var dir = Path.Combine(CliRunner.TempDirectory(), "report");
        var (code, output, error) = CliRunner.Run("analyze", "--unit", "weeks", "--out", dir);
        Assert.True(code == 0, error);
        Assert.Contains("Analysed 6,919 transactions of 2,357 customers", output, StringComparison.Ordinal);
        Assert.Contains("Lifecycle stages", output, StringComparison.Ordinal);
        Assert.Equal(2358, File.ReadAllLines(Path.Combine(dir, "customers.csv")).Length);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        var root = doc.RootElement;
        Assert.Equal(2357, root.GetProperty("customers").GetInt32());
        Assert.Equal("weeks", root.GetProperty("unit").GetString());
        // The holdout ranks all three models; the winner is refitted on all data and is the one model in "models".
        var selected = root.GetProperty("selectedModel").GetString()!;
        var chosen = root.GetProperty("models").GetProperty(selected);
        Assert.True(chosen.GetProperty("converged").GetBoolean());
        foreach (var p in chosen.GetProperty("parameters").EnumerateObject())
        {
            Assert.True(p.Value.GetDouble() > 0, p.Name);
        }

        Assert.Equal("1997-09-30", root.GetProperty("holdout").GetProperty("calibrationEnd").GetString());
        var holdout = root.GetProperty("holdout");
        Assert.Equal(3, holdout.GetProperty("rankings").GetArrayLength());
        Assert.Equal(holdout.GetProperty("rankings")[0].GetProperty("model").GetString(), selected);
        Assert.Equal(8, holdout.GetProperty("byCalibrationFrequency").GetProperty("bgnbd").GetArrayLength());
        Assert.True(root.GetProperty("models").GetProperty("gammaGamma").GetProperty("converged").GetBoolean());
        Assert.Equal(2357, root.GetProperty("stages").EnumerateArray().Sum(s => s.GetProperty("customers").GetInt32()));
        Assert.Equal(2357, root.GetProperty("segments").EnumerateArray().Sum(s => s.GetProperty("customers").GetInt32()));
        Assert.True(root.GetProperty("churn").GetProperty("periods").GetArrayLength() >= 12);

        var html = File.ReadAllText(Path.Combine(dir, "report.html"));
        foreach (var chart in new[] { "stage-funnel", "stage-distribution", "cohort-retention", "calibration-holdout", "p-alive", "value-distribution", "pareto", "rfm-map", "tracking-incremental", "tracking-cumulative", "survival", "churn-rate" })
        {
            Assert.Contains($"data-chart=\"{chart}\"", html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_GeneratedFile_JsonHasTheSameStructure()
    {
        var file = GeneratedTransactions(400, seed: 7);
        var dir = Path.Combine(CliRunner.TempDirectory(), "out");
        var (code, output, error) = CliRunner.Run("analyze", file, "--out", dir, "--period", "quarter", "--calibration-end", "2024-01-31", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(400, doc.RootElement.GetProperty("customers").GetInt32());
        Assert.Equal("quarter", doc.RootElement.GetProperty("churn").GetProperty("period").GetString());
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "summary.json")), output);
    }

    [Fact]
    public void Analyze_UserStrings_AreEscapedAndDefused()
    {
        var file = GeneratedTransactions(60, seed: 3, extraRow: "\"<script>alert(1)</script>\",2024-01-05,10\n=HYPERLINK(\"x\"),2024-01-06,20");
        var dir = Path.Combine(CliRunner.TempDirectory(), "out");
        var (code, _, error) = CliRunner.Run("analyze", file, "--out", dir);
        Assert.True(code == 0, error);
        var html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        var csv = File.ReadAllText(Path.Combine(dir, "customers.csv"));
        Assert.Contains("\"'=HYPERLINK(\"\"x\"\")\"", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("\n=HYPERLINK", csv, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", ":1:", "the file is empty")]
    [InlineData("customer_id,date,amount\n", "", "no transactions")]
    [InlineData("customer_id,day,amount\na,2024-01-01,1\n", ":1:", "missing column(s) 'date'")]
    [InlineData("customer_id,date,amount\na,2024-01-01,1,9\n", ":2:", "ragged row")]
    [InlineData("customer_id,date,amount\na,01/02/2024,1\n", ":2:2:", "'01/02/2024' is not an ISO 8601")]
    [InlineData("customer_id,date,amount\na,2024-01-01,1\na,2024-01-02,$4\n", ":3:3:", "'$4' is not a number")]
    [InlineData("customer_id,date,amount\na,2024-01-01,1\na,2024-01-02,-4\n", ":3:3:", "negative")]
    public void Analyze_BadInput_ExitsWith2AndWritesNothing(string content, string location, string problem)
    {
        var file = CliRunner.TempFile(content);
        var dir = Path.Combine(CliRunner.TempDirectory(), "out");
        var (code, _, error) = CliRunner.Run("analyze", file, "--out", dir);
        Assert.Equal(2, code);
        Assert.Contains(file + location, error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
        Assert.Empty(Directory.GetFileSystemEntries(Path.GetDirectoryName(dir)!));
    }

    [Fact]
    public void Analyze_DateAfterExplicitEnd_ExitsWith2UnlessExcluded()
    {
        var file = GeneratedTransactions(50, seed: 5, extraRow: "late,2030-01-01,5");
        var lines = File.ReadAllLines(file).Length;
        var dir = Path.Combine(CliRunner.TempDirectory(), "out");
        var (code, _, error) = CliRunner.Run("analyze", file, "--end", "2024-12-31", "--out", dir);
        Assert.Equal(2, code);
        Assert.Contains($"{file}:{lines}:2:", error, StringComparison.Ordinal);
        Assert.Contains("after the observation end", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));

        (code, _, error) = CliRunner.Run("analyze", file, "--end", "2024-12-31", "--exclude-after-end", "--out", dir, "--json");
        Assert.True(code == 0, error);
    }

    [Fact]
    public void Analyze_FailureKeepsPreviousOutput()
    {
        var dir = Path.Combine(CliRunner.TempDirectory(), "out");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "report.html"), "previous");
        var (code, _, _) = CliRunner.Run("analyze", CliRunner.TempFile("customer_id,date,amount\na,bad,1\n"), "--out", dir);
        Assert.Equal(2, code);
        Assert.Equal("previous", File.ReadAllText(Path.Combine(dir, "report.html")));
        Assert.Single(Directory.GetFileSystemEntries(Path.GetDirectoryName(dir)!));
    }

    [Fact]
    public void Analyze_AtRiskNotBeforeChurned_ExitsWith2()
    {
        var (code, _, error) = CliRunner.Run("analyze", "--at-risk-days", "200", "--churned-days", "100");
        Assert.Equal(2, code);
        Assert.Contains("--churned-days", error, StringComparison.Ordinal);
    }
}
