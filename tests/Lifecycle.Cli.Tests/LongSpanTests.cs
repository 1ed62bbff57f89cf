using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lifecycle.Cli.Tests;

/// <summary>
/// Churn and cohorts are bounded by the data, not by the date span (issue 14): two purchases 2,500 years apart ran out
/// of memory (a dense 30,000 × 30,000 cohort triangle), and 63 lines over 1500–2024 wrote 219 MB.
/// </summary>
public sealed class LongSpanTests
{
    private const string TwoRows = """
        customer_id,date,amount
        a,0001-01-01,10
        b,2500-06-30,20
        """;

    [Fact]
    public void Churn_TwoRowsYears1To2500_WritesASmallTableWithQuietRunsMerged()
    {
        WithFile(TwoRows, file =>
        {
            var (code, output, error) = CliRunner.Run("churn", file);
            Assert.True(code == 0, error);
            Assert.True(output.Length < 10_000, FormattableString.Invariant($"{output.Length} characters"));
            Assert.Contains("0001-07 … 2500-05 (29,987 periods, no change)", output, StringComparison.Ordinal);

            // One cohort per customer; the 29,992 empty cohorts and the ages at which nobody bought are left out.
            var cohortLines = output[output.IndexOf("Cohort retention", StringComparison.Ordinal)..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["cohort   size       +0", "0001-01     1  100.0 %", "2500-06     1  100.0 %"], cohortLines[1..].Select(l => l.TrimEnd()));
        });
    }

    [Fact]
    public void Churn_TwoRowsYears1To2500_Json_IsRefusedWithTheCountAndTheWayOut()
    {
        WithFile(TwoRows, file =>
        {
            var (code, output, error) = CliRunner.Run("churn", file, "--json");
            Assert.Equal(2, code);
            Assert.Empty(output);
            Assert.StartsWith("error: " + file + ": --json writes every cohort × age cell", error, StringComparison.Ordinal);
            Assert.Contains("449,835,015 cells", error, StringComparison.Ordinal);
            Assert.Contains("--period", error, StringComparison.Ordinal);
            Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Churn_63LinesOver1500To2024_StaysSmall()
    {
        WithFile(Centuries(), file =>
        {
            var (code, output, error) = CliRunner.Run("churn", file);
            Assert.True(code == 0, error);
            Assert.True(output.Length < 200_000, FormattableString.Invariant($"{output.Length} characters"));

            // The dense JSON of 2,096 quarters would be 2.2M cells: refused, and no longer period is offered.
            var (qCode, json, qError) = CliRunner.Run("churn", file, "--period", "quarter", "--json");
            Assert.Equal(2, qCode);
            Assert.Empty(json);
            Assert.Contains("2,096 quarters from 1500-Q1 to 2023-Q4 make 2,197,656 cells", qError, StringComparison.Ordinal);
            Assert.DoesNotContain("longer --period", qError, StringComparison.Ordinal);

            // A century of quarters fits: the JSON has every customer.
            var recent = Centuries().Split('\n').Where(l => l.Length > 0 && (l.StartsWith("customer_id", StringComparison.Ordinal) || string.CompareOrdinal(l.Split(',')[1], "1930") > 0));
            var recentFile = CliRunner.TempFile(string.Join('\n', recent) + "\n");
            try
            {
                var (rCode, recentJson, rError) = CliRunner.Run("churn", recentFile, "--period", "quarter", "--json");
                Assert.True(rCode == 0, rError);
                using var doc = JsonDocument.Parse(recentJson);
                // Every customer is in a cohort except the one whose first purchase is in the incomplete last quarter (2024-Q3).
                var customers = doc.RootElement.GetProperty("customers").GetInt32();
                Assert.Equal(customers - 1, doc.RootElement.GetProperty("cohorts").EnumerateArray().Sum(c => c.GetProperty("size").GetInt32()));
            }
            finally
            {
                File.Delete(recentFile);
            }
        });
    }

    [Fact]
    public void Analyze_LongSpans_ExitZeroWithSmallOutputs()
    {
        foreach (var content in new[] { TwoRows, Centuries() })
        {
            WithFile(content, file =>
            {
                var dir = CliRunner.TempDirectory();
                try
                {
                    var report = Path.Combine(dir, "report");
                    var (code, _, error) = CliRunner.Run("analyze", file, "--out", report);
                    Assert.True(code == 0, error);
                    var bytes = Directory.EnumerateFiles(report).Sum(f => new FileInfo(f).Length);
                    Assert.True(bytes < 1_000_000, FormattableString.Invariant($"{bytes} bytes"));
                }
                finally
                {
                    Directory.Delete(dir, recursive: true);
                }
            });
        }
    }

    /// <summary>62 purchases of 20 customers, spread evenly over 1500–2024 (63 lines with the header).</summary>
    private static string Centuries()
    {
        var text = new StringBuilder("customer_id,date,amount\n");
        for (var i = 0; i < 62; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"c{(i * 7) % 20},{1500 + (i * 524 / 61):D4}-{(i % 12) + 1:D2}-{(i % 28) + 1:D2},{10 + i}.50\n");
        }

        return text.ToString();
    }

    private static void WithFile(string content, Action<string> test)
    {
        var file = CliRunner.TempFile(content);
        try
        {
            test(file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
