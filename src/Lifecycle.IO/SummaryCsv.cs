using System.Globalization;
using nietras.SeparatedValues;

namespace Lifecycle.IO;

/// <summary>A summary CSV as read: one row per customer, or compressed rows with weights, as columns.</summary>
/// <remarks>Arrays are owned by the table; treat them as read-only.</remarks>
public sealed class SummaryTable
{
    internal SummaryTable(string source, string[] ids, double[] frequency, double[] recency, double[] t, double[]? monetary, double[]? weights, long[] lines)
    {
        Source = source;
        Ids = ids;
        Frequency = frequency;
        Recency = recency;
        T = t;
        MonetaryValue = monetary;
        Weights = weights;
        Lines = lines;
    }

    /// <summary>Gets the file name used in messages.</summary>
    public string Source { get; }

    /// <summary>Gets the customer ids (1, 2, ... by row when the file has only weights and no id column).</summary>
    public IReadOnlyList<string> Ids { get; }

    /// <summary>Gets the repeat purchase counts.</summary>
    public IReadOnlyList<double> Frequency { get; }

    /// <summary>Gets the recencies (time of the last repeat purchase since the first), in the file's time unit.</summary>
    public IReadOnlyList<double> Recency { get; }

    /// <summary>Gets the ages (time from the first purchase to the observation end), in the file's time unit.</summary>
    public IReadOnlyList<double> T { get; }

    /// <summary>Gets the mean repeat purchase values, or <c>null</c> when the file has no monetary column.</summary>
    public IReadOnlyList<double>? MonetaryValue { get; }

    /// <summary>Gets the row weights, or <c>null</c> when every row is one customer.</summary>
    public IReadOnlyList<double>? Weights { get; }

    /// <summary>Gets the 1-based file line of each row, for messages.</summary>
    public IReadOnlyList<long> Lines { get; }

    /// <summary>Gets the number of rows.</summary>
    public int Count => Lines.Count;
}

/// <summary>Reads summary CSVs <c>customer_id,frequency,recency,T[,monetary_value][,weight]</c>, accepting the lifetimes/CDNOW aliases <c>ID</c>, <c>x</c>, <c>t_x</c>, <c>age</c>, <c>zbar</c>, <c>weights</c>.</summary>
public static class SummaryCsv
{
    private const string Expected = "customer_id,frequency,recency,T[,monetary_value][,weight]";

    /// <summary>Reads a summary file.</summary>
    /// <param name="path">The file (also its name in messages).</param>
    /// <param name="cancellationToken">Stops between rows.</param>
    /// <returns>The rows; a header-only file gives an empty table.</returns>
    /// <exception cref="CsvReadException">The file is missing or breaks a rule (numbers, negative values, recency &gt; T, repeated ids).</exception>
    public static SummaryTable ReadFile(string path, CancellationToken cancellationToken = default) =>
        Read(CsvFile.OpenFile(path, Expected), path, cancellationToken);

    /// <summary>Reads a summary from a UTF-8 stream, which is disposed.</summary>
    /// <param name="stream">The bytes.</param>
    /// <param name="name">The name used in messages.</param>
    /// <param name="cancellationToken">Stops between rows.</param>
    /// <returns>The rows.</returns>
    /// <exception cref="CsvReadException">The data breaks a rule.</exception>
    public static SummaryTable Read(Stream stream, string name, CancellationToken cancellationToken = default)
    {
        using var csv = CsvFile.Open(stream, name, Expected);
        int id = csv.Find("customer_id", "id"), f = csv.Find("frequency", "x"), r = csv.Find("recency", "t_x"), t = csv.Find("T", "age");
        int m = csv.Find("monetary_value", "zbar"), w = csv.Find("weight", "weights");
        var missing = new List<string>();
        if (f < 0)
        {
            missing.Add("frequency (or x)");
        }

        if (r < 0)
        {
            missing.Add("recency (or t_x)");
        }

        if (t < 0)
        {
            missing.Add("T (or age)");
        }

        if (id < 0 && w < 0)
        {
            missing.Add("customer_id (or ID)");
        }

        if (missing.Count > 0)
        {
            throw csv.Missing(missing, Expected);
        }

        var ids = new List<string>();
        List<double> fs = [], rs = [], ts = [], ms = [], ws = [];
        var lines = new List<long>();
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in csv.Reader)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!csv.IsData(row))
            {
                continue;
            }

            var line = CsvFile.Line(row);
            string customer;
            if (id >= 0)
            {
                customer = csv.Cell(row, id).ToString();
                if (customer.Length == 0)
                {
                    throw csv.Field(row, id, "is empty", "every summary row needs its customer id");
                }

                if (!seen.TryAdd(customer, line))
                {
                    throw csv.Field(row, id, string.Create(CultureInfo.InvariantCulture, $"repeats the id of line {seen[customer]}"), "a summary has one row per customer: merge or remove the repeated row");
                }
            }
            else
            {
                customer = (ids.Count + 1).ToString(CultureInfo.InvariantCulture);
            }

            var frequency = NonNegative(csv, row, f);
            var recency = NonNegative(csv, row, r);
            var age = NonNegative(csv, row, t);
            if (recency > age)
            {
                throw csv.Field(row, r, string.Create(CultureInfo.InvariantCulture, $"is greater than T = {age}"), "recency and T are both measured from the first purchase, so recency <= T");
            }

            if (frequency == 0 && recency != 0)
            {
                throw csv.Field(row, r, "is not 0 although frequency is 0", "a customer without repeat purchases has recency 0");
            }

            ids.Add(customer);
            fs.Add(frequency);
            rs.Add(recency);
            ts.Add(age);
            if (m >= 0)
            {
                ms.Add(NonNegative(csv, row, m));
            }

            if (w >= 0)
            {
                ws.Add(NonNegative(csv, row, w));
            }

            lines.Add(line);
        }

        return new SummaryTable(name, [.. ids], [.. fs], [.. rs], [.. ts], m >= 0 ? [.. ms] : null, w >= 0 ? [.. ws] : null, [.. lines]);
    }

    internal static double NonNegative(CsvFile csv, SepReader.Row row, int column)
    {
        if (!InvariantNumber.TryDouble(csv.Cell(row, column), out var value, out var problem))
        {
            throw csv.Field(row, column, problem!, "write a number such as 2 or 30.43");
        }

        if (value < 0)
        {
            throw csv.Field(row, column, "is negative", "counts, times, values and weights are >= 0");
        }

        return value;
    }
}

