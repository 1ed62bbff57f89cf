using System.Globalization;
using Lifecycle.Analysis;
using Lifecycle.Cli.Report;
using Lifecycle.Stages;

namespace Lifecycle.Cli.Analyze;

/// <summary>Builds report.html: one self-contained file, charts as inline SVG, every user string escaped.</summary>
/// <remarks>
/// The report is a list of sections, each a method that writes its own heading, notes and charts; a section the
/// analysis skipped shows its note instead. A new section (for example the next-best actions of <c>engage</c>) is one
/// more entry in <see cref="Sections"/>.
/// </remarks>
internal static class ReportWriter
{
    /// <summary>The report's sections, in order.</summary>
    private static readonly Action<HtmlDocument, AnalysisRun>[] Sections =
    [
        Overview, Models, Holdout, Tracking, Histogram, AliveGrid, Stages, Churn, Value, Segments, Customers,
    ];

    public static string Render(AnalysisRun run)
    {
        var doc = new HtmlDocument("Customer lifecycle report: " + run.Source);
        foreach (var section in Sections)
        {
            section(doc, run);
        }

        return doc.Render();
    }

    private static void Notes(HtmlDocument doc, AnalysisRun run, params AnalysisSection[] sections)
    {
        foreach (var note in run.Result.Notes.Where(n => sections.Contains(n.Section)))
        {
            doc.Paragraph((note.Skipped ? "Skipped: " : "Note: ") + note.Message);
        }
    }

    private static void Overview(HtmlDocument doc, AnalysisRun run)
    {
        var r = run.Result;
        var s = r.Summaries;
        var repeat = 0;
        foreach (var x in s.Frequency)
        {
            repeat += x > 0 ? 1 : 0;
        }

        var revenue = 0m;
        foreach (var v in s.TotalSpend)
        {
            revenue += v;
        }

        var horizon = $"next {Format.Num(r.Horizon, 0)} {run.Unit}";
        var figures = new List<(string, string)>
        {
            ("customers", Format.Int(s.Count)),
            ("transactions read", Format.Int(r.Transactions)),
            ("customers with a repeat purchase", Format.Pct((double)repeat / s.Count)),
            ("revenue to date", run.Money(revenue)),
        };
        if (r.PAlive.Count > 0)
        {
            figures.Add(("mean P(alive)", Format.Pct(r.PAlive.Average())));
            figures.Add(($"expected purchases, {horizon}", Format.Num(r.ExpectedPurchases.Sum(), 0) + " purchases"));
        }

        figures.Add(("total " + run.ValueName, run.Money(r.Value.Sum())));
        if (r.Survival is { } survival)
        {
            figures.Add(($"median lifetime (Kaplan–Meier, churn window {r.Options.ChurnedAfter.TotalDays:0} days)", survival.MedianLifetime is { } m ? Format.Num(m, 1) + " " + run.Unit : "not reached"));
        }

        doc.Section("overview", "Overview", $"Observation end {Format.Date(r.ObservationEnd)}; model time in {run.Unit}; predictions look {Format.Num(r.Horizon, 0)} {run.Unit} ahead{(run.Currency.Length > 0 ? "; money in " + run.Currency : string.Empty)}.")
            .KeyFigures(figures)
            .Paragraph($"Excluded: {Format.Int(s.Counts.AfterObservationEnd)} transactions after the observation end, {Format.Int(s.Counts.RefundsExcluded)} refunds.");
        Notes(doc, run, AnalysisSection.Overview);
        doc.EndSection();
    }

