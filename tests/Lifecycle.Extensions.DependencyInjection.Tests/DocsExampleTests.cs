using System.Text.RegularExpressions;
using Lifecycle.Clv;
using Lifecycle.Segmentation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lifecycle.Extensions.DependencyInjection.Tests;

/// <summary>The host example of docs/dependency-injection.md compiles (it is below), runs, and the page shows exactly this code.</summary>
public sealed partial class DocsExampleTests
{
    [Fact]
    public async Task HostExample_Runs()
    {
        var output = await ExampleAsync(["--Lifecycle:Stages:AtRiskAfterDays=60"], TestData.Transactions(300, seed: 5), TestData.End);
        Assert.Matches(@"^300 customers, mean 12-month CLV \d+\.\d\d, \d+ segments$", output);
    }

    [Fact]
    public async Task HostExample_BadConfiguration_FailsAtStart()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => ExampleAsync(["--Lifecycle:Stages:ChurnedAfterDays=30"], TestData.Transactions(10, seed: 5), TestData.End));
        Assert.Equal("Lifecycle:Stages:ChurnedAfterDays = 30 must be greater than Lifecycle:Stages:AtRiskAfterDays = 90; customers are at risk before they churn, so lengthen ChurnedAfterDays or shorten AtRiskAfterDays.", e.Message);
    }

    [Fact]
    public void Docs_ShowTheTestedExample()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Lifecycle.Core.sln")))
        {
            root = root.Parent!;
        }

        var page = File.ReadAllText(Path.Combine(root.FullName, "docs", "dependency-injection.md"));
        var block = CodeBlock().Match(page[page.IndexOf("<!-- example: host", StringComparison.Ordinal)..]).Groups[1].Value;
        var source = File.ReadAllText(Path.Combine(root.FullName, "tests", "Lifecycle.Extensions.DependencyInjection.Tests", "DocsExampleTests.cs"));
        var start = source.LastIndexOf("// begin-snippet", StringComparison.Ordinal);
        var snippet = source[(source.IndexOf('\n', start) + 1)..source.LastIndexOf("// end-snippet", StringComparison.Ordinal)];
        Assert.Equal(Normalize(block), Normalize(snippet));
    }

    private static string Normalize(string code) =>
        string.Join('\n', code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    private static async Task<string> ExampleAsync(string[] args, Transaction<string>[] transactions, DateTimeOffset observationEnd)
    {
        // begin-snippet
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddLifecycle();
        builder.Services.Configure<LifecycleOptions>(builder.Configuration.GetSection(LifecycleOptions.SectionName));

        using IHost host = builder.Build();
        await host.StartAsync(); // a bad "Lifecycle" section fails here, naming the option and the fix

        IServiceProvider services = host.Services;
        SummarySet<string> summaries = services.GetRequiredService<ISummarizerFactory>().Summarize<string>(transactions, observationEnd);
        IClvModelFitter fitter = services.GetRequiredService<IClvModelFitter>();
        FitResult<BgNbdModel> purchases = fitter.FitTransactions(summaries);
        FitResult<GammaGammaModel> spend = fitter.FitSpend(summaries);
        CustomerPredictions predictions = services.GetRequiredService<IClvCalculator>().Predict(summaries, purchases.Model, spend.Model);
        SegmentAssignment segments = services.GetRequiredService<ICustomerSegmenter>().Segment(summaries);

        string report = $"{summaries.Count} customers, mean 12-month CLV {predictions.LifetimeValue.ToArray().Average():F2}, {segments.Names.Count} segments";
        await host.StopAsync();
        // end-snippet
        return report;
    }
}
