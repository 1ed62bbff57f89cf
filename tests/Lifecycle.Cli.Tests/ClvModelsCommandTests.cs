using System.Globalization;
using System.Text.Json;

namespace Lifecycle.Cli.Tests;

/// <summary><c>fit</c> and <c>predict</c> for pareto-nbd, mbgnbd, bgbb and sbg, and <c>--bootstrap</c>.</summary>
public sealed class ClvModelsCommandTests
{
    private const string HighEnd = "period,active\n0,1000\n1,869\n2,743\n3,653\n4,593\n5,551\n6,517\n7,491\n";

    [Fact]
    public void Fit_ParetoNbdCdnow_ReproducesPublishedLogLikelihood()
    {
        var root = FitJson(CliRunner.Data("cdnow_customers_summary_with_transactions.csv"), "pareto-nbd", "--unit", "weeks");
        Assert.Equal("pareto-nbd", root.GetProperty("model").GetString());
        var p = root.GetProperty("parameters");
        Assert.Equal(["r", "alpha", "s", "beta"], p.EnumerateObject().Select(e => e.Name).ToArray());
        Assert.InRange(root.GetProperty("logLikelihood").GetDouble(), -9594.99, -9594.97);
        Assert.InRange(p.GetProperty("r").GetDouble(), 0.5527, 0.5537);
        Assert.InRange(root.GetProperty("standardErrors").GetProperty("beta").GetDouble(), 6.08, 6.34);
    }

    [Fact]
    public void Fit_MbgNbdCdnow_ReproducesPublishedFit()
    {
        var root = FitJson(CliRunner.Data("cdnow_customers_summary_with_transactions.csv"), "mbgnbd", "--unit", "weeks");
        Assert.InRange(root.GetProperty("logLikelihood").GetDouble(), -9582.14, -9582.12);
        Assert.Equal(1.614, Math.Round(root.GetProperty("parameters").GetProperty("b").GetDouble(), 3));
    }

    [Fact]
    public void Fit_BgBbDonations_ReproducesPublishedFit()
    {
        var root = FitJson(CliRunner.Data("donations.csv"), "bgbb");
        var p = root.GetProperty("parameters");
        Assert.Equal(11104, root.GetProperty("customers").GetInt32());
        Assert.Equal(1.204, Math.Round(p.GetProperty("alpha").GetDouble(), 3));
        Assert.Equal(2.783, Math.Round(p.GetProperty("delta").GetDouble(), 3));
    }

    [Fact]
    public void Fit_SbgCohortFile_ReproducesPublishedHighEnd()
    {
        var root = FitJson(CliRunner.TempFile(HighEnd), "sbg");
        var p = root.GetProperty("parameters");
        Assert.Equal(0.668, Math.Round(p.GetProperty("alpha").GetDouble(), 3));
        Assert.Equal(3.806, Math.Round(p.GetProperty("beta").GetDouble(), 3));
    }

    [Fact]
    public void Fit_SbgTwoCohorts_PoolsCohorts()
    {
        var file = CliRunner.TempFile("cohort,period,active\na,0,1000\na,1,869\na,2,743\nb,0,500\nb,1,430\n");
        var root = FitJson(file, "sbg");
        Assert.Equal(1500, root.GetProperty("customers").GetInt32());
    }

    [Fact]
    public void Fit_SbgRisingCount_ExitsTwoNamingLineAndColumn()
    {
        var file = CliRunner.TempFile("period,active\n0,100\n1,80\n2,90\n");
        var (code, _, error) = CliRunner.Run("fit", file, "--model", "sbg");
        Assert.Equal(2, code);
        Assert.Contains(":4:2:", error, StringComparison.Ordinal);
        Assert.Contains("can only shrink", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_HandWrittenParetoNbd_GivesPublishedPAlive()
    {
        var model = CliRunner.TempFile("{\"model\": \"pareto-nbd\", \"parameters\": {\"r\": 0.5534, \"alpha\": 10.5802, \"s\": 0.6061, \"beta\": 11.6562}}", ".json");
        var summary = CliRunner.TempFile("customer_id,frequency,recency,T\nc1,26,30.86,31\n");
        var (code, output, error) = CliRunner.Run("predict", summary, "--model-file", model, "--horizon", "52", "--unit", "weeks");
        Assert.True(code == 0, error);
        var row = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Split(',');
        Assert.Equal("c1", row[0]);
        Assert.Equal(0.9979, Math.Round(double.Parse(row[1], CultureInfo.InvariantCulture), 4));
        Assert.InRange(double.Parse(row[2], CultureInfo.InvariantCulture), 25.45, 25.47);
    }

    [Fact]
    public void Predict_Bootstrap_AddsOrderedIntervalColumns()
    {
        var dir = CliRunner.TempDirectory();
        var model = Path.Combine(dir, "m.json");
        var data = CliRunner.Data("cdnow_customers_summary_with_transactions.csv");
        var (fitCode, _, fitError) = CliRunner.Run("fit", data, "--model", "mbgnbd", "--unit", "weeks", "--out", model);
        Assert.True(fitCode == 0, fitError);
        var (code, output, error) = CliRunner.Run("predict", data, "--model-file", model, "--horizon", "52", "--unit", "weeks", "--bootstrap", "4", "--seed", "1");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("customer_id,p_alive,expected_purchases,p_alive_lower,p_alive_upper,expected_purchases_lower,expected_purchases_upper", lines[0]);
        Assert.Equal(2358, lines.Length);
        var f = lines[1].Split(',').Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.True(f[2] <= f[3] && f[4] <= f[5]);
    }

    [Fact]
    public void Predict_BgBbDonations_OneRowPerInputRow()
    {
        var model = CliRunner.TempFile("{\"model\": \"bgbb\", \"parameters\": {\"alpha\": 1.204, \"beta\": 0.750, \"gamma\": 0.657, \"delta\": 2.783}}", ".json");
        var (code, output, error) = CliRunner.Run("predict", CliRunner.Data("donations.csv"), "--model-file", model, "--horizon", "5");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("frequency,recency,periods,weight,p_alive,expected_purchases", lines[0]);
        Assert.Equal(23, lines.Length);
        var first = lines[1].Split(',');
        Assert.Equal("0", first[0]);
        Assert.Equal(0.11, Math.Round(double.Parse(first[4], CultureInfo.InvariantCulture), 2));
    }

    [Fact]
    public void Predict_Sbg_ProjectsSurvivalAndDerl()
    {
        var model = CliRunner.TempFile("{\"model\": \"sbg\", \"parameters\": {\"alpha\": 0.668, \"beta\": 3.806}}", ".json");
        var (code, output, error) = CliRunner.Run("predict", CliRunner.TempFile(HighEnd), "--model-file", model, "--horizon", "12", "--discount-rate", "0.1");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("period,survival,retention,churn_probability,expected_active,derl", lines[0]);
        Assert.Equal(14, lines.Length);
        var year8 = lines[9].Split(',');
        Assert.Equal(0.460, Math.Round(double.Parse(year8[1], CultureInfo.InvariantCulture), 3));
        var year7 = lines[8].Split(',');
        Assert.Equal(7.53, Math.Round(double.Parse(year7[5], CultureInfo.InvariantCulture), 2));
    }

    private static JsonElement FitJson(string file, string model, params string[] extra)
    {
        var (code, output, error) = CliRunner.Run(["fit", file, "--model", model, "--json", .. extra]);
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        return doc.RootElement.Clone();
    }
}
