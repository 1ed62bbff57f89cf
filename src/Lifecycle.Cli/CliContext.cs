namespace Lifecycle.Cli;

/// <summary>What every verb gets: where results and errors go, and whether progress may be shown.</summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr, bool stderrIsTerminal)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>Progress goes to stderr only when it is a terminal (CLI.md), so pipes and CI logs stay quiet.</summary>
    public Progress Progress { get; } = new(stderr, stderrIsTerminal);
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
