using System.Globalization;
using Lifecycle.Clv;
using Lifecycle.Cli.IO;
using Lifecycle.IO;

namespace Lifecycle.Cli.Commands;

/// <summary>The data files and outputs of the models beyond count summaries in <c>fit</c> and <c>predict</c> (BG/BB discrete CSVs, sBG cohort CSVs) and <c>--bootstrap N</c> intervals; which model is which comes from <see cref="ModelCatalog"/>.</summary>
internal static class ClvModelsCli
{
    /// <summary>Bootstrap intervals of p_alive, expected_purchases and (with a spend model) clv, by refitting the file's count family on the summary rows.</summary>
    public static Dictionary<string, (double[] Lower, double[] Upper)> BootstrapIntervals(ModelFamily family, CompressedSummaries data, SummaryFile summary, double horizon, ISpendModel? spend, DiscreteDiscounting? discounting, int replicates, int seed, Progress progress)
    {
        var options = new BootstrapOptions { Replicates = replicates, Seed = seed, Progress = new Reporter(progress) };
        var result = new Dictionary<string, (double[] Lower, double[] Upper)>(StringComparer.Ordinal);
        var predictions = Bootstrap.TransactionPredictions<ICountModel>(data, family.Fit, summary.Frequency, summary.Recency, summary.T, horizon, options);
        var clv = spend is null ? null : Bootstrap.LifetimeValue<ICountModel>(data, family.Fit, spend, summary.Frequency, summary.Recency, summary.T, summary.MonetaryValue, discounting!, options);
        Add(result, predictions, "p_alive");
        Add(result, predictions, "expected_purchases");
        if (spend is not null)
        {
            Add(result, clv!, "clv");
        }

        return result;
    }

