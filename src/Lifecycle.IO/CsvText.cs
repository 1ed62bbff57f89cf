using System.Globalization;

namespace Lifecycle.IO;

/// <summary>Writing CSV cells that read back as written, in this package's readers and in spreadsheets.</summary>
public static class CsvText
{
    /// <summary>Formats one cell: quoted when it holds a comma, quote, line break or outer space; defused against formula injection.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The cell.</returns>
    /// <remarks>
    /// A spreadsheet evaluates text that starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return; such
    /// text gets a leading <c>'</c>, unless it is a plain number (<c>-3</c>, <c>+1.5</c>, <c>-2e3</c>), which a spreadsheet
    /// reads as that number and which must stay joinable (ids from <c>summarize</c> to <c>predict</c>).
    /// </remarks>
    public static string Cell(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (IsFormula(value))
        {
            value = "'" + value;
        }

        var quote = value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])));
        return quote ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>Tells whether a spreadsheet would evaluate <paramref name="value"/> as a formula.</summary>
    /// <param name="value">The text.</param>
    /// <returns><c>true</c> for text starting with = + - @ tab or CR that is not a plain number.</returns>
    public static bool IsFormula(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !InvariantNumber.IsWellFormed(value);
    }

    /// <summary>Formats a double so it reads back to the same value (round-trip, invariant).</summary>
    /// <param name="value">The number.</param>
    /// <returns>The text.</returns>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