    private static void Models(HtmlDocument doc, AnalysisRun run)
    {
        var r = run.Result;
        doc.Section("models", "Models", $"Fitted by maximum likelihood on {Format.Int(r.Summaries.Count)} customers; time in {run.Unit}." + (r.TransactionFit is null ? string.Empty : " Predictions use: " + r.SelectionReason));
        Notes(doc, run, AnalysisSection.Models);
        foreach (var fit in r.TransactionFits)
        {
            doc.Paragraph($"{fit.Title}{(ReferenceEquals(fit, r.TransactionFit) ? " — used for the predictions" : string.Empty)}: log-likelihood {Format.Num(fit.LogLikelihood, 2)}; converged: {(fit.Converged ? "yes" : "NO")} ({Words(fit.ExitReason.ToString())}, {fit.Iterations} iterations).");
            doc.Table(
                ["parameter", "estimate", "standard error"],
                fit.ParameterNames.Select((name, i) => (IReadOnlyList<string>)[name, Format.Param(fit.Parameters[i]), Format.Param(fit.StandardErrors[i])]));
        }

        if (r.SpendFit is { } spend)
        {
            doc.Paragraph($"Gamma-Gamma spend model (Fader, Hardie & Lee 2005) fitted on {Format.Int((long)spend.CustomersUsed)} customers with repeat purchases of positive value ({Format.Int(r.SpendExcluded)} excluded); population mean spend per purchase {(spend.Model.PopulationMeanSpend is { } mean ? run.Money(mean) : "does not exist")}; log-likelihood {Format.Num(spend.LogLikelihood, 2)}; converged: {(spend.Converged ? "yes" : "NO")} ({Words(spend.ExitReason.ToString())}, {spend.Iterations} iterations).");
            doc.Table(
                ["parameter", "estimate", "standard error"],
                spend.ParameterNames.Select((name, i) => (IReadOnlyList<string>)[name, Format.Param(spend.Parameters[i]), Format.Param(spend.StandardErrors[i])]));
        }

        Notes(doc, run, AnalysisSection.Value);
        doc.EndSection();
    }

    private static void Holdout(HtmlDocument doc, AnalysisRun run)
    {
        var r = run.Result;
        if (r.Holdout is not { } h)
        {
            doc.Section("holdout", "Calibration vs holdout");
            Notes(doc, run, AnalysisSection.Holdout);
            doc.EndSection();
            return;
        }

        doc.Section("holdout", "Calibration vs holdout", $"Each model was fitted on purchases up to {Format.Date(h.CalibrationEnd)} ({(h.Automatic ? "the automatic holdout: the last third of the window" : "the calibration end asked for")}) and asked to predict the next {Format.Num(h.Duration, 0)} {run.Unit} for {Format.Int(h.Customers)} customers; ranked by mean absolute error of holdout purchases per customer (lower is better).");
        Notes(doc, run, AnalysisSection.Holdout);
        var names = h.CalibrationFits.ToDictionary(f => f.Name, f => f.DisplayName);
        doc.Table(
            ["rank", "model", "MAE (purchases)", "RMSE (purchases)", "bias (purchases)", "actual total", "predicted total"],
            h.Rankings.Select(k => (IReadOnlyList<string>)[k.Rank.ToString(CultureInfo.InvariantCulture), names.GetValueOrDefault(k.Name, k.Name), Format.Num(k.Errors.MeanAbsoluteError, 4), Format.Num(k.Errors.RootMeanSquaredError, 4), Format.Num(k.Errors.Bias, 4), Format.Num(k.TotalActual, 0), Format.Num(k.TotalPredicted, 1)]));
        foreach (var f in h.CalibrationFits.Where(f => !f.Converged))
        {
            doc.Paragraph($"Note: {f.DisplayName} did not converge on the calibration period ({Words(f.ExitReason.ToString())}) and is not ranked.");
        }

        if (h.Rows.Count > 0)
        {
            var first = h.Rows.First().Value;
            var series = new List<Series> { new("actual", first.Select(row => ((double)row.Frequency, row.ActualMean)).ToArray(), Svg.Palette[0]) };
            var k = 1;
            foreach (var (name, rows) in h.Rows)
            {
                series.Add(new Series(names.GetValueOrDefault(name, name), rows.Select(row => ((double)row.Frequency, row.PredictedMean)).ToArray(), Svg.Palette[k++], Dashed: true));
            }

            doc.Chart(Svg.Lines("calibration-holdout", "Mean holdout purchases by calibration purchases", series, "repeat purchases in the calibration period (the last point is 7 or more)", "mean purchases in the holdout", xTicks: first.Select(row => (double)row.Frequency).ToArray(), xTick: v => v >= 7 ? "7+" : Format.Num(v, 0)));
            doc.Table(
                ["calibration purchases", "customers", "actual", .. h.Rows.Keys.Select(n => names.GetValueOrDefault(n, n))],
                first.Select((row, i) => (IReadOnlyList<string>)[row.IsOpenEnded ? row.Frequency + "+" : row.Frequency.ToString(CultureInfo.InvariantCulture), Format.Num(row.Customers, 0), Format.Num(row.ActualMean, 3), .. h.Rows.Values.Select(v => Format.Num(v[i].PredictedMean, 3))]));
        }

        doc.EndSection();
    }

