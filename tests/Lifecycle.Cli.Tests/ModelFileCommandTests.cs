using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lifecycle.Cli.Tests;

/// <summary>The model file through <c>fit</c> and <c>predict</c>: its unit wins, mismatches and missing units are exit 2, boundary fits say so.</summary>
public sealed class ModelFileCommandTests
{
    private static readonly string Cdnow = CliRunner.Data("cdnow_customers_summary_with_transactions.csv");

    /// <summary>Issue 12: after 'fit --unit weeks', 'predict --spend-model' without --unit gave customer 1 a CLV of 20.83 (days) instead of the weeks value.</summary>
    [Fact]
    public void Predict_WeeksModelWithoutUnit_UsesTheFileUnit()
    {
        var dir = CliRunner.TempDirectory();
        var model = Path.Combine(dir, "model.json");
        var spend = Path.Combine(dir, "spend.json");
        Assert.Equal(0, CliRunner.Run("fit", Cdnow, "--model", "bgnbd", "--unit", "weeks", "--out", model).ExitCode);
        Assert.Equal(0, CliRunner.Run("fit", Cdnow, "--model", "gamma-gamma", "--out", spend).ExitCode);
        Assert.Equal("weeks", JsonDocument.Parse(File.ReadAllText(model)).RootElement.GetProperty("unit").GetString());
        var (code, withoutUnit, error) = CliRunner.Run("predict", Cdnow, "--model-file", model, "--horizon", "39", "--spend-model", spend);
        Assert.True(code == 0, error);
        var (_, withUnit, _) = CliRunner.Run("predict", Cdnow, "--model-file", model, "--horizon", "39", "--spend-model", spend, "--unit", "weeks");
        Assert.Equal(withUnit, withoutUnit);

        // Customer 1's CLV on weeks (4.345 weeks a month), not on 30-day months.
        var clv = double.Parse(withoutUnit.Split('\n')[1].Split(',')[4], CultureInfo.InvariantCulture);
        Assert.InRange(clv, 30, 45);
    }

    [Fact]
    public void Predict_UnitContradictsFile_ExitsTwoNamingBothUnits()
    {
        var model = Path.Combine(CliRunner.TempDirectory(), "model.json");
        CliRunner.Run("fit", Cdnow, "--model", "bgnbd", "--unit", "weeks", "--out", model);
        var (code, _, error) = CliRunner.Run("predict", Cdnow, "--model-file", model, "--horizon", "39", "--unit", "days");
        Assert.Equal(2, code);
        Assert.Contains("--unit days contradicts the model file's unit weeks", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_HandWrittenFileWithoutUnit_ExitsTwoNamingUnitOption()
    {
        var model = CliRunner.TempFile("{\"model\": \"pareto-nbd\", \"parameters\": {\"r\": 0.55, \"alpha\": 10.58, \"s\": 0.61, \"beta\": 11.67}}", ".json");
        var (code, _, error) = CliRunner.Run("predict", Cdnow, "--model-file", model, "--horizon", "39");
        Assert.Equal(2, code);
        Assert.Contains("pass --unit days or --unit weeks", error, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("predict", Cdnow, "--model-file", model, "--horizon", "39", "--unit", "weeks").ExitCode);
    }

    [Fact]
    public void Predict_DuplicateKey_ExitsTwoWithLineAndColumn()
    {
        var model = CliRunner.TempFile("{\"model\": \"bgnbd\", \"unit\": \"weeks\",\n  \"parameters\": {\"r\": 0.243, \"alpha\": 4.414, \"a\": 0.793, \"b\": 2.426, \"a\": 9}}", ".json");
        var (code, _, error) = CliRunner.Run("predict", Cdnow, "--model-file", model, "--horizon", "39");
        Assert.Equal(2, code);
        Assert.Contains(model + ":2:", error, StringComparison.Ordinal);
        Assert.Contains("\"a\" appears twice", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_SpendModelAsTransactionModel_ExitsTwo()
    {
        var model = CliRunner.TempFile("{\"model\": \"gamma-gamma\", \"parameters\": {\"p\": 6.25, \"q\": 3.74, \"v\": 15.44}}", ".json");
        var (code, _, error) = CliRunner.Run("predict", Cdnow, "--model-file", model, "--horizon", "39");
        Assert.Equal(2, code);
        Assert.Contains("pass it as --spend-model", error, StringComparison.Ordinal);
    }

    /// <summary>Customers who never drop out: 'fit' says "converged: no", names the boundary and the limit model, and writes null standard errors with a reason.</summary>
    [Fact]
    public void Fit_NoDropout_ReportsBoundaryInTextAndJson()
    {
        var csv = new StringBuilder("customer_id,frequency,recency,T\n");
        var random = new Random(5);
        for (var i = 0; i < 3000; i++)
        {
            var t = 365 + random.Next(365);
            var rate = -Math.Log(1 - random.NextDouble()) / 30; // Gamma(1, 30) rates per day, no dropout
            int count = 0, last = 0;
            for (double time = -Math.Log(1 - random.NextDouble()) / rate; time <= t; time += -Math.Log(1 - random.NextDouble()) / rate)
            {
                if ((int)time > last || count == 0)
                {
                    count++;
                    last = (int)time;
                }
            }

            csv.Append(CultureInfo.InvariantCulture, $"{i},{(count == 0 ? 0 : count)},{(count == 0 ? 0 : last)},{t}\n");
        }

        var file = CliRunner.TempFile(csv.ToString());
        var (code, text, error) = CliRunner.Run("fit", file, "--model", "bgnbd");
        Assert.True(code == 0, error);
        Assert.Contains("converged: no (Boundary)", text, StringComparison.Ordinal);

        // The supremum is on the "no dropout" face or on the "all or nothing" face with a tiny share of immediate
        // dropouts (which contains the first as the share goes to 0; a finite sample can favour it slightly).
        var allOrNothing = text.Contains("dropout is all or nothing", StringComparison.Ordinal);
        Assert.Contains(allOrNothing ? "limit model: a two-point mix" : "no dropout visible", text, StringComparison.Ordinal);
        Assert.Contains(allOrNothing ? "a/b → 0.000" : "limit model: NBD", text, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", text, StringComparison.Ordinal);
        Assert.Contains("not converged: at a boundary", error, StringComparison.Ordinal);

        var (_, json, _) = CliRunner.Run("fit", file, "--model", "bgnbd", "--json");
        var root = JsonDocument.Parse(json).RootElement;
        Assert.False(root.GetProperty("converged").GetBoolean());
        Assert.Equal("Boundary", root.GetProperty("exitReason").GetString());
        Assert.Contains(allOrNothing ? "dropout is all or nothing" : "no dropout visible", root.GetProperty("boundary").GetString(), StringComparison.Ordinal);
        Assert.StartsWith(allOrNothing ? "a two-point mix" : "NBD", root.GetProperty("limitModel").GetString(), StringComparison.Ordinal);
        Assert.All(root.GetProperty("standardErrors").EnumerateObject(), p => Assert.Equal(JsonValueKind.Null, p.Value.ValueKind));
        Assert.Contains("boundary", root.GetProperty("standardErrorsUnavailableReason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_AllFrequenciesZero_ExitsTwoSayingNoRepeatPurchases()
    {
        var file = CliRunner.TempFile("customer_id,frequency,recency,T\n1,0,0,10\n2,0,0,20\n3,0,0,30\n");
        var (code, _, error) = CliRunner.Run("fit", file, "--model", "mbgnbd");
        Assert.Equal(2, code);
        Assert.Contains("no repeat purchases", error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", error, StringComparison.Ordinal);
    }
}
