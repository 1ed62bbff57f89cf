using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lifecycle.Cli.Tests;

/// <summary>Data on which a section cannot be computed: analyze still exits 0, writes what it could and says why the rest is missing.</summary>
public sealed class AnalyzeGracefulTests
{
    private static string File(Func<StringBuilder, StringBuilder> rows) => CliRunner.TempFile(rows(new StringBuilder("customer_id,date,amount\n")).ToString());

    private static string Day(int day) => new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static TheoryData<string, string, string[]> Cases => new()
    {
        { "one customer", File(sb => sb.Append("c1,2024-01-01,10\n")), ["models", "segments"] },
        { "three customers", File(sb => sb.Append("a,2024-01-01,10\nb,2024-02-01,20\nb,2024-03-01,5\nc,2024-03-05,7\n")), ["models"] },
        { "ten customers", File(sb => { for (var c = 0; c < 10; c++) { sb.Append(CultureInfo.InvariantCulture, $"c{c},{Day(c * 3)},{10 + c}\n"); if (c % 4 == 0) { sb.Append(CultureInfo.InvariantCulture, $"c{c},{Day((c * 3) + 40)},5\n"); } } return sb; }), [] },
        { "one purchase day", File(sb => { for (var c = 0; c < 50; c++) { sb.Append(CultureInfo.InvariantCulture, $"c{c},2024-03-01,{10 + c}\n"); } return sb; }), ["models", "tracking"] },
        { "everyone bought once", File(sb => { for (var c = 0; c < 200; c++) { sb.Append(CultureInfo.InvariantCulture, $"c{c},{Day(c)},{10 + (c % 7)}\n"); } return sb; }), ["models", "value"] },
        { "two weeks", File(sb => { for (var c = 0; c < 100; c++) { sb.Append(CultureInfo.InvariantCulture, $"c{c},{Day(c % 14)},{10 + (c % 5)}\n"); if (c % 3 == 0) { sb.Append(CultureInfo.InvariantCulture, $"c{c},{Day(13)},4\n"); } } return sb; }), [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Analyze_DataAnalysisCannotFullyUse_ExitsZeroWithNotes(string name, string file, string[] skipped)
    {
        var dir = Path.Combine(CliRunner.TempDirectory(), "report");
        var (code, output, error) = CliRunner.Run("analyze", file, "--out", dir);
        Assert.True(code == 0, name + ": " + error);
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(dir, "summary.json")));
        var sections = doc.RootElement.GetProperty("skippedSections").EnumerateArray().Select(e => e.GetString()).ToArray();
        foreach (var section in skipped)
        {
            Assert.Contains(section, sections);
        }

        var html = System.IO.File.ReadAllText(Path.Combine(dir, "report.html"));
        var notes = doc.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetProperty("message").GetString()!).ToArray();
        foreach (var note in notes.Where(n => n.Length > 0))
        {
            Assert.Contains(System.Net.WebUtility.HtmlEncode(note), html, StringComparison.Ordinal);
        }

        foreach (var text in new[] { output, html, System.IO.File.ReadAllText(Path.Combine(dir, "summary.json")) })
        {
            Assert.DoesNotContain("(Parameter '", text, StringComparison.Ordinal);
            Assert.DoesNotContain("NaN", text, StringComparison.Ordinal);
        }

        Assert.Contains("Lifecycle stages", output, StringComparison.Ordinal);
    }
}
