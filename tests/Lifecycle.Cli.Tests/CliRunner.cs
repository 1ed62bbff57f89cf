namespace Lifecycle.Cli.Tests;

/// <summary>Runs the tool in process with captured stdout/stderr, and makes scratch files.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static string Data(string fileName) => Path.Combine(AppContext.BaseDirectory, "TestData", fileName);

    public static string TempFile(string content, string extension = ".csv")
    {
        var path = Path.Combine(Path.GetTempPath(), "lifecycle-tests-" + Path.GetRandomFileName() + extension);
        File.WriteAllText(path, content);
        return path;
    }

    public static string TempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "lifecycle-tests-" + Path.GetRandomFileName());
        Directory.CreateDirectory(path);
        return path;
    }
}
