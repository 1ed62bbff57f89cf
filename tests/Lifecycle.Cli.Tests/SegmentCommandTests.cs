using System.Text.Json;

namespace Lifecycle.Cli.Tests;

public sealed class SegmentCommandTests
{
    private const string Ladder = "customer_id,frequency,recency,T,monetary_value\na,0,0,40,0\nb,1,10,40,10\nc,2,20,40,20\nd,3,30,40,30\ne,4,35,40,40\n";

    [Fact]
    public void Segment_Ladder_ScoresAndNamesEveryCustomer()
    {
        // T − t_x = 40, 30, 20, 10, 5: R = 1..5; F and M = 1..5; FM = F. R×FM: 111 Lost, 222 Hibernating,
        // 333 Need Attention, 444 and 555 Champions.
        var (code, output, error) = CliRunner.Run("segment", CliRunner.TempFile(Ladder));
        Assert.Equal(0, code);
        Assert.Equal(
            "customer_id,r,f,m,segment\na,1,1,1,Lost\nb,2,2,2,Hibernating\nc,3,3,3,Need Attention\nd,4,4,4,Champions\ne,5,5,5,Champions\n",
            output.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Contains("5 customers, scheme rfm, ties average", error, StringComparison.Ordinal);
        Assert.Contains("Champions", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Segment_SchemeRf_UsesTheRfMap()
    {
        var (code, output, _) = CliRunner.Run("segment", CliRunner.TempFile(Ladder), "--scheme", "rf");
        Assert.Equal(0, code);
        Assert.Contains("a,1,1,1,Hibernating\n", output.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("d,4,4,4,Loyal Customers\n", output.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Segment_CdnowJsonWithDrop_ReportsFewerFrequencyBins()
    {
        var (code, output, _) = CliRunner.Run("segment", CliRunner.Data("cdnow_customers_summary_with_transactions.csv"), "--tie", "drop", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("rfm", root.GetProperty("scheme").GetString());
        Assert.Equal("drop", root.GetProperty("ties").GetString());
        Assert.Equal(2357, root.GetProperty("customers").GetInt32());
        Assert.Equal(3, root.GetProperty("cuts").GetProperty("frequency").GetProperty("binCount").GetInt32());
        Assert.Equal(5, root.GetProperty("cuts").GetProperty("recency").GetProperty("binCount").GetInt32());
        Assert.Equal("lowerIsBetter", root.GetProperty("cuts").GetProperty("recency").GetProperty("direction").GetString());
        Assert.Equal(2357, root.GetProperty("segments").EnumerateArray().Sum(s => s.GetProperty("customers").GetInt32()));
        Assert.Equal(2357, root.GetProperty("scores").GetArrayLength());
        Assert.Equal("1", root.GetProperty("scores")[0].GetProperty("customerId").GetString());
    }

    [Fact]
    public void Segment_AverageTies_WritesNullForUnreachedEdges()
    {
        var (code, output, _) = CliRunner.Run("segment", CliRunner.Data("cdnow_customers_summary_with_transactions.csv"), "--tie", "average", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var edges = doc.RootElement.GetProperty("cuts").GetProperty("frequency").GetProperty("edges");
        Assert.Equal(JsonValueKind.Null, edges[0].ValueKind); // 59.9% one-time buyers: F = 1 is never reached
        Assert.Equal(0, edges[1].GetDouble());
    }

    [Fact]
    public void Segment_TooFewCustomers_ExitsTwoWithTheReason()
    {
        var (code, _, error) = CliRunner.Run("segment", CliRunner.TempFile("customer_id,frequency,recency,T,monetary_value\na,0,0,4,0\nb,1,1,4,5\n"));
        Assert.Equal(2, code);
        Assert.Contains("2 customers cannot fill 5 bins", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Segment_RfmWithoutMonetary_ExitsTwo()
    {
        var (code, _, error) = CliRunner.Run("segment", CliRunner.TempFile("customer_id,frequency,recency,T\na,0,0,4\n"));
        Assert.Equal(2, code);
        Assert.Contains("--scheme rfm needs a monetary_value", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Segment_BinsOtherThanFiveBeyondTheMap_ExitsTwo()
    {
        var (code, _, error) = CliRunner.Run("segment", CliRunner.TempFile(Ladder), "--bins", "7");
        Assert.Equal(2, code);
        Assert.Contains("leaves 24 score pairs without a segment", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Segment_BadTie_IsAUsageError()
    {
        var (code, _, error) = CliRunner.Run("segment", CliRunner.TempFile(Ladder), "--tie", "dense");
        Assert.Equal(2, code);
        Assert.Contains("dense", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Segment_OutFile_WritesTheCsv()
    {
        var dir = CliRunner.TempDirectory();
        var target = Path.Combine(dir, "segments.csv");
        var (code, output, _) = CliRunner.Run("segment", CliRunner.TempFile(Ladder), "--out", target);
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("customer_id,r,f,m,segment", File.ReadAllText(target), StringComparison.Ordinal);
    }
}
