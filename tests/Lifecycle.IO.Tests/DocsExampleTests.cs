using System.Text.RegularExpressions;

namespace Lifecycle.IO.Tests;

/// <summary>The example of docs/reading.md compiles (it is below), runs, and the page shows exactly this code.</summary>
public sealed partial class DocsExampleTests
{
    [Fact]
    public void Example_SummarizesAFile()
    {
        var path = Scratch.File("customer_id,date,amount\na,2024-03-01T08:00+09:00,10\na,2024-03-01T23:30+09:00,5\na,2024-03-09,20\nb,2024-03-02,7\n");
        var summaries = Example(path);
        Assert.Equal(2, summaries.Count);
        Assert.Equal(1, summaries.Frequency[0]); // the two Tokyo purchases of 1 March are one day
        Assert.Equal(8, summaries.Recency[0]);
    }

    [Fact]
    public void Example_BadFile_IsOneExceptionWithItsPosition()
    {
        var path = Scratch.File("customer_id,date,amount\na,Jan 5,10\n");
        var e = Assert.Throws<CsvReadException>(() => Example(path));
        Assert.Equal(path + ":2:2: column 'date': 'Jan 5' is not an ISO 8601 date (yyyy-MM-dd) or date-time (yyyy-MM-ddTHH:mm[:ss[.fffffff]][Z|+HH:mm]); write it so, or pass --date-format; expected an ISO 8601 date such as 2024-03-31 or date-time such as 2024-03-31T14:05:00+09:00", e.Message);
    }

    [Fact]
    public void Docs_ShowTheTestedExample()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Lifecycle.Core.sln")))
        {
            root = root.Parent!;
        }

        var page = File.ReadAllText(Path.Combine(root.FullName, "docs", "reading.md"));
        var block = CodeBlock().Match(page[page.IndexOf("<!-- example: summarize", StringComparison.Ordinal)..]).Groups[1].Value;
        var source = File.ReadAllText(Path.Combine(root.FullName, "tests", "Lifecycle.IO.Tests", "DocsExampleTests.cs"));
        var start = source.LastIndexOf("// begin-snippet", StringComparison.Ordinal);
        var snippet = source[(source.IndexOf('\n', start) + 1)..source.LastIndexOf("// end-snippet", StringComparison.Ordinal)];
        Assert.Equal(Normalize(block), Normalize(snippet));
    }

    private static string Normalize(string code) =>
        string.Join('\n', code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    private static SummarySet<string> Example(string path)
    {
        // begin-snippet
        var options = new TransactionCsvOptions { IdColumn = "customer_id", DateColumn = "date", AmountColumn = "amount" };
        var transactions = TransactionCsv.ReadFile(path, options).ToList(); // CsvReadException: FILE:LINE:COLUMN: ...

        var end = transactions.Max(t => t.Timestamp);
        var summarizer = new TransactionSummarizer<string>(new SummarizerOptions(end) { Unit = TimeUnit.Days });
        foreach (var t in transactions)
        {
            summarizer.Add(t.CustomerId, t.Timestamp, t.Amount);
        }

        SummarySet<string> summaries = summarizer.Build(StringComparer.Ordinal);
        // end-snippet
        return summaries;
    }
}
