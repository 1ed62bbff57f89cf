using System.CommandLine;
using Lifecycle.Cli.Commands;

namespace Lifecycle.Cli;

/// <summary>Builds the command tree and maps outcomes to exit codes: 0 success, 1 failure, 2 bad usage or bad input.</summary>
internal static class CliApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;

    /// <summary>The verbs, one factory each (one file per verb under Commands/).</summary>
    private static readonly Func<CliContext, Command>[] Verbs =
    [
        AnalyzeCommand.Create,
        SummarizeCommand.Create,
        FitCommand.Create,
        PredictCommand.Create,
        ChurnCommand.Create,
        SegmentCommand.Create,
        StagesCommand.Create,
        TrackCommand.Create,
        JourneysCommand.Create,
        EngageCommand.Create,
        LiftCommand.Create,
        SqlCommand.Create,
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool stderrIsTerminal = false)
    {
        var context = new CliContext(stdout, stderr, stderrIsTerminal);
        var root = new RootCommand("lifecycle: customer lifecycle analysis from a CSV of transactions (Lifecycle.Core).");
        foreach (var verb in Verbs)
        {
            root.Subcommands.Add(verb(context));
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                stderr.WriteLine("error: " + error.Message);
            }

            stderr.WriteLine("Run 'lifecycle --help' (or 'lifecycle <verb> --help') for usage.");
            return BadInput;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (CliInputException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return BadInput;
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            stderr.WriteLine("error: " + e.Message);
            return BadInput;
        }
        catch (IOException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return Failure;
        }
#pragma warning disable CA1031 // The last line of defence of a command-line tool: report, don't crash with a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            stderr.WriteLine("error: " + e.GetType().Name + ": " + e.Message);
            return Failure;
        }
    }
}
