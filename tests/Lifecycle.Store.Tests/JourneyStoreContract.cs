using System.Diagnostics;
using System.Globalization;
using Lifecycle.Stages;

namespace Lifecycle.Store.Tests;

/// <summary>The contract every <see cref="IJourneyStore"/> adapter passes; one subclass per adapter.</summary>
public abstract class JourneyStoreContract : IAsyncLifetime
{
    protected static readonly StageModel Model = StageModels.ReachToLoyalty();

    /// <summary>Gets the <c>--store</c> value the CLI uses for this test's (empty) store.</summary>
    protected abstract string StoreSpec { get; }

    public abstract ValueTask InitializeAsync();

    public abstract ValueTask DisposeAsync();

    protected abstract Task<IJourneyStore> OpenAsync();

    /// <summary>Overwrites the stored schema version (to test a store written by a newer library).</summary>
    protected abstract Task SetSchemaVersionAsync(int version);

    protected static string TempPath(string extension) => Path.Combine(Path.GetTempPath(), "lifecycle-store-tests-" + Path.GetRandomFileName() + extension);

    private static async Task<List<(string Id, string Stage, string Snapshot, string Journey)>> DumpAsync(IJourneyStore store, IEnumerable<string> ids)
    {
        var all = ids.Order(StringComparer.Ordinal).ToList();
        var states = await store.ReadStatesAsync(all);
        var dump = new List<(string, string, string, string)>();
        foreach (var id in all)
        {
            var s = states[id].Restore(Model, id);
            var journey = await store.ReadJourneyAsync(id);
            dump.Add((id, s.CurrentStage!.Value.Id, Convert.ToBase64String(states[id].Snapshot.Span), string.Join(" | ", journey)));
        }

        return dump;
    }

    private static void AssertMatchesReference(Dictionary<string, CustomerState> reference, IReadOnlyDictionary<string, StoredState> stored, Dictionary<string, IReadOnlyList<StageTransition>> journeys)
    {
        Assert.Equal(reference.Count, stored.Count);
        foreach (var (id, expected) in reference)
        {
            var actual = stored[id].Restore(Model, id);
            Assert.Equal(expected.Journey.ToArray(), actual.Journey.ToArray());
            Assert.Equal(expected.Facts, actual.Facts);
            Assert.Equal(expected.EventCount, actual.EventCount);
            Assert.Equal(expected.Journey.ToArray(), journeys[id]);
        }
    }

    private static async Task<Dictionary<string, IReadOnlyList<StageTransition>>> JourneysAsync(IJourneyStore store, IEnumerable<string> ids)
    {
        var result = new Dictionary<string, IReadOnlyList<StageTransition>>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            result[id] = await store.ReadJourneyAsync(id);
        }

