using System.Globalization;
using System.Text.RegularExpressions;
using Lifecycle.Segmentation;

namespace Lifecycle.Tests.Segmentation;

/// <summary>The quick start of docs/segmentation.md compiles (it is below), runs, and the page shows exactly this code.</summary>
public sealed partial class SegmentationDocsExampleTests
{
    [Fact]
    public void Quickstart_Runs()
    {
        // Hand-checked: observation end 1 April; ann bought 3 Jan, 1 Feb, 20 Mar (x = 2, 12 days, mean repeat spend 55);
        // bob 10 Jan (x = 0, 82 days); cai 5 Jan, 28 Mar (x = 1, 4 days, 25); dee 14 and 20 Feb (x = 1, 41 days, 180);
        // eve 30 Mar (x = 0, 2 days). Average ranks over n = 5: R reversed 3, 1, 4, 2, 5; F: the two zeros share rank
        // 0.5 -> 1, the two ones rank 2.5 -> 3, x = 2 -> 5; M: zeros -> 1, 25 -> 3, 55 -> 4, 180 -> 5.
        // Revenue 150, 20, 40, 380, 10: the top 20% (one customer, dee) hold 380 / 600.
        var output = new StringWriter(CultureInfo.InvariantCulture);
        Quickstart(output);
        Assert.Equal(
            """
            ann: 12 days since the last purchase, RFM 354, Loyal Customers
            bob: 82 days since the last purchase, RFM 111, Hibernating
            cai: 4 days since the last purchase, RFM 433, Potential Loyalists
            dee: 41 days since the last purchase, RFM 235, At Risk
            eve: 2 days since the last purchase, RFM 511, New Customers
            top 20% hold 0.633 of revenue

            """,
            output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void SegmentationPage_ShowsTheTestedExample()
    {
        var root = House.HouseRulesTests.RepositoryRoot();
        var page = File.ReadAllText(Path.Combine(root, "docs", "segmentation.md"));
        var block = CodeBlock().Match(page[page.IndexOf("<!-- example: segmentation-quickstart", StringComparison.Ordinal)..]).Groups[1].Value;
        var source = File.ReadAllText(Path.Combine(root, "tests", "Lifecycle.Core.Tests", "Segmentation", "SegmentationDocsExampleTests.cs"));
        var start = source.LastIndexOf("// begin-snippet", StringComparison.Ordinal);
        var snippet = source[(source.IndexOf('\n', start) + 1)..source.LastIndexOf("// end-snippet", StringComparison.Ordinal)];
        Assert.Equal(Normalize(block), Normalize(snippet));
    }

    private static string Normalize(string code) =>
        string.Join('\n', code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    private static void Quickstart(TextWriter output)
    {
        // begin-snippet
        static Transaction<string> T(string id, int month, int day, decimal amount) =>
            new(id, new DateTimeOffset(2024, month, day, 0, 0, 0, TimeSpan.Zero), amount);

        Transaction<string>[] log =
        [
            T("ann", 1, 3, 40), T("ann", 2, 1, 60), T("ann", 3, 20, 50), T("bob", 1, 10, 20), T("cai", 1, 5, 15),
            T("cai", 3, 28, 25), T("dee", 2, 14, 200), T("dee", 2, 20, 180), T("eve", 3, 30, 10),
        ];
        var options = new SummarizerOptions(new DateTimeOffset(2024, 4, 1, 0, 0, 0, TimeSpan.Zero)) { Unit = TimeUnit.Days };
        var summarizer = new TransactionSummarizer<string>(options);
        summarizer.AddRange(log);
        SummarySet<string> customers = summarizer.Build();

        // Quintiles of T − t_x (reversed), x and mean repeat spend; equal values share a score.
        RfmScores scores = Rfm.Score(customers, new RfmOptions { Ties = TiePolicy.AverageRank });
        SegmentAssignment segments = SegmentMap.RecencyFrequency.Assign(scores);
        for (var i = 0; i < customers.Count; i++)
        {
            output.WriteLine($"{customers.Ids[i]}: {Rfm.TimeSinceLastPurchase(customers[i])} days since the last purchase, RFM {scores[i]}, {segments.NameOf(i)}");
        }

        var revenue = new double[customers.Count];
        ValueTiers.Revenue(customers, revenue);
        output.WriteLine($"top 20% hold {ValueTiers.ParetoShare(revenue).ShareOfTotal:F3} of revenue");
        // end-snippet
    }
}
