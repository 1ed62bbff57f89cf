using System.Globalization;

namespace Lifecycle.IO;

/// <summary>A file that cannot be read as asked: the message is <c>FILE:LINE:COLUMN: message</c> naming the value, the column, the rule and the fix.</summary>
/// <remarks>Lines and columns are 1-based. The column is the field number for field errors and the byte position in the line for encoding errors (said in the message).</remarks>
public sealed class CsvReadException : FormatException
{
    /// <summary>Creates an exception with a plain message (no position).</summary>
    public CsvReadException()
        : this("the file cannot be read")
    {
    }

    /// <summary>Creates an exception with a plain message (no position).</summary>
    /// <param name="message">The whole message.</param>
    public CsvReadException(string message)
        : base(message)
    {
        Source = string.Empty;
    }

    /// <summary>Creates an exception with a plain message (no position) and its cause.</summary>
    /// <param name="message">The whole message.</param>
    /// <param name="innerException">The cause.</param>
    public CsvReadException(string message, Exception innerException)
        : base(message, innerException)
    {
        Source = string.Empty;
    }

    private CsvReadException(string file, long line, int column, string? columnName, string? value, string problem)
        : base(Format(file, line, column, problem))
    {
        Source = file;
        Line = line;
        Column = column;
        ColumnName = columnName;
        Value = value;
        Problem = problem;
    }

    /// <summary>Gets the 1-based line of the problem (0 when the exception carries no position).</summary>
    public long Line { get; }

    /// <summary>Gets the 1-based column of the problem (0 when the exception carries no position).</summary>
    public int Column { get; }

    /// <summary>Gets the name of the column the problem is in, or <c>null</c> when it concerns no single column.</summary>
    public string? ColumnName { get; }

    /// <summary>Gets the offending text as read, or <c>null</c> when there is none.</summary>
    public string? Value { get; }

    /// <summary>Gets the message without the <c>FILE:LINE:COLUMN: </c> prefix.</summary>
    public string? Problem { get; }

    internal static CsvReadException At(string file, long line, int column, string problem) => new(file, line, column, null, null, problem);

    internal static CsvReadException Field(string file, long line, int column, string columnName, string value, string rule, string fix) =>
        new(file, line, column, columnName, value, string.Create(CultureInfo.InvariantCulture, $"column '{columnName}': '{Show(value)}' {rule}; {fix}"));

    internal static string Show(string value)
    {
        var text = value.Length > 60 ? value[..57] + "..." : value;
        return text.Replace("\0", "\\0", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
    }

    private static string Format(string file, long line, int column, string problem) =>
        string.Create(CultureInfo.InvariantCulture, $"{file}:{line}:{column}: {problem}");
}
