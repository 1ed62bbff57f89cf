using System.Globalization;

namespace Lifecycle.Cli;

/// <summary>Bad input: the message names the file, the line, the column and what was expected. Exit code 2.</summary>
internal sealed class CliInputException : Exception
{
    public CliInputException(string message)
        : base(message)
    {
    }

    public CliInputException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public CliInputException()
    {
    }

    public static CliInputException At(string file, long line, int column, string columnName, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{file}:{line}:{column}: {problem} (column '{columnName}')"));

    public static CliInputException At(string file, long line, int column, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{file}:{line}:{column}: {problem}"));

    public static CliInputException At(string file, long line, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{file}:{line}: {problem}"));
}
