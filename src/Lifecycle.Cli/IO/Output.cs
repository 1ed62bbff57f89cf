using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lifecycle.IO;

namespace Lifecycle.Cli.IO;

/// <summary>Writers for CSV cells and JSON documents shared by the verbs.</summary>
internal static class Output
{
    /// <summary>Round-trip formatting for doubles (CLI.md: numbers in full double precision).</summary>
    public static string Number(double value) => CsvText.Number(value);

    /// <summary>A CSV cell: quoted when needed, and defused against spreadsheet formulas (plain numbers such as -3 stay as they are).</summary>
    public static string Cell(string value) => CsvText.Cell(value);

    /// <summary>
    /// Opens the output: the tool's stdout, or the --out file written atomically (a temporary file beside it that
    /// replaces it on <see cref="OutputFile.Commit"/>; disposed without a commit, nothing changes). A path that is a
    /// directory, lies in a missing directory, or names one of <paramref name="inputs"/> is a usage error.
    /// </summary>
    public static OutputFile Open(string? path, TextWriter stdout, params string?[] inputs) =>
        path is null ? new OutputFile(stdout) : new OutputFile(Pending(path, "--out", inputs));

    /// <summary>Writes a whole text file atomically (same checks as <see cref="Open"/>).</summary>
    public static void WriteText(string path, string option, string text, params string?[] inputs)
    {
        using var file = new OutputFile(Pending(path, option, inputs));
        file.Write(text);
        file.Commit();
    }

    private static PendingFile Pending(string path, string option, string?[] inputs)
    {
        var full = Path.GetFullPath(path);
        foreach (var input in inputs)
        {
            if (input is not null && string.Equals(Path.GetFullPath(input), full, StringComparison.Ordinal))
            {
                throw new CliInputException($"{option} {path} is also an input of this command; write the result to another file (the input would be lost).");
            }
        }

        if (Directory.Exists(full))
        {
            throw new CliInputException($"{option} {path} is a directory; give the path of a file to write, such as {Path.Combine(path, "out.csv")}.");
        }

        var directory = Path.GetDirectoryName(full);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new CliInputException($"{option} {path}: the directory {directory} does not exist; create it first or choose another path.");
        }

        AtomicFile.RemoveStale(directory ?? ".", Path.GetFileName(full));
        return AtomicFile.Begin(full);
    }

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
        // Plain digit strings without a leading zero and of at most 18 digits order as numbers by length, then text:
        // the same answer as parsing both, without parsing (sorting a million ids compares some 20 million pairs).
        if (IsPlain(x) && IsPlain(y))
        {
            return x!.Length != y!.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);
        }

        if (long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var a) && long.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var b))
        {
            return a.CompareTo(b);
        }

        return string.CompareOrdinal(x, y);
    }

    private static bool IsPlain(string? s) =>
        s is { Length: > 0 and <= 18 } && (s[0] != '0' || s.Length == 1) && !s.AsSpan().ContainsAnyExceptInRange('0', '9');
}

/// <summary>A verb's output: stdout, or a file that only appears (or changes) on <see cref="Commit"/>.</summary>
internal sealed class OutputFile : TextWriter
{
    private readonly TextWriter _writer;
    private readonly PendingFile? _file;

    public OutputFile(TextWriter stdout) => _writer = stdout;

    public OutputFile(PendingFile file)
    {
        _file = file;
        _writer = new StreamWriter(file.Stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true);
    }

    public override Encoding Encoding => _writer.Encoding;

    public override void Write(char value) => _writer.Write(value);

    public override void Write(string? value) => _writer.Write(value);

    public override void Write(ReadOnlySpan<char> buffer) => _writer.Write(buffer);

    public override void Write(char[] buffer, int index, int count) => _writer.Write(buffer, index, count);

    public override void WriteLine() => _writer.WriteLine();

    public override void WriteLine(string? value) => _writer.WriteLine(value);

    public override void Flush() => _writer.Flush();

    /// <summary>Makes the output visible: flushes stdout, or replaces the target file with the complete new one.</summary>
    public void Commit()
    {
        _writer.Flush();
        if (_file is not null)
        {
            _writer.Dispose();
            _file.Commit();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _file is not null)
        {
            try
            {
                _writer.Dispose();
            }
            catch (ObjectDisposedException)
            {
                // Committed: the stream is closed and the writer was flushed before.
            }

            _file.Dispose();
        }

        base.Dispose(disposing);
    }
}