    private static void Tracking(HtmlDocument doc, AnalysisRun run)
    {
        var r = run.Result;
        doc.Section("tracking", "Tracking: weekly repeat purchases, actual vs model", r.Tracking.Count == 0 ? null : $"Repeat purchases of the whole customer base per week, and what {r.TransactionFit?.DisplayName} expects for customers who made their first purchase when they did.{(r.Holdout is { } h ? $" The holdout began after {Format.Date(h.CalibrationEnd)}; the model drawn here is the one refitted on all weeks, so this plot shows fit, the holdout table shows prediction." : string.Empty)}");
        Notes(doc, run, AnalysisSection.Tracking);
        if (r.Tracking.Count > 0)
        {
            var origin = r.TrackingOrigin;
            var period = r.TrackingPeriod;
            var weeks = r.Tracking.Select((t, k) => (double)k + 1).ToArray();
            string DateTick(double week) => Format.Date(origin.AddDays(week * 7));
            var dateTicks = Svg.NiceTicks(0, weeks.Length, 6).Where(v => v <= weeks.Length).ToArray();
            doc.Chart(Svg.Lines("tracking-incremental", "Repeat purchases per week", [
                new Series("actual", r.Tracking.Select((t, k) => (weeks[k], t.ActualIncremental)).ToArray(), Svg.Palette[0]),
                new Series("model", r.Tracking.Select((t, k) => (weeks[k], t.ExpectedIncremental)).ToArray(), Svg.Palette[1], Dashed: true),
            ], "week ending", "repeat purchases per week", DateTick, xTicks: dateTicks));
            doc.Chart(Svg.Lines("tracking-cumulative", "Cumulative repeat purchases", [
                new Series("actual", r.Tracking.Select((t, k) => (weeks[k], t.ActualCumulative)).ToArray(), Svg.Palette[0]),
                new Series("model", r.Tracking.Select((t, k) => (weeks[k], t.ExpectedCumulative)).ToArray(), Svg.Palette[1], Dashed: true),
            ], "week ending", "cumulative repeat purchases", DateTick, xTicks: dateTicks));
            _ = period;
        }

        doc.EndSection();
    }

    private static void Histogram(HtmlDocument doc, AnalysisRun run)
    {
        var r = run.Result;
        doc.Section("purchase-histogram", "Customers by number of repeat purchases");
        Notes(doc, run, AnalysisSection.PurchaseHistogram);
        if (r.PurchaseHistogram is { } hist)
        {
            var labels = hist.Bars.Select(b => b.IsOpenEnded ? b.Count + "+" : b.Count.ToString(CultureInfo.InvariantCulture)).ToArray();
            doc.Chart(Svg.GroupedColumns("purchase-histogram", $"Repeat purchases per customer in the whole window: actual vs {r.TransactionFit?.DisplayName}", labels, [
                ("actual", hist.Bars.Select(b => b.Observed).ToArray(), Svg.Palette[0]),
                ("model", hist.Bars.Select(b => b.Expected).ToArray(), Svg.Palette[1]),
            ], "repeat purchases", "customers"));
            doc.Paragraph($"Pearson chi-square {Format.Num(hist.ChiSquare, 1)} on {hist.DegreesOfFreedom} degrees of freedom{(double.IsFinite(hist.PValue) ? ", p = " + Format.Num(hist.PValue, 4) : string.Empty)}: a small p says the model's purchase-count distribution differs from the data (with thousands of customers even small differences are significant; read the bars).");
        }

        doc.EndSection();
    }