/// <summary>Discrete-time (BG/BB) rows as read: <c>frequency,recency,periods[,weight]</c>.</summary>
/// <param name="Frequency">Repeat transactions per row.</param>
/// <param name="Recency">Period of the last transaction per row.</param>
/// <param name="Periods">Transaction opportunities per row.</param>
/// <param name="Weights">Customers per row, or <c>null</c> when each row is one customer.</param>
/// <param name="Lines">The 1-based file line of each row.</param>
public sealed record DiscreteTable(IReadOnlyList<double> Frequency, IReadOnlyList<double> Recency, IReadOnlyList<double> Periods, IReadOnlyList<double>? Weights, IReadOnlyList<long> Lines);

/// <summary>Reads discrete-time (BG/BB) CSVs such as donations.csv: <c>frequency,recency,periods[,weight]</c> (aliases <c>x</c>, <c>t_x</c>, <c>n</c>, <c>weights</c>).</summary>
public static class DiscreteCsv
{
    private const string Expected = "frequency,recency,periods[,weight]";

    /// <summary>Reads a discrete-time file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The rows; a header-only file gives an empty table.</returns>
    /// <exception cref="CsvReadException">The file is missing or breaks a rule.</exception>
    public static DiscreteTable ReadFile(string path)
    {
        using var csv = CsvFile.Open(path, Expected);
        int f = csv.Find("frequency", "x"), r = csv.Find("recency", "t_x"), n = csv.Find("periods", "n"), w = csv.Find("weight", "weights");
        var missing = new[] { ("frequency", f), ("recency", r), ("periods", n) }.Where(c => c.Item2 < 0).Select(c => c.Item1).ToArray();
        if (missing.Length > 0)
        {
            throw csv.Missing(missing, Expected);
        }

        List<double> fs = [], rs = [], ns = [], ws = [];
        var lines = new List<long>();
        foreach (var row in csv.Reader)
        {
            if (!csv.IsData(row))
            {
                continue;
            }

            fs.Add(SummaryCsv.NonNegative(csv, row, f));
            rs.Add(SummaryCsv.NonNegative(csv, row, r));
            ns.Add(SummaryCsv.NonNegative(csv, row, n));
            if (w >= 0)
            {
                ws.Add(SummaryCsv.NonNegative(csv, row, w));
            }

            lines.Add(CsvFile.Line(row));
        }

        return new DiscreteTable([.. fs], [.. rs], [.. ns], w >= 0 ? [.. ws] : null, [.. lines]);
    }
}

/// <summary>Cohort survival rows as read: <c>period,active[,cohort]</c>.</summary>
/// <param name="Cohort">The cohort of each row (empty when the file has no cohort column).</param>
/// <param name="Period">The period of each row (0 is the cohort size).</param>
/// <param name="Active">Customers still active.</param>
/// <param name="Lines">The 1-based file line of each row.</param>
/// <param name="PeriodColumn">The 1-based column of <c>period</c>, for messages.</param>
/// <param name="ActiveColumn">The 1-based column of <c>active</c>, for messages.</param>
public sealed record CohortTable(IReadOnlyList<string> Cohort, IReadOnlyList<double> Period, IReadOnlyList<double> Active, IReadOnlyList<long> Lines, int PeriodColumn, int ActiveColumn);

/// <summary>Reads cohort survival CSVs (sBG): <c>period,active[,cohort]</c>.</summary>
public static class CohortCsv
{
    private const string Expected = "period,active[,cohort]";

    /// <summary>Reads a cohort file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The rows in file order; a header-only file gives an empty table.</returns>
    /// <exception cref="CsvReadException">The file is missing or breaks a rule.</exception>
    public static CohortTable ReadFile(string path)
    {
        using var csv = CsvFile.Open(path, Expected);
        int p = csv.Find("period"), a = csv.Find("active"), c = csv.Find("cohort");
        var missing = new[] { ("period", p), ("active", a) }.Where(x => x.Item2 < 0).Select(x => x.Item1).ToArray();
        if (missing.Length > 0)
        {
            throw csv.Missing(missing, Expected);
        }

        var names = new List<string>();
        List<double> ps = [], actives = [];
        var lines = new List<long>();
        foreach (var row in csv.Reader)
        {
            if (!csv.IsData(row))
            {
                continue;
            }

            names.Add(c >= 0 ? csv.Cell(row, c).ToString() : string.Empty);
            ps.Add(SummaryCsv.NonNegative(csv, row, p));
            actives.Add(SummaryCsv.NonNegative(csv, row, a));
            lines.Add(CsvFile.Line(row));
        }

        return new CohortTable([.. names], [.. ps], [.. actives], [.. lines], p + 1, a + 1);
    }
}
