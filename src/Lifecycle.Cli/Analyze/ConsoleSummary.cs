using Lifecycle.Analysis;

namespace Lifecycle.Cli.Analyze;

/// <summary>The readable summary printed after an analysis.</summary>
internal static class ConsoleSummary
{
    public static void Write(TextWriter w, AnalysisRun run, string outDirectory)
    {
        var r = run.Result;
        var s = r.Summaries;
        var unit = run.Unit;
        w.WriteLine($"Analysed {Format.Int(r.Transactions)} transactions of {Format.Int(s.Count)} customers from {run.Source} (observation end {Format.Date(r.ObservationEnd)}, time in {unit}).");
        foreach (var fit in r.TransactionFits)
        {
            ConsoleTable.Write(w, $"{fit.Title} (log-likelihood {Format.Num(fit.LogLikelihood, 2)}, {(fit.Converged ? "converged" : "NOT converged: " + fit.ExitReason)})", ["parameter", "estimate", "std. error"],
                fit.ParameterNames.Select((n, i) => (IReadOnlyList<string>)[n, Format.Param(fit.Parameters[i]), Format.Param(fit.StandardErrors[i])]).ToArray());
        }

        if (r.SpendFit is { } spend)
        {
            ConsoleTable.Write(w, $"Gamma-Gamma spend fit (log-likelihood {Format.Num(spend.LogLikelihood, 2)}, {(spend.Converged ? "converged" : "NOT converged: " + spend.ExitReason)})", ["parameter", "estimate", "std. error"],
                spend.ParameterNames.Select((n, i) => (IReadOnlyList<string>)[n, Format.Param(spend.Parameters[i]), Format.Param(spend.StandardErrors[i])]).ToArray());
        }

        if (r.Holdout is { } h)
        {
            ConsoleTable.Write(w, $"Holdout check ({Format.Num(h.Duration, 1)} {unit} after {Format.Date(h.CalibrationEnd)}), best first by mean absolute error per customer", ["model", "MAE", "RMSE", "bias"],
                h.Rankings.Select(k => (IReadOnlyList<string>)[k.Name, Format.Num(k.Errors.MeanAbsoluteError, 4), Format.Num(k.Errors.RootMeanSquaredError, 4), Format.Num(k.Errors.Bias, 4)]).ToArray());
        }

        w.WriteLine();
        if (r.TransactionFit is not null)
        {
            w.WriteLine("Predictions use " + r.SelectionReason);
        }

        foreach (var note in r.Notes)
        {
            w.WriteLine((note.Skipped ? "Skipped: " : "Note: ") + note.Message);
        }

        ConsoleTable.Write(w, "Lifecycle stages", ["stage", "customers", "share"], r.StageDistribution.Select(d => (IReadOnlyList<string>)[run.StageName(d.Stage), Format.Int(d.Customers), Format.Pct(d.Share)]).ToArray());
        if (r.SegmentTotals.Count > 0)
        {
            var segments = r.SegmentTotals.Select(g => (IReadOnlyList<string>)[g.Name, Format.Int(g.Customers), Format.Pct(g.MeanPAlive), run.Money(g.Value)]).ToArray();
            ConsoleTable.Write(w, "RFM segments", ["segment", "customers", "mean P(alive)", run.ValueName], segments);
        }

        if (r.Churn is { } churn)
        {
            var recent = churn.Periods.Where(p => p.CustomersAtStart > 0).TakeLast(6).Select(p => (IReadOnlyList<string>)[p.Period.Label, Format.Int(p.CustomersAtStart), Format.Int(p.Lost), Format.Pct(p.ChurnRate), Format.Pct(p.RetentionRate)]).ToArray();
            ConsoleTable.Write(w, $"Churn by {r.Options.Period.ToString().ToLowerInvariant()} (last 6 periods; churned = {r.Options.ChurnedAfter.TotalDays:0} days without a purchase)", ["period", "at start", "lost", "churn rate", "retention rate"], recent);
        }

        w.WriteLine();
        if (r.ExpectedPurchases.Count > 0)
        {
            w.WriteLine($"Expected purchases in the next {Format.Num(r.Horizon, 0)} {unit}: {Format.Num(r.ExpectedPurchases.Sum(), 0)}; total {run.ValueName}: {run.Money(r.Value.Sum())}.");
        }
        else
        {
            w.WriteLine($"Total {run.ValueName}: {run.Money(r.Value.Sum())}.");
        }

        w.WriteLine($"Wrote {Path.Combine(outDirectory, "report.html")}, customers.csv and summary.json.");
    }
}