    private static void AliveGrid(HtmlDocument doc, AnalysisRun run)
    {
        var r = run.Result;
        if (r.TransactionFit is not { } fit)
        {
            return;
        }

        var s = r.Summaries;
        var tMax = 1e-9;
        foreach (var t in s.T)
        {
            tMax = Math.Max(tMax, t);
        }

        var xMax = (int)Math.Clamp(ReportWriter.Percentile(s.Frequency.ToArray(), 0.99), 1, 30);
        const int recencyBins = 12;
        var rows = Enumerable.Range(0, xMax + 1).Select(x => x.ToString(CultureInfo.InvariantCulture)).ToArray();
        var cols = Enumerable.Range(0, recencyBins + 1).Select(j => Format.Num(tMax * j / recencyBins, 0)).ToArray();
        var grid = new double?[rows.Length, cols.Length];
        for (var x = 0; x <= xMax; x++)
        {
            for (var j = 0; j <= recencyBins; j++)
            {
                var tx = tMax * j / recencyBins;
                grid[x, j] = x == 0 && j > 0 ? null : fit.Model.ProbabilityAlive(x, x == 0 ? 0 : tx, tMax);
            }
        }

        doc.Section("p-alive", "P(alive) by repeat purchases and recency", $"From {fit.DisplayName}, for a customer first seen {Format.Num(tMax, 0)} {run.Unit} before the observation end (the oldest): the probability of still being active given the number of repeat purchases and the time of the last one.");
        doc.Chart(Svg.Heatmap("p-alive", "P(alive)", rows, cols, grid, v => Format.Pct(v), "repeat purchases", $"time of the last purchase after the first ({run.Unit})"));
        doc.EndSection();
    }

    private static void Stages(HtmlDocument doc, AnalysisRun run)
    {
        var r = run.Result;
        doc.Section("stages", "Lifecycle stages", "Each customer's stage as of the observation end: first purchase → Conversion, repeat purchase → Retention, inactivity or a low P(alive) → At risk, long inactivity with a low P(alive) → Churned.");
        Notes(doc, run, AnalysisSection.Stages);
        var funnel = r.Funnel.Select(f => new Bar(run.StageName(f.Stage), f.Reached, $"{Format.Int(f.Reached)}" + (f.ConversionFromPrevious is { } c ? $" ({Format.Pct(c)} of previous)" : string.Empty) + (r.UnreachableStages.ContainsKey(f.Stage) && f.Stage != StageModels.Ids.Reach ? " — needs events" : string.Empty))).ToArray();
        doc.Chart(Svg.HorizontalBars("stage-funnel", "Funnel: customers who reached each stage", funnel, Svg.Palette[0]));
        foreach (var (stage, why) in r.UnreachableStages)
        {
            doc.Paragraph($"{run.StageName(stage)}: {why}.");
        }

        var distribution = r.StageDistribution.Select(d => new Bar(run.StageName(d.Stage), d.Customers, $"{Format.Int(d.Customers)} ({Format.Pct(d.Share)})")).ToArray();
        doc.Chart(Svg.HorizontalBars("stage-distribution", "Customers by current stage", distribution, Svg.Palette[2]));
        if (r.StageByAlive.Count > 0)
        {
            var bands = r.AliveBands;
            var labels = bands.Select((b, k) => $"{Format.Pct(b)}–{Format.Pct(k + 1 < bands.Count ? bands[k + 1] : 1)}").ToArray();
            var stages = r.StageDistribution.Where(d => d.Customers > 0).Select(d => d.Stage).ToArray();
            doc.Table(
                ["stage \\ P(alive)", .. labels, "customers"],
                stages.Select(st => (IReadOnlyList<string>)[run.StageName(st), .. Enumerable.Range(0, bands.Count).Select(b => Format.Int(r.StageByAlive.FirstOrDefault(c => c.Stage == st && c.Band == b).Customers)), Format.Int(r.StageByAlive.Where(c => c.Stage == st).Sum(c => c.Customers))]));
        }

        doc.EndSection();
    }

