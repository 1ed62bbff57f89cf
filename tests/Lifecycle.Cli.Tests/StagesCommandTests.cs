using System.Text.Json;

namespace Lifecycle.Cli.Tests;

public sealed class StagesCommandTests
{
    // a: touch → lead → first purchase → repeat purchase → promoter; b: touch → lead; c: one purchase, then churns.
    private const string Events = """
        event_id,customer_id,timestamp,kind,amount,score
        a1,a,2025-01-01,touch,,
        a2,a,2025-01-11,lead_captured,,
        a3,a,2025-01-21,purchase,100,
        a4,a,2025-02-20,purchase,50,
        a5,a,2025-03-02,nps_response,,10
        b1,b,2025-01-06,visit,,
        b2,b,2025-01-16,lead_captured,,
        b3,b,2025-01-17,nps_response,,3
        c1,c,2025-01-31,purchase,30,
        a3,a,2025-01-21,purchase,100,
        """;

    [Fact]
    public void Stages_Json_ReportsFunnelFlowsAndMetrics()
    {
        var file = CliRunner.TempFile(Events + "\n");
        var (code, output, error) = CliRunner.Run("stages", file, "--as-of", "2025-12-31", "--json");
        Assert.Equal(0, code);
        Assert.Contains("1 repeated event ids ignored", error, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(3, root.GetProperty("customers").GetInt32());
        Assert.Equal(1, root.GetProperty("duplicatesIgnored").GetInt32());
        var funnel = root.GetProperty("funnel").EnumerateArray().Select(f => f.GetProperty("reached").GetInt32()).ToArray();
        Assert.Equal([3, 3, 2, 1, 1], funnel);

        // a: last purchase Feb 20 → AtRisk May 21, Churned Aug 19; c: Jan 31 → AtRisk May 1, Churned Jul 30.
        var distribution = root.GetProperty("distribution").EnumerateArray().ToDictionary(d => d.GetProperty("stage").GetString()!, d => d.GetProperty("customers").GetInt32());
        Assert.Equal(2, distribution["Churned"]);
        Assert.Equal(1, distribution["Acquisition"]);
        var metrics = root.GetProperty("metrics");
        Assert.Equal(60.0, metrics.GetProperty("conversion").GetProperty("averageOrderValue").GetDouble(), 12); // (100 + 50 + 30) / 3; the replayed a3 is not counted twice
        Assert.Equal(0.0, metrics.GetProperty("loyalty").GetProperty("nps").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, metrics.GetProperty("retention").GetProperty("churnRate").ValueKind);
        Assert.Contains(root.GetProperty("flows").EnumerateArray(), f => f.GetProperty("from").GetString() == "AtRisk" && f.GetProperty("to").GetString() == "Churned" && f.GetProperty("count").GetInt32() == 2);
    }

    [Fact]
    public void Stages_Text_PrintsTables()
    {
        var file = CliRunner.TempFile(Events + "\n");
        var (code, output, _) = CliRunner.Run("stages", file);
        Assert.Equal(0, code);
        Assert.Contains("Funnel (reached = entered this stage or a later one)", output, StringComparison.Ordinal);
        Assert.Contains("Time in stage", output, StringComparison.Ordinal);
        Assert.Contains("(new)", output, StringComparison.Ordinal);
        Assert.Contains("NPS 0", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Stages_AsOfBeforeSomeEvents_LeavesThemOutAndSaysSo()
    {
        var file = CliRunner.TempFile(Events + "\n");
        var (code, _, error) = CliRunner.Run("stages", file, "--as-of", "2025-01-15", "--json");
        Assert.Equal(0, code);
        Assert.Contains("7 events after --as-of left out", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Stages_UnknownKind_IsBadInputNamingLineAndColumn()
    {
        var file = CliRunner.TempFile("event_id,customer_id,timestamp,kind\ne1,a,2025-01-01,webinar\n");
        var (code, _, error) = CliRunner.Run("stages", file);
        Assert.Equal(2, code);
        Assert.Contains(":2:4: column 'kind': 'webinar' is not a known event kind", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Stages_NpsOutOfRange_IsBadInputNamingTheFix()
    {
        var file = CliRunner.TempFile("event_id,customer_id,timestamp,kind,amount,score\ne1,a,2025-01-01,nps_response,,11\n");
        var (code, _, error) = CliRunner.Run("stages", file);
        Assert.Equal(2, code);
        Assert.Contains(":2:6:", error, StringComparison.Ordinal);
        Assert.Contains("0 to 10", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Stages_NaNScore_IsBadInput()
    {
        var file = CliRunner.TempFile("event_id,customer_id,timestamp,kind,amount,score\ne1,a,2025-01-01,csat_response,,NaN\n");
        var (code, _, error) = CliRunner.Run("stages", file);
        Assert.Equal(2, code);
        Assert.Contains(":2:6: column 'score': 'NaN' is not a number", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(",a,2025-01-01,touch", "column 'event_id': '' is empty")]
    [InlineData("e1,a,,touch", "column 'timestamp': '' is not an ISO 8601")]
    [InlineData("e1,a,yesterday,touch", "'yesterday' is not an ISO 8601")]
    [InlineData("e1,,2025-01-01,touch", "column 'customer_id': '' is empty")]
    public void Stages_MissingValues_AreBadInput(string row, string expected)
    {
        var file = CliRunner.TempFile("event_id,customer_id,timestamp,kind\n" + row + "\n");
        var (code, _, error) = CliRunner.Run("stages", file);
        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Stages_MissingColumn_ListsExpectedHeader()
    {
        var file = CliRunner.TempFile("id,customer_id,timestamp,kind\ne1,a,2025-01-01,touch\n");
        var (code, _, error) = CliRunner.Run("stages", file);
        Assert.Equal(2, code);
        Assert.Contains("missing column(s) 'event_id'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Stages_AlternativeModel_UsesItsStages()
    {
        var file = CliRunner.TempFile(Events + "\n");
        var (code, output, _) = CliRunner.Run("stages", file, "--model", "awareness-to-advocacy", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(["Awareness", "Acquisition", "Onboarding", "Engagement", "Retention", "Loyalty", "Advocacy"], doc.RootElement.GetProperty("funnel").EnumerateArray().Select(f => f.GetProperty("stage").GetString()));
    }
}