    /// <summary><c>predict</c> for a BG/BB model: one output row per input row of the discrete CSV.</summary>
    public static void PredictDiscrete(ModelFamily family, ITransactionModel model, string path, double horizon, int replicates, int seed, TextWriter writer, Progress progress)
    {
        if (horizon != Math.Floor(horizon))
        {
            throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"--horizon {horizon} must be a whole number of opportunities for a bgbb model."));
        }

        var (data, x, tx, n, w) = ReadDiscrete(path);
        var alive = new double[x.Length];
        var expected = new double[x.Length];
        model.ProbabilityAlive(x, tx, n, alive);
        model.ConditionalExpectedTransactions(horizon, x, tx, n, expected);
        BootstrapResult? intervals = null;
        if (replicates > 0)
        {
            intervals = Bootstrap.Run<ITransactionModel>(
                data,
                family.Fit,
                (m, d) =>
                {
                    m.ProbabilityAlive(x, tx, n, d[..x.Length]);
                    m.ConditionalExpectedTransactions(horizon, x, tx, n, d.Slice(x.Length, x.Length));
                },
                ["p_alive", "expected_purchases"],
                x.Length,
                new BootstrapOptions { Replicates = replicates, Seed = seed, Progress = new Reporter(progress) });
        }

        writer.WriteLine(intervals is null
            ? "frequency,recency,periods,weight,p_alive,expected_purchases"
            : "frequency,recency,periods,weight,p_alive,p_alive_lower,p_alive_upper,expected_purchases,expected_purchases_lower,expected_purchases_upper");
        for (var i = 0; i < x.Length; i++)
        {
            writer.Write(string.Join(',', Output.Number(x[i]), Output.Number(tx[i]), Output.Number(n[i]), Output.Number(w[i]), Output.Number(alive[i])));
            if (intervals is not null)
            {
                writer.Write(',' + Output.Number(intervals[0, i].Lower) + ',' + Output.Number(intervals[0, i].Upper));
            }

            writer.Write(',' + Output.Number(expected[i]));
            if (intervals is not null)
            {
                writer.Write(',' + Output.Number(intervals[1, i].Lower) + ',' + Output.Number(intervals[1, i].Upper));
            }

            writer.WriteLine();
        }
    }

    /// <summary><c>predict</c> for an sBG model: survival, retention, churn probability, expected active customers (from the file's period-0 total) and DERL for periods 0..H.</summary>
    public static void PredictSurvival(ShiftedBetaGeometricModel model, string? path, double horizon, double discountRate, TextWriter writer)
    {
        var size = path is null ? 1 : ReadCohorts(path).CohortSize;
        var periods = (int)Math.Floor(horizon);
        writer.WriteLine("period,survival,retention,churn_probability,expected_active,derl");
        for (var t = 0; t <= periods; t++)
        {
            writer.WriteLine(string.Join(
                ',',
                t.ToString(CultureInfo.InvariantCulture),
                Output.Number(model.Survival(t)),
                t == 0 ? string.Empty : Output.Number(model.Retention(t)),
                t == 0 ? string.Empty : Output.Number(model.ChurnProbability(t)),
                Output.Number(size * model.Survival(t)),
                Output.Number(model.DiscountedExpectedResidualLifetime(discountRate, t))));
        }
    }

    /// <summary>Reads a discrete (BG/BB) CSV: frequency,recency,periods[,weight|weights].</summary>
    public static (DiscreteSummaries Data, double[] X, double[] Tx, double[] N, double[] W) ReadDiscrete(string path)
    {
        var rows = DiscreteCsv.ReadFile(path);
        NothingToFit(path, rows.Lines.Count);
        double[] x = [.. rows.Frequency], tx = [.. rows.Recency], n = [.. rows.Periods];
        var w = rows.Weights is { } weights ? [.. weights] : x.Select(_ => 1.0).ToArray();
        try
        {
            return (DiscreteSummaries.Create(x, tx, n, w), x, tx, n, w);
        }
        catch (ArgumentException e)
        {
            throw new CliInputException(path + ": " + RowToLine(e.Message, [.. rows.Lines]), e);
        }
    }

    /// <summary>A header without rows: a plain "nothing to fit", with the position where rows should start.</summary>
    internal static void NothingToFit(string path, int rows)
    {
        if (rows == 0)
        {
            throw CliInputException.At(path, 2, 1, "nothing to fit: the file has a header but no rows; add data rows below the header");
        }
    }

    /// <summary>Reads a cohort survival CSV: period,active[,cohort]; each cohort's first row is its size at period 0.</summary>
    public static (SurvivalData Data, double CohortSize) ReadCohorts(string path)
    {
        var file = CohortCsv.ReadFile(path);
        NothingToFit(path, file.Lines.Count);
        var cohorts = new List<(string Name, List<double> Active)>();
        var expectedPeriod = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < file.Lines.Count; i++)
        {
            var (name, t, a, line) = (file.Cohort[i], file.Period[i], file.Active[i], file.Lines[i]);
            if (!expectedPeriod.TryGetValue(name, out var next))
            {
                cohorts.Add((name, []));
                next = 0;
            }

            if (t != next)
            {
                throw CliInputException.At(path, line, file.PeriodColumn, "period", string.Create(CultureInfo.InvariantCulture, $"period {t} out of order; expected {next} (each cohort lists periods 0, 1, 2, ... in order, starting with its size at period 0)"));
            }

            var list = cohorts.First(c => c.Name == name).Active;
            if (list.Count > 0 && a > list[^1])
            {
                throw CliInputException.At(path, line, file.ActiveColumn, "active", string.Create(CultureInfo.InvariantCulture, $"{a} active exceeds the {list[^1]} of the period before; a cohort can only shrink"));
            }

            list.Add(a);
            expectedPeriod[name] = next + 1;
        }

        if (cohorts.Any(c => c.Active.Count < 2))
        {
            throw CliInputException.At(path, 2, 1, "each cohort needs its size at period 0 and at least one later count");
        }

        return (SurvivalData.FromCohorts(cohorts.Select(c => (IReadOnlyList<double>)c.Active)), cohorts.Sum(c => c.Active[0]));
    }

    private static void Add(Dictionary<string, (double[] Lower, double[] Upper)> result, BootstrapResult r, string quantity)
    {
        var lower = new double[r.Customers];
        var upper = new double[r.Customers];
        for (var i = 0; i < r.Customers; i++)
        {
            lower[i] = r[quantity, i].Lower;
            upper[i] = r[quantity, i].Upper;
        }

        result[quantity] = (lower, upper);
    }

    private static string RowToLine(string message, long[] lines)
    {
        if (message.StartsWith("row ", StringComparison.Ordinal))
        {
            var colon = message.IndexOf(':', StringComparison.Ordinal);
            if (colon > 4 && int.TryParse(message.AsSpan(4, colon - 4), NumberStyles.None, CultureInfo.InvariantCulture, out var row) && row < lines.Length)
            {
                return string.Create(CultureInfo.InvariantCulture, $"line {lines[row]}") + message[colon..];
            }
        }

        return message;
    }

    /// <summary>Bootstrap progress on the CLI's progress line (stderr, terminals only).</summary>
    private sealed class Reporter(Progress progress) : IProgress<BootstrapProgress>
    {
        private readonly Lock _lock = new();

        public void Report(BootstrapProgress value)
        {
            // One line per tenth of the run (progress is shown on terminals only).
            if (value.Completed * 10 / value.Total != (value.Completed - 1) * 10 / value.Total || value.Completed == value.Total)
            {
                lock (_lock)
                {
                    progress.Step(string.Create(CultureInfo.InvariantCulture, $"bootstrap: {value.Completed}/{value.Total} replicates ({value.Failed} failed)"));
                }
            }
        }
    }
}