    private static IReadOnlyList<string> Cells(Metrics.PeriodChurn p) =>
        [Format.Int(p.CustomersAtStart), Format.Int(p.NewCustomers), Format.Int(p.Reactivated), Format.Int(p.Lost), Format.Pct(p.ChurnRate), Format.Pct(p.RetentionRate), Format.Int(p.CustomersAtEnd)];

    private static void Churn(HtmlDocument doc, AnalysisRun run)
    {
        var r = run.Result;
        doc.Section("churn", "Churn and retention", $"A customer counts as churned {r.Options.ChurnedAfter.TotalDays:0} days after their last purchase (censored at the observation end). Churn rate = customers lost in the period / customers at its start; customers acquired in the period are not in the denominator.");
        Notes(doc, run, AnalysisSection.Churn);
        if (r.Churn is { } churn)
        {
            var periods = churn.Periods.Where(p => p.CustomersAtStart > 0).ToArray();
            var step = Math.Max(1, (int)Math.Ceiling(periods.Length / 8.0));
            var ticks = Enumerable.Range(0, periods.Length).Where(i => i % step == 0).Select(i => (double)i).ToArray();
            doc.Chart(Svg.Lines("churn-rate", "Churn and retention rate per period", [
                new Series("churn rate", periods.Select((p, i) => ((double)i, p.ChurnRate.ValueOrNull ?? double.NaN)).ToArray(), Svg.Palette[3]),
                new Series("retention rate", periods.Select((p, i) => ((double)i, p.RetentionRate.ValueOrNull ?? double.NaN)).ToArray(), Svg.Palette[0]),
            ], r.Options.Period.ToString().ToLowerInvariant(), "share of customers at the period's start", v => v >= 0 && v < periods.Length ? periods[(int)v].Period.Label : string.Empty, v => Format.Pct(v), ticks));
            doc.Table(
                ["period", "at start", "new", "reactivated", "lost", "churn rate", "retention rate", "at end"],
                SparseTables.ChurnRows(churn).Select(row => (IReadOnlyList<string>)[SparseTables.Label(churn, row), .. Cells(churn.Periods[row.From])]));
        }

        Notes(doc, run, AnalysisSection.Cohorts);
        if (r.Cohorts is { } cohorts)
        {
            // Periods in which nobody was acquired are left out of the rows, and ages at which no cohort purchased out of
            // the columns, so a long date span with little data stays a small table (docs/analyze.md, "Long date spans").
            var rows = cohorts.NonEmptyCohorts.ToArray();
            var ages = SparseTables.ActiveAges(cohorts);
            var maxAge = ages.Length;
            var grid = new double?[rows.Length, maxAge];
            for (var k = 0; k < rows.Length; k++)
            {
                for (var a = 0; a < maxAge && ages[a] < cohorts.Ages(rows[k]); a++)
                {
                    grid[k, a] = cohorts.CustomerRetention(rows[k], ages[a]).ValueOrNull;
                }
            }


            doc.Chart(Svg.Heatmap("cohort-retention", "Cohort retention: share of each acquisition cohort purchasing in later periods", rows.Select(c => $"{cohorts.Cohort(c).Label} ({Format.Int(cohorts.CohortSize(c))})").ToArray(), ages.Select(a => "+" + a.ToString(CultureInfo.InvariantCulture)).ToArray(), grid, v => Format.Pct(v), "acquisition cohort (customers)", $"{r.Options.Period.ToString().ToLowerInvariant()}s since acquisition (+0 is 100% by definition)", scaleFromColumn: maxAge > 1 ? 1 : 0));
        }

        Notes(doc, run, AnalysisSection.Survival);
        if (r.Survival is { } curve && curve.Count > 0)
        {
            var points = new List<(double, double)> { (0, 1) };
            var band = new List<(double, double, double)> { (0, 1, 1) };
            for (var i = 0; i < curve.Count; i++)
            {
                points.Add((curve.Times[i], curve.Survival[i]));
                band.Add((curve.Times[i], double.IsFinite(curve.Lower[i]) ? curve.Lower[i] : curve.Survival[i], double.IsFinite(curve.Upper[i]) ? curve.Upper[i] : curve.Survival[i]));
            }

            points.Add((curve.LastObservedTime, curve.Survival[^1]));
            band.Add((curve.LastObservedTime, band[^1].Item2, band[^1].Item3));
            var stepBand = new List<(double, double, double)>();
            for (var i = 0; i < band.Count; i++)
            {
                if (i > 0)
                {
                    stepBand.Add((band[i].Item1, band[i - 1].Item2, band[i - 1].Item3));
                }

                stepBand.Add(band[i]);
            }

            var marks = new List<(double, double)>();
            for (var i = 0; i < curve.Count; i++)
            {
                var censored = curve.AtRisk[i] - curve.Events[i] - (i + 1 < curve.Count ? curve.AtRisk[i + 1] : 0);
                if (censored > 0)
                {
                    marks.Add((curve.Times[i], curve.Survival[i]));
                }
            }

            doc.Chart(Svg.Lines("survival", $"Customer survival (Kaplan–Meier, {Format.Pct(curve.ConfidenceLevel)} band; ticks mark censoring)", [new Series("S(t)", points, Svg.Palette[4]) { Step = true, Band = stepBand, Marks = marks.Count > 200 ? marks.Where((_, i) => i % (marks.Count / 200 + 1) == 0).ToArray() : marks }], $"time since the first purchase ({run.Unit})", "share not yet churned", yTick: v => Format.Pct(v)));
            doc.Paragraph($"Nobody can churn before {r.Options.ChurnedAfter.TotalDays:0} days have passed without a purchase, so the curve stays at 100% at first; the median lifetime {(curve.MedianLifetime is { } m ? Format.Num(m, 1) + " " + run.Unit : "is not reached")} moves with the churn window.");
        }

        doc.EndSection();
    }

