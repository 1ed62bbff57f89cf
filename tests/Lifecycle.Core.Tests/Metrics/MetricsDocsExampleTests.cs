using System.Globalization;
using System.Text.RegularExpressions;
using Lifecycle.Metrics;

namespace Lifecycle.Tests.Metrics;

/// <summary>The quick start of docs/metrics.md compiles (it is below), runs, and the page shows exactly this code.</summary>
[Collection(ConsoleRedirection.Name)]
public sealed partial class MetricsDocsExampleTests
{
    [Fact]
    public void Quickstart_Runs()
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            Quickstart();
        }
        finally
        {
            Console.SetOut(original);
        }

        var text = output.ToString();
        Assert.Contains("2024-02: churn 1, retention 0, GRR 0.375", text, StringComparison.Ordinal);
        Assert.Contains("2024-04: churn undefined, retention undefined", text, StringComparison.Ordinal);
        Assert.Contains("January cohort buying in February: 0.6666", text, StringComparison.Ordinal);
        Assert.Contains("median lifetime: 30 days", text, StringComparison.Ordinal);
    }

    [Fact]
    public void MetricsPage_ShowsTheTestedExample()
    {
        var root = House.HouseRulesTests.RepositoryRoot();
        var page = File.ReadAllText(Path.Combine(root, "docs", "metrics.md"));
        var block = CodeBlock().Match(page[page.IndexOf("<!-- example: metrics-quickstart", StringComparison.Ordinal)..]).Groups[1].Value;
        var source = File.ReadAllText(Path.Combine(root, "tests", "Lifecycle.Core.Tests", "Metrics", "MetricsDocsExampleTests.cs"));
        var start = source.LastIndexOf("// begin-snippet", StringComparison.Ordinal);
        var snippet = source[(source.IndexOf('\n', start) + 1)..source.LastIndexOf("// end-snippet", StringComparison.Ordinal)];
        Assert.Equal(Normalize(block), Normalize(snippet));
    }

    private static string Normalize(string code) =>
        string.Join('\n', code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    private static void Quickstart()
    {
        // begin-snippet
        static Transaction<string> T(string id, int month, int day, decimal amount) =>
            new(id, new DateTimeOffset(2024, month, day, 0, 0, 0, TimeSpan.Zero), amount);

        Transaction<string>[] log =
        [
            T("X", 1, 5, 100), T("X", 2, 10, 50), T("X", 4, 20, 80), T("Y", 1, 20, 40), T("Y", 1, 25, 10),
            T("V", 1, 10, 10), T("V", 2, 15, 30), T("Z", 2, 3, 30), T("Z", 2, 5, 20), T("W", 3, 1, 200),
        ];
        var end = new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var months = new PeriodCalendar(PeriodGranularity.Month);

        // Non-contractual churn: no purchase for 30 days.
        ChurnReport report = ChurnAnalysis.Analyze<string>(log, months, end, new InactivityChurn<string>(TimeSpan.FromDays(30)));
        for (var i = 0; i < report.Periods.Count; i++)
        {
            PeriodChurn p = report.Periods[i];
            Console.WriteLine($"{p.Period}: churn {p.ChurnRate}, retention {p.RetentionRate}, GRR {report.Revenue[i].GrossRevenueRetention}");
        }

        CohortMatrix cohorts = CohortMatrix.FromTransactions<string>(log, months, end);
        Console.WriteLine($"January cohort buying in February: {cohorts.CustomerRetention(0, 1)}");

        SurvivalCurve curve = KaplanMeier.Fit(report.Lifetimes(TimeUnit.Days));
        Console.WriteLine($"median lifetime: {curve.MedianLifetime?.ToString(CultureInfo.InvariantCulture) ?? "not reached"} days");
        // end-snippet
    }
}
