using System.Diagnostics;
using System.Globalization;
using Lifecycle.Stages;
using Lifecycle.Store;

namespace Lifecycle.Benchmarks;

/// <summary>
/// One measured load of the data of <see cref="JourneyStoreBenchmarks"/> into a fresh SQLite file and (when
/// <c>LIFECYCLE_POSTGRES</c> is set) a fresh PostgreSQL schema, reporting events per second of wall clock and of
/// this process's CPU time (the PostgreSQL server's CPU is not in it).
/// </summary>
internal static class StoreCpuRun
{
    // dotnet run -c Release --project benchmarks/Lifecycle.Benchmarks -- store-cpu [EVENTS] [BATCH] [sqlite|postgres|both]
    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        var batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50_000;
        var which = args.Length > 3 ? args[3] : "both";
        var bench = new JourneyStoreBenchmarks { Events = events };
        bench.Setup();
        var data = bench.EventsForRun;
        var engine = new LifecycleEngine(StageModels.ReachToLoyalty());
        var dir = Directory.CreateTempSubdirectory("lifecycle-store-cpu-");
        try
        {
            if (which is "sqlite" or "both")
            {
                var store = await SqliteJourneyStore.OpenAsync(Path.Combine(dir.FullName, "load.db"));
                await MeasureAsync("SQLite", events, () => new JourneyTracker(engine, store, batch).TrackAsync(data, "load"));
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }

            if (which is "postgres" or "both")
            {
                var cs = Environment.GetEnvironmentVariable("LIFECYCLE_POSTGRES")
                    ?? throw new InvalidOperationException("LIFECYCLE_POSTGRES is not set; the PostgreSQL load needs a server (Host=...;Username=...;Password=...;Database=...).");
                var schema = "load_" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
                await using var store = await PostgreSqlJourneyStore.OpenAsync(cs, schema);
                try
                {
                    await MeasureAsync("PostgreSQL", events, () => new JourneyTracker(engine, store, batch).TrackAsync(data, "load"));
                }
                finally
                {
                    await using var c = new Npgsql.NpgsqlConnection(cs);
                    await c.OpenAsync();
                    await using var drop = new Npgsql.NpgsqlCommand("DROP SCHEMA " + schema + " CASCADE", c);
                    await drop.ExecuteNonQueryAsync();
                }
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }

        return 0;
    }

    private static async Task MeasureAsync(string name, int events, Func<Task<TrackReport>> run)
    {
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var pause = GC.GetTotalPauseDuration();
        var allocated = GC.GetTotalAllocatedBytes();
        var sw = Stopwatch.StartNew();
        var report = await run();
        sw.Stop();
        self.Refresh();
        var used = (self.TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {events:N0} events in {sw.Elapsed.TotalSeconds:F1} s wall ({events / sw.Elapsed.TotalSeconds:N0} events/s), {used:F1} s CPU in this process ({events / used:N0} events per CPU-second); applied {report.Applied:N0}, refolds {report.Refolds:N0}, transitions {report.Transitions:N0}, batches {report.Batches}; GC pause {(GC.GetTotalPauseDuration() - pause).TotalSeconds:F1} s, allocated {(GC.GetTotalAllocatedBytes() - allocated) / 1e9:F1} GB"));
    }
}