        return result;
    }

    [Fact]
    public async Task Track_StreamWithLateEvents_StoresExactlyTheInMemoryFold()
    {
        var events = EventStreams.Generate(seed: 1, customers: 150, events: 3000, lateShare: 0.2);
        var reference = EventStreams.Fold(Model, events);
        var store = await OpenAsync();
        var report = await new JourneyTracker(new LifecycleEngine(Model), store, batchSize: 97).TrackAsync(events, "s");
        Assert.Equal(3000, report.Applied + report.Refolds);
        Assert.True(report.Refolds > 0, "the stream has late events");

        AssertMatchesReference(reference, await store.ReadStatesAsync(reference.Keys), await JourneysAsync(store, reference.Keys));

        // Current stage counts and daily flows agree with the in-memory states.
        var counts = await store.CountStagesAsync();
        var expectedCounts = reference.Values.GroupBy(s => s.CurrentStage!.Value.Id).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expectedCounts.OrderBy(p => p.Key, StringComparer.Ordinal), counts.OrderBy(p => p.Key, StringComparer.Ordinal));
        var flows = await store.CountDailyFlowsAsync();
        var expectedFlows = reference.Values.SelectMany(s => s.Journey.ToArray())
            .GroupBy(t => (Day: new DateTimeOffset(t.At.UtcDateTime.Date, TimeSpan.Zero), t.From, t.To))
            .Select(g => new StageFlowCount(g.Key.Day, g.Key.From, g.Key.To, g.Count()))
            .OrderBy(f => f.ToString(), StringComparer.Ordinal);
        Assert.Equal(expectedFlows, flows.OrderBy(f => f.ToString(), StringComparer.Ordinal));
        Assert.Equal(reference.Values.Sum(s => s.Journey.Length), flows.Sum(f => f.Count));
    }

    [Fact]
    public async Task Track_SameSourceAgain_ChangesNothing()
    {
        var events = EventStreams.Generate(seed: 2, customers: 80, events: 1500);
        var store = await OpenAsync();
        await new JourneyTracker(new LifecycleEngine(Model), store, batchSize: 200).TrackAsync(events, "file-a");
        var before = await DumpAsync(store, events.Select(e => e.CustomerId).Distinct());

        // Resumed from the checkpoint: nothing to do.
        var again = await new JourneyTracker(new LifecycleEngine(Model), store, batchSize: 200).TrackAsync(events, "file-a");
        Assert.Equal((1500L, 0L, 0L, false), (again.Skipped, again.Applied, again.Transitions, again.SourceChanged));

        // Without a checkpoint (another source name, shuffled): every event is recognised as stored.
        var shuffled = events.ToArray();
        new Random(5).Shuffle(shuffled);
        var other = await new JourneyTracker(new LifecycleEngine(Model), store, batchSize: 64).TrackAsync(shuffled, "file-b");
        Assert.Equal((1500L, 0L, 0L, 0L), (other.Duplicates, other.Applied, other.Refolds, other.Transitions));

        // The same name over a rewritten source: detected, checked again, still nothing changes.
        var rewritten = await new JourneyTracker(new LifecycleEngine(Model), store).TrackAsync(shuffled, "file-a");
        Assert.True(rewritten.SourceChanged);
        Assert.Equal(1500L, rewritten.Duplicates);
        Assert.Equal(before, await DumpAsync(store, events.Select(e => e.CustomerId).Distinct()));
    }

    [Fact]
    public async Task Commit_StaleVersion_IsAConflictAndWritesNothingOfTheBatch()
    {
        var store = await OpenAsync();
        var engine = new LifecycleEngine(Model);
        CustomerCommit Commit(string id, long expected, int day, string eventId)
        {
            var s = engine.Apply(engine.Start(id), LifecycleEvent.Touch(eventId, id, EventStreams.Origin.AddDays(day))).State;
            return new CustomerCommit(id, expected, CustomerStateSnapshot.Write(s), s.CurrentStage!.Value.Id, s.AsOf!.Value, [new StoredEvent(eventId, s.AsOf!.Value, "touch")], 0, s.Journey.ToArray());
        }

        Assert.True((await store.CommitAsync(new JourneyBatch([Commit("a", 0, 1, "e1")], null, false))).Committed);

        // A second writer that also started from "no state": refused, and its other customer is not written either.
        var stale = await store.CommitAsync(new JourneyBatch([Commit("b", 0, 1, "e1"), Commit("a", 0, 2, "e2")], new SourceCheckpoint("x", 2, 7), true));
        Assert.False(stale.Committed);
        Assert.Equal(["a"], stale.Conflicts);
        Assert.Empty(await store.ReadStatesAsync(["b"]));
        Assert.Null(await store.ReadCheckpointAsync("x"));
        Assert.Empty(await store.ReadOutboxAsync(10));

        Assert.True((await store.CommitAsync(new JourneyBatch([Commit("a", 1, 3, "e3")], null, false))).Committed);
        Assert.Equal(2, (await store.ReadStatesAsync(["a"]))["a"].Version);
        var old = await store.CommitAsync(new JourneyBatch([Commit("a", 1, 4, "e4")], null, false));
        Assert.Equal(["a"], old.Conflicts);
        Assert.Equal(2, (await store.ReadStatesAsync(["a"]))["a"].Version);
    }

    [Fact]
    public async Task ConcurrentTrackers_OnTheSameCustomers_LoseNothing()
    {
        // Four writers, each with a quarter of the events of the same 5 customers, committing 1–3 events at a time.
        var events = EventStreams.Generate(seed: 3, customers: 5, events: 400);
        var reference = EventStreams.Fold(Model, events);
        var store = await OpenAsync();
        var parts = events.Select((e, i) => (e, i)).GroupBy(p => p.i % 4, p => p.e).ToList();
        var reports = await Task.WhenAll(parts.Select((part, w) => Task.Run(async () =>
        {
            var tracker = new JourneyTracker(new LifecycleEngine(Model), store, batchSize: 1 + w % 3) { MaxConflictRetries = 1000 };
            return await tracker.TrackAsync(part.ToList(), null);
        })));

        AssertMatchesReference(reference, await store.ReadStatesAsync(reference.Keys), await JourneysAsync(store, reference.Keys));
        Assert.Equal(400, reports.Sum(r => r.Applied + r.Refolds));
    }

    [Fact]
    public async Task Outbox_HoldsEachNewTransitionOnceUntilAcknowledged()
    {
        var events = EventStreams.Generate(seed: 4, customers: 30, events: 400, lateShare: 0);
        var reference = EventStreams.Fold(Model, events);
        var store = await OpenAsync();
        await new JourneyTracker(new LifecycleEngine(Model), store, batchSize: 50, publish: true).TrackAsync(events, null);

        var messages = await store.ReadOutboxAsync(100_000);
        var expected = reference.Values.SelectMany(s => s.Journey.ToArray().Select((t, i) => (s.CustomerId, i, t))).OrderBy(x => x.ToString(), StringComparer.Ordinal);
        Assert.Equal(expected, messages.Select(m => (m.CustomerId, m.JourneyIndex, m.Transition)).OrderBy(x => x.ToString(), StringComparer.Ordinal));
        Assert.True(messages.Zip(messages.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence));

        var half = messages.Take(messages.Count / 2).Select(m => m.Sequence).ToList();
        await store.AcknowledgeOutboxAsync(half);
        var rest = await store.ReadOutboxAsync(100_000);
        Assert.Equal(messages.Skip(half.Count), rest);
    }

    [Fact]
    public async Task Evaluate_FiresTimeRulesOnceAndStoresThem()
    {
        var events = EventStreams.Generate(seed: 6, customers: 40, events: 300, lateShare: 0);
        var store = await OpenAsync();
        var tracker = new JourneyTracker(new LifecycleEngine(Model), store, publish: true);
        await tracker.TrackAsync(events, null);
        var asOf = EventStreams.Origin.AddDays(800);
        var reference = EventStreams.Fold(Model, events).Values.Select(s => new LifecycleEngine(Model).Evaluate(s, asOf).State).ToDictionary(s => s.CustomerId);

        var first = await new JourneyTracker(new LifecycleEngine(Model), store, batchSize: 7, publish: true).EvaluateAsync(asOf);
        Assert.Equal(40, first.Evaluated);
        Assert.True(first.Transitions > 0);
        AssertMatchesReference(reference, await store.ReadStatesAsync(reference.Keys), await JourneysAsync(store, reference.Keys));

        var second = await new JourneyTracker(new LifecycleEngine(Model), store, batchSize: 7, publish: true).EvaluateAsync(asOf);
        Assert.Equal(0, second.Transitions);
        Assert.Equal(reference.Values.Sum(s => s.Journey.Length), (await store.ReadOutboxAsync(100_000)).Count);
    }

    [Fact]
    public async Task Open_SchemaFromANewerLibrary_IsAnErrorNamingTheVersion()
    {
        (await OpenAsync()).GetType();
        await SetSchemaVersionAsync(99);
        var e = await Assert.ThrowsAsync<JourneyStoreException>(OpenAsync);
        Assert.Contains("has schema version 99, but this library knows versions 1 to 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Track_KilledAtRandomPointsThenRerun_EqualsTheUninterruptedRun()
    {
        var events = EventStreams.Generate(seed: 8, customers: 2000, events: 40_000, lateShare: 0.05);
        var csv = EventStreams.WriteCsv(events, TempPath(".csv"));
        try
        {
            var r = new Random(11);
            var kills = 0;
            for (var attempt = 0; attempt < 4; attempt++)
            {
                using var p = StartCli("track", csv, "--store", StoreSpec, "--batch-size", "500");
                var exited = p.WaitForExit(r.Next(400, 2500));
                if (!exited)
                {
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit();
                    kills++;
                }
            }

            using (var final = StartCli("track", csv, "--store", StoreSpec, "--batch-size", "500"))
            {
                Assert.True(final.WaitForExit(300_000), "the final track run did not finish in 5 minutes");
                Assert.True(final.ExitCode == 0, final.StandardError.ReadToEnd());
            }

            Assert.True(kills > 0, "no run was killed: the file is tracked too fast for the kill points; use a larger stream");
            var reference = EventStreams.Fold(Model, events);
            var store = await OpenAsync();
            AssertMatchesReference(reference, await store.ReadStatesAsync(reference.Keys), await JourneysAsync(store, reference.Keys));
            var counts = await store.CountStagesAsync();
            Assert.Equal(reference.Count, counts.Values.Sum());
            Assert.Equal(reference.Values.Sum(s => s.Journey.Length), (await store.CountDailyFlowsAsync()).Sum(f => f.Count));
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public async Task Journeys_Cli_PrintsHistoryDistributionAndFlows()
    {
        var events = EventStreams.Generate(seed: 9, customers: 20, events: 200);
        var csv = EventStreams.WriteCsv(events, TempPath(".csv"));
        try
        {
            using (var track = StartCli("track", csv, "--store", StoreSpec))
            {
                track.WaitForExit();
                Assert.True(track.ExitCode == 0, track.StandardError.ReadToEnd());
            }

            using var journeys = StartCli("journeys", "--store", StoreSpec, "--customer", "c3", "--json");
            var json = journeys.StandardOutput.ReadToEnd();
            journeys.WaitForExit();
            Assert.True(journeys.ExitCode == 0, journeys.StandardError.ReadToEnd());
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            var reference = EventStreams.Fold(Model, events)["c3"];
            var history = doc.RootElement.GetProperty("history");
            Assert.Equal(reference.Journey.Length, history.GetArrayLength());
            Assert.Equal(reference.CurrentStage!.Value.Id, history[history.GetArrayLength() - 1].GetProperty("stage").GetString());
            Assert.Equal(20, doc.RootElement.GetProperty("distribution").EnumerateArray().Sum(d => d.GetProperty("customers").GetInt32()));

            using var missing = StartCli("journeys", "--store", StoreSpec, "--customer", "nobody");
            var error = missing.StandardError.ReadToEnd();
            missing.WaitForExit();
            Assert.Equal(2, missing.ExitCode);
            Assert.Contains("--customer nobody: no such customer", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    private static Process StartCli(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lifecycle.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info)!;
    }
}

public sealed class SqliteJourneyStoreContractTests : JourneyStoreContract
{
    private readonly string _path = TempPath(".db");

    protected override string StoreSpec => _path;

    public override ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public override ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }

        return ValueTask.CompletedTask;
    }

    protected override async Task<IJourneyStore> OpenAsync() => await SqliteJourneyStore.OpenAsync(_path);

    protected override Task SetSchemaVersionAsync(int version)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + _path);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = string.Create(CultureInfo.InvariantCulture, $"UPDATE lifecycle_schema SET version = {version};");
        cmd.ExecuteNonQuery();
        return Task.CompletedTask;
    }
}

public sealed class PostgreSqlJourneyStoreContractTests : JourneyStoreContract
{
    private readonly string _database = "lifecycle_store_test_" + Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal);
    private string? _connection;

    protected override string StoreSpec => _connection!;

    private static string Server =>
        Environment.GetEnvironmentVariable("LIFECYCLE_POSTGRES") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("LIFECYCLE_POSTGRES is not set: the PostgreSQL contract tests need a real server. Set it to an Npgsql connection string (e.g. Host=localhost;Port=5432;Username=postgres;Password=postgres;Database=postgres); .ci/run installs and starts PostgreSQL and sets it.");

    public override async ValueTask InitializeAsync()
    {
        await using (var c = new Npgsql.NpgsqlConnection(Server))
        {
            await c.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand($"CREATE DATABASE {_database};", c);
            await cmd.ExecuteNonQueryAsync();
        }

        _connection = new Npgsql.NpgsqlConnectionStringBuilder(Server) { Database = _database }.ConnectionString;
    }

    public override async ValueTask DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await using var c = new Npgsql.NpgsqlConnection(Server);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE);", c);
        await cmd.ExecuteNonQueryAsync();
    }

    protected override async Task<IJourneyStore> OpenAsync() => await PostgreSqlJourneyStore.OpenAsync(_connection!);

    protected override async Task SetSchemaVersionAsync(int version)
    {
        await using var c = new Npgsql.NpgsqlConnection(_connection);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(string.Create(CultureInfo.InvariantCulture, $"UPDATE lifecycle_schema SET version = {version};"), c);
        await cmd.ExecuteNonQueryAsync();
    }
}
