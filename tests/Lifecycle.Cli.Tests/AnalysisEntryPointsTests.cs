using System.Globalization;
using Lifecycle.Analysis;
using Microsoft.Extensions.DependencyInjection;

namespace Lifecycle.Cli.Tests;

/// <summary>The library, the DI service and the CLI run one analysis: on the same data they give the same numbers, to the last bit.</summary>
public sealed class AnalysisEntryPointsTests
{
    [Fact]
    public void LibraryDiAndCli_Cdnow_IdenticalNumbers()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "TestData", "CDNOW_sample.txt");
        var transactions = ReadCdnow(file);
        var dir = Path.Combine(CliRunner.TempDirectory(), "report");
        var (code, _, error) = CliRunner.Run("analyze", file, "--format", "cdnow", "--out", dir);
        Assert.True(code == 0, error);
        var cli = System.IO.File.ReadAllLines(Path.Combine(dir, "customers.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[0]);

        var library = CustomerAnalysis.Run(transactions, cancellationToken: TestContext.Current.CancellationToken);
        using var provider = new ServiceCollection().AddLifecycle().BuildServiceProvider();
        var di = provider.GetRequiredService<ICustomerAnalyzer>().Analyze(transactions, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(library.Options, di.Options);
        Assert.Equal(library.Summaries.Count, cli.Count);
        Assert.Equal(library.TransactionFit!.Name, di.TransactionFit!.Name);
        for (var k = 0; k < library.TransactionFit.Parameters.Count; k++)
        {
            Close(library.TransactionFit.Parameters[k], di.TransactionFit.Parameters[k]);
        }
        Assert.True(library.HasClv);
        Assert.True(library.Holdout is { Automatic: true, Rankings.Count: 3 });
        for (var i = 0; i < library.Summaries.Count; i++)
        {
            var row = cli[library.Summaries.Ids[i]];
            Close(library.PAlive[i], di.PAlive[i]);
            Close(library.Value[i], di.Value[i]);
            Assert.Equal(library.Stages[i], di.Stages[i]);
            Close(library.PAlive[i], double.Parse(row[10], CultureInfo.InvariantCulture));
            Close(library.ExpectedPurchases[i], double.Parse(row[11], CultureInfo.InvariantCulture));
            Close(library.Value[i], double.Parse(row[13], CultureInfo.InvariantCulture));
            Assert.Equal(library.SegmentOf(i), row[17]);
        }
    }

    /// <summary>
    /// Equal to 1e-10 relative. Each run is deterministic in what it computes, but the fits were measured to differ in
    /// the last bits between runs (2.6e-15 relative on CDNOW's parameters), which is what summing a likelihood in a
    /// different order does; 1e-10 is far below any reported digit and far above that noise.
    /// </summary>
    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-10 * Math.Max(1, Math.Abs(expected)), FormattableString.Invariant($"expected {expected:R}, got {actual:R}"));

    private static Transaction<string>[] ReadCdnow(string path) =>
        [.. System.IO.File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(c =>
            new Transaction<string>(c[1].TrimStart('0'), new DateTimeOffset(DateTime.ParseExact(c[2], "yyyyMMdd", CultureInfo.InvariantCulture), TimeSpan.Zero), decimal.Parse(c[4], CultureInfo.InvariantCulture)))];

    /// <summary>A generated file: library and CLI agree (BG/NBD only: Pareto/NBD fits slowly on these data in days).</summary>
    [Fact]
    public void LibraryAndCli_Generated_IdenticalNumbers()
    {
        var (file, transactions) = Generated();
        var dir = Path.Combine(CliRunner.TempDirectory(), "report");
        var (code, _, error) = CliRunner.Run("analyze", file, "--model", "bgnbd", "--out", dir);
        Assert.True(code == 0, error);
        var cli = System.IO.File.ReadAllLines(Path.Combine(dir, "customers.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[0]);
        var library = CustomerAnalysis.Run(transactions, AnalysisOptions.Default with { Models = [TransactionModelKind.BgNbd] }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotNull(library.TransactionFit);
        for (var i = 0; i < library.Summaries.Count; i++)
        {
            var row = cli[library.Summaries.Ids[i]];
            Close(library.PAlive[i], double.Parse(row[10], CultureInfo.InvariantCulture));
            Close(library.ExpectedPurchases[i], double.Parse(row[11], CultureInfo.InvariantCulture));
            Assert.Equal(library.SegmentOf(i), row[17]);
        }
    }

    private static (string, Transaction<string>[]) Generated()
    {
        var file = AnalyzeCommandTests.GeneratedTransactions(400, 17);
        var rows = System.IO.File.ReadLines(file).Skip(1).Select(l => l.Split(',')).Select(c =>
            new Transaction<string>(c[0], new DateTimeOffset(DateTime.ParseExact(c[1], "yyyy-MM-dd", CultureInfo.InvariantCulture), TimeSpan.Zero), decimal.Parse(c[2], CultureInfo.InvariantCulture))).ToArray();
        return (file, rows);
    }
}
