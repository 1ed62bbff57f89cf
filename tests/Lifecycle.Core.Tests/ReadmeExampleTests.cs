using System.Text.RegularExpressions;
using Lifecycle.Clv;

namespace Lifecycle.Tests;

/// <summary>The README's example compiles (it is below) and runs, and the README shows exactly this code.</summary>
[Collection(ConsoleRedirection.Name)]
public sealed partial class ReadmeExampleTests
{
    [Fact]
    public void Quickstart_Runs()
    {
        var output = new StringWriter();
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

        Assert.Contains("alice: x = 1, t_x = 6.00 weeks, T = 25.57 weeks, m = 40", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("converged: True, P(alive) = ", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_ShowsTheTestedExample()
    {
        var root = House.HouseRulesTests.RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var block = CodeBlock().Match(readme[readme.IndexOf("<!-- example: quickstart", StringComparison.Ordinal)..]).Groups[1].Value;
        var source = File.ReadAllText(Path.Combine(root, "tests", "Lifecycle.Core.Tests", "ReadmeExampleTests.cs"));
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
        var end = new DateTimeOffset(2024, 6, 30, 0, 0, 0, TimeSpan.Zero);
        var summarizer = new TransactionSummarizer<string>(new SummarizerOptions(end) { Unit = TimeUnit.Weeks });
        summarizer.Add("alice", new DateTimeOffset(2024, 1, 3, 10, 0, 0, TimeSpan.Zero), 25.00m);
        summarizer.Add("alice", new DateTimeOffset(2024, 2, 14, 18, 30, 0, TimeSpan.Zero), 40.00m);
        summarizer.Add("bob", new DateTimeOffset(2024, 5, 1, 9, 15, 0, TimeSpan.Zero), 12.50m);

        SummarySet<string> summaries = summarizer.Build();
        CustomerSummary alice = summaries[0];
        Console.WriteLine($"alice: x = {alice.Frequency}, t_x = {alice.Recency:F2} weeks, T = {alice.T:F2} weeks, m = {alice.MonetaryValue}");

        // Models fit on unique (frequency, recency, T) rows with weights.
        CompressedSummaries rows = summaries.Compress();

        // Fit BG/NBD to 5,000 customers simulated from known parameters, then ask who is still alive.
        SummarySet<int> simulated = new BgNbdModel(0.25, 4.4, 0.8, 2.4, TimeUnit.Weeks).Simulate(5_000, age: 39, seed: 7);
        FitResult<BgNbdModel> fit = BgNbdModel.Fit(simulated.Compress());
        double pAlive = fit.Model.ProbabilityAlive(frequency: 2, recency: 30.4, t: 38.9);
        Console.WriteLine($"r = {fit.Parameter("r"):F2}, converged: {fit.Converged}, P(alive) = {pAlive:F2}");
        // end-snippet
        Assert.Equal(2, rows.TotalWeight);
    }
}
