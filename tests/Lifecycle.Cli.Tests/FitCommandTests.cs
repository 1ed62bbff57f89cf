using System.Globalization;
using System.Text.Json;

namespace Lifecycle.Cli.Tests;

public sealed class FitCommandTests
{
    [Fact]
    public void Fit_BgNbdCdnowJson_ReproducesPublishedFitInExactShape()
    {
        var (code, output, error) = CliRunner.Run("fit", CliRunner.Data("cdnow_customers_summary_with_transactions.csv"), "--model", "bgnbd", "--unit", "weeks", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        // CLI.md's document, versioned and unit-carrying (--json and --out write the same model file).
        Assert.Equal(["formatVersion", "model", "unit", "customers", "parameters", "standardErrors", "logLikelihood", "converged", "exitReason", "iterations", "libraryVersion"], root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(1, root.GetProperty("formatVersion").GetInt32());
        Assert.Equal("weeks", root.GetProperty("unit").GetString());
        Assert.Equal("bgnbd", root.GetProperty("model").GetString());
        Assert.Equal(2357, root.GetProperty("customers").GetInt32());
        var p = root.GetProperty("parameters");
        Assert.Equal(["r", "alpha", "a", "b"], p.EnumerateObject().Select(e => e.Name).ToArray());
        AssertRelative(0.2425945, p.GetProperty("r").GetDouble(), 1e-4);
        AssertRelative(4.4136019, p.GetProperty("alpha").GetDouble(), 1e-4);
        AssertRelative(0.7929199, p.GetProperty("a").GetDouble(), 1e-4);
        AssertRelative(2.4258881, p.GetProperty("b").GetDouble(), 1e-4);
        Assert.InRange(root.GetProperty("logLikelihood").GetDouble(), -9582.44, -9582.42);
        Assert.True(root.GetProperty("converged").GetBoolean());
        Assert.InRange(root.GetProperty("iterations").GetInt32(), 1, 500);
        Assert.InRange(root.GetProperty("standardErrors").GetProperty("r").GetDouble(), 0.001, 0.1);
    }

    [Fact]
    public void Fit_Json_WritesRoundTripDoubles()
    {
        var (_, output, _) = CliRunner.Run("fit", CliRunner.Data("cdnow_customers_summary_with_transactions.csv"), "--model", "bgnbd", "--unit", "weeks", "--json");
        using var doc = JsonDocument.Parse(output);
        var raw = doc.RootElement.GetProperty("logLikelihood").GetRawText();
        var value = double.Parse(raw, CultureInfo.InvariantCulture);
        Assert.Equal(value.ToString("R", CultureInfo.InvariantCulture), raw);
        Assert.True(raw.Length > 10, raw);
    }

    [Fact]
    public void Fit_GammaGammaCdnow_ReproducesPublishedFit()
    {
        var (code, output, error) = CliRunner.Run("fit", CliRunner.Data("cdnow_customers_summary_with_transactions.csv"), "--model", "gamma-gamma", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(946, root.GetProperty("customers").GetInt32());
        var p = root.GetProperty("parameters");
        Assert.InRange(p.GetProperty("p").GetDouble(), 6.24, 6.26);
        Assert.InRange(p.GetProperty("q").GetDouble(), 3.73, 3.75);
        Assert.InRange(p.GetProperty("v").GetDouble(), 15.43, 15.45);
        Assert.InRange(root.GetProperty("logLikelihood").GetDouble(), -4055.93, -4055.91);
    }

    [Fact]
    public void Fit_OutFile_WritesSameDocumentAndTableToStdout()
    {
        var dir = CliRunner.TempDirectory();
        var model = Path.Combine(dir, "model.json");
        var (code, output, _) = CliRunner.Run("fit", CliRunner.Data("cdnow_customers_summary_with_transactions.csv"), "--model", "bgnbd", "--unit", "weeks", "--out", model);
        Assert.Equal(0, code);
        Assert.Contains("log-likelihood: -9582.4", output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(model));
        Assert.Equal("bgnbd", doc.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public void Fit_NonIntegerFrequency_ExitsTwoNamingLine()
    {
        var file = CliRunner.TempFile("customer_id,frequency,recency,T\na,1,2,5\nb,2.5,3,5\n");
        var (code, _, error) = CliRunner.Run("fit", file, "--model", "bgnbd");
        Assert.Equal(2, code);
        Assert.Contains(":3: frequency 2.5 is not a whole number", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_GammaGammaZeroSpend_ExitsTwoNamingLine()
    {
        var file = CliRunner.TempFile("customer_id,frequency,recency,T,monetary_value\na,1,2,5,10\nb,2,3,5,0\n");
        var (code, _, error) = CliRunner.Run("fit", file, "--model", "gamma-gamma");
        Assert.Equal(2, code);
        Assert.Contains("line 3: monetary value = 0 must be finite and > 0", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_UnknownModel_ExitsTwo()
    {
        var (code, _, _) = CliRunner.Run("fit", CliRunner.Data("cdnow_customers_summary_with_transactions.csv"), "--model", "nope");
        Assert.Equal(2, code);
    }

    private static void AssertRelative(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected), FormattableString.Invariant($"expected {expected}, got {actual}"));
}
