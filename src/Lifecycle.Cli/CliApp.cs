namespace Lifecycle.Cli;

/// <summary>Builds the command tree and maps outcomes to exit codes (0 ok, 1 failure, 2 bad usage or input).</summary>
internal static class CliApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        _ = args;
        stdout.WriteLine("lifecycle");
        _ = stderr;
        return 0;
    }
}
