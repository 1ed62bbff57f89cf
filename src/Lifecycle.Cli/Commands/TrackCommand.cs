using System.CommandLine;
using System.Globalization;
using Lifecycle.Stages;
using Lifecycle.Store;

namespace Lifecycle.Cli.Commands;

/// <summary><c>lifecycle track EVENTS --store STORE</c>: folds an events CSV into a durable journey store, resuming where an earlier run stopped.</summary>
internal static class TrackCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("EVENTS") { Description = "Events CSV with header: event_id,customer_id,timestamp,kind[,amount][,score] (the format of 'lifecycle stages')." };
        var store = StoreOption();
        var model = ModelOption();
        var batch = new Option<int>("--batch-size") { Description = "Events per commit (1 to 1,000,000). A killed run loses at most one batch, which the next run applies again.", DefaultValueFactory = _ => 8192 };
        var command = new Command("track", "Fold an events CSV into a journey store (SQLite file or PostgreSQL); re-running on the same file changes nothing, an interrupted run resumes.") { file };
        command.Options.Add(store);
        command.Options.Add(model);
        command.Options.Add(batch);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var size = parse.GetValue(batch);
            if (size is < 1 or > 1_000_000)
            {
                throw new CliInputException(FormattableString.Invariant($"--batch-size {size} is out of range; use 1 to 1,000,000 events per commit (default 8192)."));
            }

            var stageModel = StageModelFor(parse.GetValue(model)!);
            var events = StagesCommand.ReadEvents(path, stageModel, context.Progress);
            var journeys = OpenStore(parse.GetValue(store)!);
            try
            {
                var tracker = new JourneyTracker(new LifecycleEngine(stageModel, OutOfOrderPolicy.Refold), journeys, size);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var report = tracker.TrackAsync(events, "file:" + Path.GetFullPath(path)).GetAwaiter().GetResult();
                var seconds = clock.Elapsed.TotalSeconds;
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: {events.Count} events; {report.Skipped} already tracked by an earlier run (skipped), {report.Applied} applied, {report.Duplicates} already in the store, {report.Refolds} late events re-folded; {report.Transitions} transitions written in {report.Batches} commits; {seconds:0.0} s in the store ({(report.Events == 0 ? 0 : report.Events / Math.Max(seconds, 1e-9)):0} events/s)."));
                if (report.SourceChanged)
                {
                    context.Error.WriteLine($"{path}: the file changed since the store's last run over it; every event was checked again (events already stored were ignored).");
                }
            }
            catch (SnapshotFormatException e)
            {
                throw new CliInputException($"{parse.GetValue(store)}: {e.Message} (was the store written with another --model?)");
            }
            finally
            {
                (journeys as IAsyncDisposable)?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            context.Out.Flush();
            return CliApp.Success;
        });
        return command;
    }

    internal static Option<string> StoreOption() => new("--store")
    {
        Description = "The journey store: a SQLite file path (created when missing), or PostgreSQL as postgres://user:password@host:port/database or an Npgsql connection string (Host=...;Username=...).",
        Required = true,
    };

    internal static Option<string> ModelOption() => new Option<string>("--model") { Description = "Stage model: reach-to-loyalty or awareness-to-advocacy (use the same one for every run on a store).", DefaultValueFactory = _ => "reach-to-loyalty" }.WithValues("reach-to-loyalty", "awareness-to-advocacy");

    internal static StageModel StageModelFor(string name) => name == "awareness-to-advocacy" ? StageModels.AwarenessToAdvocacy() : StageModels.ReachToLoyalty();

    /// <summary>Opens the store named by <c>--store</c>: PostgreSQL for a URL or a connection string, else a SQLite file.</summary>
    internal static IJourneyStore OpenStore(string spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
        {
            throw new CliInputException("--store is empty; pass a SQLite file path (journeys.db) or a PostgreSQL URL (postgres://user:password@host/database).");
        }

        try
        {
            if (IsPostgreSql(spec))
            {
                return PostgreSqlJourneyStore.OpenAsync(spec).GetAwaiter().GetResult();
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(spec));
            if (Directory.Exists(spec) || (directory is not null && !Directory.Exists(directory)))
            {
                throw new CliInputException($"--store {spec}: {(Directory.Exists(spec) ? "is a directory" : "its directory does not exist")}; pass the path of a SQLite file in an existing directory.");
            }

            return SqliteJourneyStore.OpenAsync(spec).GetAwaiter().GetResult();
        }
        catch (JourneyStoreException e)
        {
            throw new CliInputException($"--store: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new CliInputException($"--store: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static bool IsPostgreSql(string spec) =>
        spec.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || spec.Contains("Host=", StringComparison.OrdinalIgnoreCase) || spec.Contains("Server=", StringComparison.OrdinalIgnoreCase);
}
