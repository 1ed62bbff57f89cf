using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Lifecycle.Stages;
using Lifecycle.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lifecycle.Extensions.DependencyInjection.Tests;

/// <summary>The hosted journey processor: the docs/store.md host example runs (and the page shows exactly this code), every transition reaches the handlers once, bad options fail at start.</summary>
public sealed partial class JourneyProcessorTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // begin-snippet
    public sealed class PrintTransitions : ITransitionHandler
    {
        public ConcurrentQueue<string> Seen { get; } = new();

        public Task HandleAsync(TransitionArguments arguments, CancellationToken cancellationToken)
        {
            StageTransition t = arguments.Transition;
            Seen.Enqueue($"#{arguments.Sequence} {arguments.CustomerId}: {t.From ?? "(new)"} -> {t.To} by {t.Rule}");
            return Task.CompletedTask;
        }
    }

    private static async Task<PrintTransitions> HostExampleAsync(string[] args, string databasePath, IEnumerable<LifecycleEvent> incoming)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddLifecycle();
        builder.Services.Configure<JourneyProcessorOptions>(builder.Configuration.GetSection("Lifecycle:Journeys"));
        builder.Services.AddSingleton<IJourneyStore>(await SqliteJourneyStore.OpenAsync(databasePath));
        builder.Services.AddSingleton<PrintTransitions>();
        builder.Services.AddSingleton<ITransitionHandler>(sp => sp.GetRequiredService<PrintTransitions>());
        Channel<LifecycleEvent> events = Channel.CreateUnbounded<LifecycleEvent>();
        builder.Services.AddJourneyProcessor(events.Reader, configure: null);

        using IHost host = builder.Build();
        await host.StartAsync(); // a bad "Lifecycle:Journeys" section fails here

        foreach (LifecycleEvent e in incoming)
        {
            await events.Writer.WriteAsync(e); // from your message bus, web hooks, ...
        }

        PrintTransitions printed = host.Services.GetRequiredService<PrintTransitions>();
        await WaitUntilAsync(() => printed.Seen.Count >= 3);
        await host.StopAsync();
        return printed;
    }
    // end-snippet

    private static async Task WaitUntilAsync(Func<bool> done)
    {
        for (var i = 0; i < 600 && !done(); i++)
        {
            await Task.Delay(50);
        }
    }

    private static string TempDb() => Path.Combine(Path.GetTempPath(), "lifecycle-di-tests-" + Path.GetRandomFileName() + ".db");

    [Fact]
    public async Task HostExample_PublishesEachTransitionOnce()
    {
        var db = TempDb();
        var events = new[]
        {
            LifecycleEvent.Touch("e1", "alice", T0),
            LifecycleEvent.Purchase("e2", "alice", T0.AddDays(3), 49.90m),
            LifecycleEvent.Purchase("e3", "alice", T0.AddDays(40), 20m),
            LifecycleEvent.Purchase("e3", "alice", T0.AddDays(40), 20m), // a replay: ignored
        };
        var printed = await HostExampleAsync([], db, events);
        Assert.Equal(
            ["#1 alice: (new) -> Reach by first-contact", "#2 alice: Reach -> Conversion by first-purchase", "#3 alice: Conversion -> Retention by repeat-purchase"],
            printed.Seen);

        // A restart over the same store with the same events: nothing new is published.
        var again = await HostExampleAsync([], db, events.Append(LifecycleEvent.Nps("e4", "alice", T0.AddDays(41), 10)));
        Assert.Equal(["#4 alice: Retention -> Loyalty by promoter"], again.Seen);
        var store = await SqliteJourneyStore.OpenAsync(db, TestContext.Current.CancellationToken);
        Assert.Empty(await store.ReadOutboxAsync(10, TestContext.Current.CancellationToken));
        DeleteDb(db);
    }

    /// <summary>Removes a test database and its WAL files (tests leave nothing in the temp directory).</summary>
    private static void DeleteDb(string db)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(db + suffix);
        }
    }

    [Fact]
    public async Task HostExample_BadOptions_FailAtStart()
    {
        var db = TempDb();
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => HostExampleAsync(["--Lifecycle:Journeys:BatchSize=0"], db, []));
        DeleteDb(db);
        Assert.Equal("Lifecycle:Journeys:BatchSize = 0 must be from 1 to 1000000; use a few thousand events per commit.", e.Message);
    }

    [Fact]
    public void Docs_ShowTheTestedExample()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Lifecycle.Core.sln")))
        {
            root = root.Parent!;
        }

        var page = File.ReadAllText(Path.Combine(root.FullName, "docs", "store.md"));
        var block = CodeBlock().Match(page[page.IndexOf("<!-- example: host", StringComparison.Ordinal)..]).Groups[1].Value;
        var source = File.ReadAllText(Path.Combine(root.FullName, "tests", "Lifecycle.Extensions.DependencyInjection.Tests", "JourneyProcessorTests.cs"));
        var start = source.IndexOf("// begin-snippet", StringComparison.Ordinal);
        var snippet = source[(source.IndexOf('\n', start) + 1)..source.IndexOf("// end-snippet", StringComparison.Ordinal)];
        Assert.Equal(Normalize(block), Normalize(snippet));
    }

    private static string Normalize(string code) =>
        string.Join('\n', code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
