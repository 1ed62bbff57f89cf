using System.Globalization;
using System.Text;
using nietras.SeparatedValues;

namespace Lifecycle.IO;

/// <summary>
/// One open CSV with a header row, read strictly: UTF-8 checked by <see cref="StrictUtf8Stream"/>, comma separated,
/// RFC 4180 quotes, spaces around fields trimmed (not inside quotes), duplicate column names refused, every row as
/// wide as the header, blank lines skipped. The readers of this package all start here.
/// </summary>
internal sealed class CsvFile : IDisposable
{
    private static readonly SepReaderOptions Options = Sep.New(',').Reader(o => o with
    {
        HasHeader = false,
        // Sep's outer trim also trims inside quotes once a field has doubled quotes (0.18), so trimming and unquoting are done in Cell.
        Trim = SepTrim.None,
        Unescape = false,
        DisableColCountCheck = true,
        CultureInfo = CultureInfo.InvariantCulture,
    });

    private CsvFile(string name, SepReader reader, string[] header)
    {
        Name = name;
        Reader = reader;
        Header = header;
    }

    public string Name { get; }

    public SepReader Reader { get; }

    public string[] Header { get; }

    public static CsvFile Open(string path, string expected)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Open(OpenFile(path, expected), path, expected);
    }

    public static CsvFile Open(Stream stream, string name, string expected)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = Options.From(Text(stream, name));
        return Start(reader, name, expected, reader.MoveNext());
    }

    public static async ValueTask<CsvFile> OpenAsync(Stream stream, string name, string expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = await Options.FromAsync(Text(stream, name), cancellationToken).ConfigureAwait(false);
        return Start(reader, name, expected, await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false));
    }

    internal static Stream OpenFile(string path, string expected)
    {
        if (Directory.Exists(path))
        {
            throw new CsvReadException($"{path}: is a directory; pass the path of a CSV file ({expected}).");
        }

        if (!File.Exists(path))
        {
            throw new CsvReadException($"{path}: file not found; pass the path of a CSV file ({expected}).");
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
    }

    internal static TextReader Text(Stream stream, string name) =>
        new StreamReader(new StrictUtf8Stream(stream, name), new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false, 1 << 16);

    /// <summary>The 1-based line where a row starts.</summary>
    public static long Line(SepReader.Row row) => row.RowIndex == 0 ? 1 : row.LineNumberFrom;

    /// <summary>Finds a column by its names (aliases, in order of preference); exact case first, then any case.</summary>
    public int Find(params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            var i = Array.FindIndex(Header, h => string.Equals(h, name, StringComparison.Ordinal));
            if (i >= 0)
            {
                return i;
            }
        }

        foreach (var name in names)
        {
            var i = Array.FindIndex(Header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
            if (i >= 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Rows that are not blank, checked to be as wide as the header.</summary>
    public bool IsData(SepReader.Row row)
    {
        if (row.ColCount == 1 && row[0].Span.IsWhiteSpace())
        {
            return false;
        }

        if (row.ColCount != Header.Length)
        {
            throw CsvReadException.At(Name, Line(row), Math.Min(row.ColCount, Header.Length) + 1, string.Create(CultureInfo.InvariantCulture, $"ragged row: {row.ColCount} fields where the header has {Header.Length}; give every row one value per column (quote values that contain commas)"));
        }

        return true;
    }

    public CsvReadException Missing(IEnumerable<string> missing, string expected, string? fix = null) =>
        CsvReadException.At(Name, 1, 1, $"missing column(s) {string.Join(", ", missing.Select(m => "'" + m + "'"))}; the header has {string.Join(",", Header)}. Expected {expected}{(fix is null ? string.Empty : "; " + fix)}");

    public CsvReadException Field(SepReader.Row row, int column, string rule, string fix) =>
        CsvReadException.Field(Name, Line(row), column + 1, Header[column], row[column].ToString(), rule, fix);

    public void Dispose() => Reader.Dispose();

    /// <summary>
    /// The value of a field: spaces and tabs around it removed, and, when quoted, the quotes removed and doubled quotes
    /// made single (nothing inside the quotes is trimmed). A quote inside an unquoted value is taken literally; a quoted
    /// value that does not close at its end, or holds a single quote, is an error: it is how a cut or hand-edited file shows.
    /// </summary>
    public ReadOnlySpan<char> Cell(SepReader.Row row, int column) =>
        Unquote(row[column].Span, ref _scratch, Name, row, column, Header[column]);

    private char[] _scratch = [];

    // columnName null: the header row. Messages are built only on the error path, so reading allocates nothing per field.
    private static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> raw, ref char[] scratch, string name, SepReader.Row row, int column, string? columnName)
    {
        raw = raw.Trim(" \t");
        if (raw.IsEmpty || raw[0] != '"')
        {
            return raw; // a quote inside an unquoted value is taken literally, as Python's csv and spreadsheets do
        }

        if (raw.Length < 2 || raw[^1] != '"')
        {
            throw Malformed(raw, name, row, column, columnName, "opens a quote that does not close at the end of the value");
        }

        var inner = raw[1..^1];
        if (!inner.Contains('"'))
        {
            return inner;
        }

        if (scratch.Length < inner.Length)
        {
            scratch = new char[Math.Max(inner.Length, 256)];
        }

        var n = 0;
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '"')
            {
                if (i + 1 >= inner.Length || inner[i + 1] != '"')
                {
                    throw Malformed(raw, name, row, column, columnName, "has a single quote inside a quoted value");
                }

                i++;
            }

            scratch[n++] = inner[i];
        }

        return scratch.AsSpan(0, n);
    }

    private static CsvReadException Malformed(ReadOnlySpan<char> raw, string name, SepReader.Row row, int column, string? columnName, string problem) =>
        CsvReadException.At(name, Line(row), column + 1, string.Create(CultureInfo.InvariantCulture, $"{(columnName is null ? "a column name" : "column '" + columnName + "'")}: '{CsvReadException.Show(raw.ToString())}' {problem}; quote the whole value and write each quote inside it twice (\"say \"\"hi\"\"\")"));

    private static CsvFile Start(SepReader reader, string name, string expected, bool any)
    {
        if (!any)
        {
            reader.Dispose();
            throw CsvReadException.At(name, 1, 1, $"the file is empty; expected a header row {expected}");
        }

        var row = reader.Current;
        var scratch = Array.Empty<char>();
        var header = new string[row.ColCount];
        for (var i = 0; i < header.Length; i++)
        {
            header[i] = Unquote(row[i].Span, ref scratch, name, row, i, null).ToString();
        }

        for (var i = 0; i < header.Length; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (string.Equals(header[i], header[j], StringComparison.OrdinalIgnoreCase))
                {
                    reader.Dispose();
                    throw CsvReadException.At(name, 1, i + 1, string.Create(CultureInfo.InvariantCulture, $"duplicate column name '{header[i]}' (also column {j + 1}); column names must be unique (ignoring case), so rename or remove one"));
                }
            }
        }

        return new CsvFile(name, reader, header);
    }
}
