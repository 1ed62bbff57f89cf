using System.Globalization;
using BenchmarkDotNet.Attributes;
using Lifecycle.Stages;
using Lifecycle.Store;

namespace Lifecycle.Benchmarks;

/// <summary>
/// Loading events into a durable journey store: <see cref="JourneyTracker"/> over a fresh SQLite file (baseline) and
/// a fresh PostgreSQL schema (when <c>LIFECYCLE_POSTGRES</c> is set). Events per second = Events / mean time.
/// Each invocation tracks the whole stream into an empty store, so the numbers include schema creation.
/// </summary>
[MemoryDiagnoser]
public class JourneyStoreBenchmarks
{
    private LifecycleEvent[] _events = [];
    private LifecycleEngine _engine = null!;
    private string _path = "";
    private int _run;
    private string? _schema;

    /// <summary>Events; customers are a tenth of that (100k customers for 1M events).</summary>
    [ParamsSource(nameof(Sizes))]
    public int Events { get; set; }

    public static IEnumerable<int> Sizes => BenchmarkSizes.Of(1_000_000);

    [GlobalSetup]
    public void Setup()
    {
        var customers = Math.Max(1, Events / 10);
        var random = new Random(42);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _events = new LifecycleEvent[Events];
        for (var i = 0; i < Events; i++)
        {
            var id = "e" + i.ToString(CultureInfo.InvariantCulture);
            var customer = "c" + random.Next(customers).ToString(CultureInfo.InvariantCulture);
            var at = start.AddMinutes((double)i * 60 * 24 * 365 / Events);
            _events[i] = random.Next(10) < 4
                ? new LifecycleEvent(id, customer, at, EventKind.Purchase, random.Next(100, 20_000) / 100m)
                : new LifecycleEvent(id, customer, at, EventKind.Visit);
        }

        _engine = new LifecycleEngine(StageModels.ReachToLoyalty());
    }

    /// <summary>Gets the generated events (for the whole-process load of <see cref="StoreCpuRun"/>).</summary>
    internal IReadOnlyList<LifecycleEvent> EventsForRun => _events;

    [IterationSetup]
    public void NewStore() => _path = Path.Combine(Path.GetTempPath(), "lifecycle-bench-" + _run++.ToString(CultureInfo.InvariantCulture) + ".db");

    [IterationCleanup]
    public void DeleteStore()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }

        if (_schema is not null && Environment.GetEnvironmentVariable("LIFECYCLE_POSTGRES") is { } cs)
        {
            using var connection = new Npgsql.NpgsqlConnection(cs);
            connection.Open();
            using var drop = new Npgsql.NpgsqlCommand("DROP SCHEMA IF EXISTS " + _schema + " CASCADE", connection);
            drop.ExecuteNonQuery();
            _schema = null;
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<long> Sqlite()
    {
        var store = await SqliteJourneyStore.OpenAsync(_path);
        return (await new JourneyTracker(_engine, store, batchSize: 50_000).TrackAsync(_events, null)).Applied;
    }

    [Benchmark]
    public async Task<long> PostgreSql()
    {
        var cs = Environment.GetEnvironmentVariable("LIFECYCLE_POSTGRES")
            ?? throw new InvalidOperationException("LIFECYCLE_POSTGRES is not set; the PostgreSQL benchmark needs a server.");
        // A schema of its own per process and run, dropped afterwards: a schema left by an earlier run (of an older
        // version) would make this a re-run of duplicates, not a load into an empty store.
        _schema = "bench_" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "_" + _run.ToString(CultureInfo.InvariantCulture);
        await using var store = await PostgreSqlJourneyStore.OpenAsync(cs, _schema);
        return (await new JourneyTracker(_engine, store, batchSize: 50_000).TrackAsync(_events, null)).Applied;
    }
}
