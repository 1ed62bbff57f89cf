using System.Diagnostics;
using System.Globalization;
using Lifecycle.Stages;

namespace Lifecycle.Benchmarks;

/// <summary>
/// One measured pass of the stage engine outside BenchmarkDotNet, reporting process CPU time next to wall clock (on a
/// shared machine CPU time is the steadier number): the data and fold of <see cref="StagesBenchmarks"/>, plus the
/// out-of-order cases of docs/benchmarks.md (one customer's events applied newest-first and shuffled).
/// </summary>
internal static class StagesCpuRun
{
    // dotnet run -c Release --project benchmarks/Lifecycle.Benchmarks -- stages-cpu [EVENTS] [LATE_EVENTS]
    public static int Run(string[] args)
    {
        var events = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        var late = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30_000;
        var bench = new StagesBenchmarks { Events = events };
        bench.Setup();
        Measure(string.Create(CultureInfo.InvariantCulture, $"facts only, {events:N0} events"), events, bench.FactsOnly);
        Measure(string.Create(CultureInfo.InvariantCulture, $"default rules, {events:N0} events"), events, bench.FoldDefaultRules);

        var engine = new LifecycleEngine(StageModels.ReachToLoyalty());
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var one = new LifecycleEvent[late];
        for (var i = 0; i < late; i++)
        {
            var id = "e" + i.ToString("D6", CultureInfo.InvariantCulture);
            var at = start.AddHours(i);
            one[i] = i % 3 == 0 ? LifecycleEvent.Purchase(id, "c", at, 10m) : new LifecycleEvent(id, "c", at, EventKind.Visit);
        }

        int Fold(IEnumerable<LifecycleEvent> order)
        {
            var s = engine.Start("c");
            foreach (var e in order)
            {
                s = engine.Apply(s, e).State;
            }

            return s.JourneyCount;
        }

        Measure(string.Create(CultureInfo.InvariantCulture, $"one customer, {late:N0} events oldest-first"), late, () => Fold(one));
        Measure(string.Create(CultureInfo.InvariantCulture, $"one customer, {late:N0} events newest-first"), late, () => Fold(one.Reverse()));
        var shuffled = (LifecycleEvent[])one.Clone();
        new Random(7).Shuffle(shuffled);
        Measure(string.Create(CultureInfo.InvariantCulture, $"one customer, {late:N0} events shuffled"), late, () => Fold(shuffled));
        Measure(string.Create(CultureInfo.InvariantCulture, $"one customer, {late:N0} events newest-first, ApplyMany"), late, () => engine.ApplyMany(engine.Start("c"), [.. one.Reverse()]).State.JourneyCount);
        Measure(string.Create(CultureInfo.InvariantCulture, $"one customer, {late:N0} events shuffled, ApplyMany"), late, () => engine.ApplyMany(engine.Start("c"), shuffled).State.JourneyCount);
        var nearly = (LifecycleEvent[])one.Clone();
        for (var i = 0; i + 10 < late; i += 100)
        {
            (nearly[i], nearly[i + 10]) = (nearly[i + 10], nearly[i]);
        }

        Measure(string.Create(CultureInfo.InvariantCulture, $"one customer, {late:N0} events, 1% up to 10 places late"), late, () => Fold(nearly));
        return 0;
    }

    private static void Measure(string name, int events, Func<int> run)
    {
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var gcPause = GC.GetTotalPauseDuration();
        var sw = Stopwatch.StartNew();
        var result = run();
        sw.Stop();
        self.Refresh();
        var used = (self.TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {sw.Elapsed.TotalSeconds:F3} s wall, {used:F3} s CPU, {events / used / 1e6:F2} M events per CPU-second, GC pause {(GC.GetTotalPauseDuration() - gcPause).TotalSeconds:F3} s (result {result})"));
    }
}
