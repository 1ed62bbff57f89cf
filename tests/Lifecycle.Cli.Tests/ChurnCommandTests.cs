using System.Text.Json;

namespace Lifecycle.Cli.Tests;

public sealed class ChurnCommandTests
{
    // The library test's ShopLog (docs/metrics.md worked example) as a CSV.
    private const string ShopLog = """
        customer_id,date,amount
        X,2024-01-05,100
        X,2024-02-10,50
        X,2024-04-20,80
        Y,2024-01-25,10
        Y,2024-01-20,40
        V,2024-02-15,30
        V,2024-01-10,10
        Z,2024-02-03,30
        Z,2024-02-05,20
        W,2024-03-01,200
        W,2024-05-03,999
        """;

    [Fact]
    public void Churn_Json_MatchesTheWorkedExample()
    {
        var file = CliRunner.TempFile(ShopLog);
        var (code, output, error) = CliRunner.Run("churn", file, "--period", "month", "--window", "30", "--end", "2024-05-01", "--json");
        Assert.Equal(0, code);
        Assert.Contains("1 at or after the end", error, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("inactivity 30 days", root.GetProperty("definition").GetString());
        Assert.Equal(5, root.GetProperty("customers").GetInt32());
        var periods = root.GetProperty("periods");
        Assert.Equal(4, periods.GetArrayLength());
        Assert.Equal(JsonValueKind.Null, periods[0].GetProperty("churnRate").ValueKind); // no customers at the start: undefined, not 0
        var feb = periods[1];
        Assert.Equal("2024-02", feb.GetProperty("period").GetString());
        Assert.Equal(3, feb.GetProperty("customersAtStart").GetInt32());
        Assert.Equal(2, feb.GetProperty("reactivated").GetInt32());
        Assert.Equal(1.0, feb.GetProperty("churnRate").GetDouble());
        Assert.Equal(0.375, feb.GetProperty("revenue").GetProperty("grossRevenueRetention").GetDouble());
        Assert.Equal(0.5, feb.GetProperty("revenue").GetProperty("netRevenueRetention").GetDouble());
        var january = root.GetProperty("cohorts")[0];
        Assert.Equal(3, january.GetProperty("size").GetInt32());
        Assert.Equal([3, 2, 0, 1], january.GetProperty("customers").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("cohorts")[3].GetProperty("customerRetention")[0].ValueKind);
    }

    [Fact]
    public void Churn_CdnowSample_PrintsTablesAndCohortsCoverEveryCustomer()
    {
        var (code, output, _) = CliRunner.Run("churn", CliRunner.Data("CDNOW_sample.txt"), "--format", "cdnow", "--period", "quarter");
        Assert.Equal(0, code);
        Assert.Contains("Churn by quarter (inactivity 180 days; observation end 1998-07-01)", output, StringComparison.Ordinal);
        Assert.Contains("Cohort retention", output, StringComparison.Ordinal);
        Assert.Contains("1998-Q2", output, StringComparison.Ordinal);

        var (_, json, _) = CliRunner.Run("churn", "--period", "week", "--json");
        using var doc = JsonDocument.Parse(json);
        var cohorts = doc.RootElement.GetProperty("cohorts");
        Assert.Equal(2357, cohorts.EnumerateArray().Sum(c => c.GetProperty("size").GetInt32())); // all acquired in the first 12 weeks of 1997
        Assert.Equal("1997-W01", cohorts[0].GetProperty("cohort").GetString());
    }

    [Fact]
    public void Churn_BadInput_ExitsWithTwoAndSaysWhy()
    {
        var file = CliRunner.TempFile(ShopLog);
        var (code, _, error) = CliRunner.Run("churn", file, "--window", "0");
        Assert.Equal(2, code);
        Assert.Contains("--window 0 must be a positive number of days", error, StringComparison.Ordinal);

        (code, _, error) = CliRunner.Run("churn", file, "--end", "2024-01-20");
        Assert.Equal(2, code);
        Assert.Contains("leaves no complete Month", error, StringComparison.Ordinal);

        (code, _, error) = CliRunner.Run("churn", file, "--period", "year");
        Assert.Equal(2, code);

        var negative = CliRunner.TempFile("customer_id,date,amount\na,2024-01-01,-5\n");
        (code, _, error) = CliRunner.Run("churn", negative);
        Assert.Equal(2, code);
        Assert.Contains(".csv:2:3:", error, StringComparison.Ordinal); // file, line 2, column 3 (amount)
    }
}
