using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lifecycle.Cli.IO;

/// <summary>Writers for CSV cells and JSON documents shared by the verbs.</summary>
internal static class Output
{
    /// <summary>Round-trip formatting for doubles (CLI.md: numbers in full double precision).</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A CSV cell: quoted when needed, and defused against spreadsheet formula injection (= + - @ tab CR at the start).</summary>
    public static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>Opens the output: the file given by --out, or the tool's stdout.</summary>
    public static TextWriter Open(string? path, TextWriter stdout) =>
        path is null ? stdout : new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

    /// <summary>Writes one indented JSON document (camelCase names are the caller's job) followed by a newline.</summary>
    public static void Json(TextWriter writer, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(json);
        }

        writer.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        writer.WriteLine();
    }
}

/// <summary>Orders ids numerically when both are whole numbers (CDNOW ids 1..2357), ordinally otherwise.</summary>
internal sealed class NaturalIdComparer : IComparer<string>
{
    public static readonly NaturalIdComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var a) && long.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var b))
        {
            return a.CompareTo(b);
        }

        return string.CompareOrdinal(x, y);
    }
}
