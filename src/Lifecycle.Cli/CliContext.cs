namespace Lifecycle.Cli;

/// <summary>What every verb gets: where results and errors go, and whether progress may be shown.</summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr, bool stderrIsTerminal)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>Progress goes to stderr only when it is a terminal (CLI.md), so pipes and CI logs stay quiet.</summary>
    public Progress Progress { get; } = new(stderr, stderrIsTerminal);

    /// <summary>Phase timings on stderr when the environment variable <c>LIFECYCLE_TIMINGS</c> is <c>1</c> (docs/benchmarks.md).</summary>
    public PhaseLog Phases { get; } = new(stderr, Environment.GetEnvironmentVariable("LIFECYCLE_TIMINGS") == "1");
}

/// <summary>
/// Wall and process CPU time of each phase of a run, one line per phase on stderr, for users who want to know where
/// the time goes (set <c>LIFECYCLE_TIMINGS=1</c>); silent otherwise.
/// </summary>
internal sealed class PhaseLog(TextWriter stderr, bool enabled)
{
    private readonly System.Diagnostics.Stopwatch _wall = System.Diagnostics.Stopwatch.StartNew();
    private string? _phase;
    private TimeSpan _phaseWall;
    private TimeSpan _phaseCpu;
    private TimeSpan _phasePause;

    public bool Enabled => enabled;

    /// <summary>Ends the current phase (printing its times) and starts <paramref name="phase"/>; <see langword="null"/> only ends it.</summary>
    public void Start(string? phase)
    {
        if (!enabled)
        {
            return;
        }

        var wall = _wall.Elapsed;
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var pause = GC.GetTotalPauseDuration();
        if (_phase is not null)
        {
            stderr.WriteLine(FormattableString.Invariant($"timing: {_phase,-42} {(wall - _phaseWall).TotalSeconds,7:0.000} s wall {(cpu - _phaseCpu).TotalSeconds,7:0.000} s cpu {(pause - _phasePause).TotalSeconds,7:0.000} s gc pause {GC.GetTotalMemory(false) / 1048576,6} MB managed {Environment.WorkingSet / 1048576,6} MB rss"));
        }

        _phase = phase;
        _phaseWall = wall;
        _phaseCpu = cpu;
        _phasePause = pause;
    }
}

/// <summary>A one-line progress indicator on stderr, silent when stderr is not a terminal.</summary>
internal sealed class Progress(TextWriter stderr, bool enabled)
{
    private long _lastReported;

    public void Report(string step, long done)
    {
        if (!enabled || done - _lastReported < 100_000)
        {
            return;
        }

        _lastReported = done;
        stderr.Write(FormattableString.Invariant($"\r{step}: {done:N0}   "));
    }

    public void Step(string step)
    {
        if (enabled)
        {
            _lastReported = 0;
            stderr.Write("\r" + step + "...".PadRight(40) + "\n");
        }
    }

    public void Done()
    {
        if (enabled)
        {
            stderr.Write("\r".PadRight(60) + "\r");
        }
    }
}