    private static void Value(HtmlDocument doc, AnalysisRun run)
    {
        var r = run.Result;
        var values = r.Value.Where(double.IsFinite).OrderDescending().ToArray();
        var total = values.Sum();
        doc.Section("value", "Customer value", $"Ranked by {run.ValueName}.");
        if (values.Length > 0)
        {
            const int bins = 20;
            var hi = Percentile(values, 0.99);
            var lo = Math.Min(0, values[^1]);
            var width = Math.Max((hi - lo) / bins, 1e-9);
            var counts = new int[bins];
            foreach (var v in values)
            {
                counts[Math.Clamp((int)((v - lo) / width), 0, bins - 1)]++;
            }

            doc.Chart(Svg.Columns("value-distribution", run.ValueName + " distribution (top bin includes the top 1%)", counts.Select((c, k) => new Bar(Format.Num(lo + (k * width), 0), c, Format.Int(c) + " customers")).ToArray(), run.ValueName + ", lower edge of the bin", "customers"));
            var cumulative = new List<(double, double)> { (0, 0) };
            double running = 0;
            var step = Math.Max(1, values.Length / 200);
            for (var i = 0; i < values.Length; i++)
            {
                running += values[i];
                if (i % step == 0 || i == values.Length - 1)
                {
                    cumulative.Add(((i + 1) / (double)values.Length, total > 0 ? running / total : 0));
                }
            }

            var top20 = values.Take((int)Math.Ceiling(values.Length * 0.2)).Sum();
            doc.Chart(Svg.Lines("pareto", "Cumulative value (Pareto curve)", [new Series("share of value", cumulative, Svg.Palette[1]), new Series("equal shares", [(0, 0), (1, 1)], "#999", Dashed: true)], "share of customers, most valuable first", "share of total value", v => Format.Pct(v), v => Format.Pct(v)));
            doc.Paragraph($"The top 20% of customers hold {Format.Pct(total > 0 ? top20 / total : 0)} of the {run.ValueName}.");
        }

        doc.EndSection();
    }

