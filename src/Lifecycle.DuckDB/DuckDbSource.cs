using System.Globalization;

namespace Lifecycle.DuckDB;

/// <summary>Where the transactions are: a CSV file, a Parquet file (or glob), or a table or view in the database.</summary>
/// <remarks>Files are read by DuckDB in streaming fashion; nothing is loaded into managed memory.</remarks>
public sealed class DuckDbSource
{
    private readonly Func<TransactionColumns, string> _relation;

    private DuckDbSource(string description, Func<TransactionColumns, string> relation)
    {
        Description = description;
        _relation = relation;
    }

    /// <summary>Gets a short description for messages (the path or table name).</summary>
    public string Description { get; }

    /// <summary>A CSV file with a header row; the customer id and amount are read as text and converted exactly.</summary>
    /// <param name="path">The file path (DuckDB globs such as <c>part-*.csv</c> work too).</param>
    /// <param name="dateFormat">A DuckDB <c>strptime</c> format for the date column such as <c>%Y%m%d</c>, or <c>null</c> to let DuckDB detect ISO dates and timestamps.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public static DuckDbSource Csv(string path, string? dateFormat = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new DuckDbSource(path, columns =>
        {
            // Ids stay text (leading zeros kept); amounts are parsed by the DECIMAL cast, not through a double.
            var types = string.Create(CultureInfo.InvariantCulture, $"{Literal(columns.CustomerId)}: 'VARCHAR', {Literal(columns.Amount)}: 'VARCHAR'");
            var date = dateFormat is null ? string.Empty : $", dateformat = {Literal(dateFormat)}, timestampformat = {Literal(dateFormat)}";
            return $"read_csv({Literal(path)}, header = true, types = {{{types}}}{date})";
        });
    }

    /// <summary>A Parquet file or glob of files.</summary>
    /// <param name="path">The file path or glob.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public static DuckDbSource Parquet(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new DuckDbSource(path, _ => $"read_parquet({Literal(path)})");
    }

    /// <summary>A table or view that the connection can see.</summary>
    /// <param name="name">The name, quoted as an identifier (use <see cref="Relation"/> for schema-qualified names or queries).</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public static DuckDbSource Table(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new DuckDbSource(name, _ => SummarySql.Quote(name));
    }

    /// <summary>Any relation written as SQL, used as written after <c>FROM</c>: <c>main.tx</c>, <c>(SELECT ...)</c>, <c>read_json('x.json')</c>.</summary>
    /// <param name="sql">The relation.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentException">The text is empty.</exception>
    public static DuckDbSource Relation(string sql)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        return new DuckDbSource(sql, _ => sql);
    }

    internal string ToSql(TransactionColumns columns) => _relation(columns);

    internal static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
