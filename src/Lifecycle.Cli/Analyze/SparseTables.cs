using Lifecycle.Metrics;

namespace Lifecycle.Cli.Analyze;

/// <summary>
/// How the churn and cohort tables stay the size of the data when the date span is long (docs/analyze.md, "Long date
/// spans"): a run of two or more consecutive periods in which nothing changes is one row, and a cohort table shows only
/// cohorts with customers and only the ages at which some cohort purchased.
/// </summary>
internal static class SparseTables
{
    /// <summary>The rows of the churn table as index ranges [From, To]: single periods, and runs of quiet periods merged.</summary>
    public static IReadOnlyList<(int From, int To)> ChurnRows(ChurnReport report)
    {
        var rows = new List<(int From, int To)>();
        var i = 0;
        while (i < report.Periods.Count)
        {
            var j = i;
            while (j + 1 < report.Periods.Count && Quiet(report, j + 1) && Quiet(report, i))
            {
                j++;
            }

            rows.Add((i, j));
            i = j + 1;
        }

        return rows;
    }

    /// <summary>The label of a row: the period's, or "first … last (N periods, no change)" for a run.</summary>
    public static string Label(ChurnReport report, (int From, int To) row) => row.From == row.To
        ? report.Periods[row.From].Period.Label
        : FormattableString.Invariant($"{report.Periods[row.From].Period.Label} … {report.Periods[row.To].Period.Label} ({row.To - row.From + 1:#,0} periods, no change)");

    /// <summary>The ages at which any cohort was counted or had revenue, in order (the columns worth showing).</summary>
    public static int[] ActiveAges(CohortMatrix cohorts)
    {
        var ages = new SortedSet<int>();
        foreach (var c in cohorts.NonEmptyCohorts)
        {
            foreach (var age in cohorts.ActiveAges(c))
            {
                ages.Add(age);
            }
        }

        return [.. ages];
    }

    /// <summary>Nothing happens in period <paramref name="p"/>: nobody new, back or lost, and the revenue does not move.</summary>
    private static bool Quiet(ChurnReport report, int p)
    {
        var c = report.Periods[p];
        var r = report.Revenue[p];
        return c.NewCustomers == 0 && c.Reactivated == 0 && c.Lost == 0 && c.NewLost == 0 && c.ReactivatedLost == 0 && c.CustomersAtStart == c.CustomersAtEnd
            && r.New == 0 && r.Reactivation == 0 && r.Expansion == 0 && r.Contraction == 0 && r.Churned == 0 && r.StartRevenue == r.EndRevenue;
    }
}
