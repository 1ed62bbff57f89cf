using System.Globalization;

namespace Lifecycle.Cli.Tests;

public sealed class PredictCommandTests
{
    [Fact]
    public void Predict_HandWrittenModel_GivesPublishedExpectation()
    {
        var model = CliRunner.TempFile("{\"model\": \"bgnbd\", \"parameters\": {\"r\": 0.243, \"alpha\": 4.414, \"a\": 0.793, \"b\": 2.426}}", ".json");
        var summary = CliRunner.TempFile("customer_id,frequency,recency,T\nc1,2,30.43,38.86\nc2,0,0,38.86\n");
        var (code, output, error) = CliRunner.Run("predict", summary, "--model-file", model, "--horizon", "39", "--unit", "weeks");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("customer_id,p_alive,expected_purchases", lines[0]);
        var c1 = lines[1].Split(',');
        Assert.Equal("c1", c1[0]);
        Assert.InRange(double.Parse(c1[2], CultureInfo.InvariantCulture), 1.2255, 1.2265);
        Assert.Equal("1", lines[2].Split(',')[1]);
    }

    [Fact]
    public void Predict_WithSpendModel_AddsSpendAndClvMatchingLifetimes()
    {
        var dir = CliRunner.TempDirectory();
        var bg = Path.Combine(dir, "bg.json");
        var gg = Path.Combine(dir, "gg.json");
        var data = CliRunner.Data("cdnow_customers_summary_with_transactions.csv");
        Assert.Equal(0, CliRunner.Run("fit", data, "--model", "bgnbd", "--unit", "weeks", "--out", bg).ExitCode);
        Assert.Equal(0, CliRunner.Run("fit", data, "--model", "gamma-gamma", "--out", gg).ExitCode);
        var (code, output, error) = CliRunner.Run("predict", data, "--model-file", bg, "--horizon", "52", "--unit", "weeks", "--spend-model", gg, "--months", "12", "--discount-rate", "0.01", "--unit-per-month", "30");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("customer_id,p_alive,expected_purchases,expected_spend,clv", lines[0]);
        Assert.Equal(2358, lines.Length);
        var first = lines[1].Split(',');
        Assert.Equal("1", first[0]);
        // lifetimes' documented customer_lifetime_value for CDNOW customer 1 (time=12, discount_rate=0.01, 30 units per month).
        Assert.InRange(double.Parse(first[4], CultureInfo.InvariantCulture), 140.0961, 140.0963);
        Assert.InRange(double.Parse(first[3], CultureInfo.InvariantCulture), 24.658, 24.659);
    }

    [Fact]
    public void Predict_ModelFileWithoutParameter_ExitsTwo()
    {
        var model = CliRunner.TempFile("{\"model\": \"bgnbd\", \"parameters\": {\"r\": 0.243, \"alpha\": 4.414, \"a\": 0.793}}", ".json");
        var (code, _, error) = CliRunner.Run("predict", CliRunner.Data("cdnow_customers_summary_with_transactions.csv"), "--model-file", model, "--horizon", "10");
        Assert.Equal(2, code);
        Assert.Contains("needs parameter \"b\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_ModelFileNotJson_ExitsTwo()
    {
        var model = CliRunner.TempFile("not json", ".json");
        var (code, _, error) = CliRunner.Run("predict", CliRunner.Data("cdnow_customers_summary_with_transactions.csv"), "--model-file", model, "--horizon", "10");
        Assert.Equal(2, code);
        Assert.Contains("not valid JSON", error, StringComparison.Ordinal);
    }
}