    private static void Segments(HtmlDocument doc, AnalysisRun run)
    {
        var r = run.Result;
        doc.Section("segments", "RFM segments", $"Recency (time since the last purchase), frequency (repeat purchases) and monetary value (average order value, first purchase included) scored 1–5 (5 = most recent, most frequent, highest spend); equal values share a score. Named by the {(r.Options.SegmentMap.Axis == Segmentation.SegmentAxis.Frequency ? "R×F" : "R×FM")} map, the same names as the segment verb.");
        Notes(doc, run, AnalysisSection.Segments);
        if (r.Rfm is { } scores)
        {
            var grid = new double?[5, 5];
            for (var i = 0; i < scores.Count; i++)
            {
                var rr = scores.R[i] - 1;
                var ff = scores.F[i] - 1;
                if (rr is >= 0 and < 5 && ff is >= 0 and < 5)
                {
                    grid[4 - rr, ff] = (grid[4 - rr, ff] ?? 0) + 1;
                }
            }

            doc.Chart(Svg.Heatmap("rfm-map", "Customers per R×F score cell", ["R=5", "R=4", "R=3", "R=2", "R=1"], ["F=1", "F=2", "F=3", "F=4", "F=5"], grid, v => Format.Int((long)v), "recency score", "frequency score"));
            var groups = r.SegmentTotals.OrderByDescending(g => g.Value).ToArray();
            doc.Chart(Svg.HorizontalBars("segment-sizes", "Customers per segment", groups.Select(g => new Bar(g.Name, g.Customers, Format.Int(g.Customers))).ToArray(), Svg.Palette[5]));
            doc.Table(["segment", "customers", "mean P(alive)", "total " + run.ValueName], groups.Select(g => (IReadOnlyList<string>)[g.Name, Format.Int(g.Customers), Format.Pct(g.MeanPAlive), run.Money(g.Value)]));
        }

        doc.EndSection();
    }

    private static void Customers(HtmlDocument doc, AnalysisRun run)
    {
        var r = run.Result;
        var s = r.Summaries;
        var hasModel = r.PAlive.Count > 0;
        string[] headers = ["customer", "stage", "segment", "purchases", "P(alive)", $"expected purchases, next {Format.Num(r.Horizon, 0)} {run.Unit}", run.ValueName];
        IReadOnlyList<string> Row(int i) => [s.Ids[i], r.Stages.Count > 0 ? run.StageName(r.Stages[i]) : "n/a", r.SegmentOf(i), Format.Int(s.TransactionCount[i]), hasModel ? Format.Pct(r.PAlive[i]) : "n/a", hasModel ? Format.Num(r.ExpectedPurchases[i], 2) : "n/a", run.Money(r.Value[i])];
        var byValue = Enumerable.Range(0, s.Count).OrderByDescending(i => r.Value[i]).ToArray();
        doc.Section("top-customers", "Top customers by " + run.ValueName);
        doc.Table(headers, byValue.Take(run.Top).Select(Row));
        doc.EndSection();
        var highValue = byValue.Take(Math.Max(1, s.Count / 5)).ToHashSet();
        var threshold = r.Options.AliveThreshold;
        var atRisk = byValue.Where(i => highValue.Contains(i) && ((r.Stages.Count > 0 && r.Stages[i] is StageModels.Ids.AtRisk or StageModels.Ids.Churned) || (hasModel && r.PAlive[i] < threshold))).Take(run.Top).ToArray();
        doc.Section("at-risk", "High-value customers at risk", $"Customers in the top 20% by {run.ValueName} who are At risk or Churned{(hasModel ? $", or whose P(alive) is below {Format.Pct(threshold)}" : string.Empty)}: {Format.Int(atRisk.Length)} shown.");
        doc.Table(headers, atRisk.Select(Row));
        doc.EndSection();
    }

    /// <summary>"GradientTolerance" → "gradient tolerance".</summary>
    private static string Words(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? " " : string.Empty) + char.ToLowerInvariant(c) : c.ToString()));

    internal static double Percentile(double[] values, double p)
    {
        if (values.Length == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Clamp(Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
