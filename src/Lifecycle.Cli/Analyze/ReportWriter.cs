using Lifecycle.Cli.Report;
using Lifecycle.Stages;

namespace Lifecycle.Cli.Analyze;

/// <summary>Builds report.html: one self-contained file, charts as inline SVG, every user string escaped.</summary>
internal static class ReportWriter
{
    public static string Render(AnalysisResult r)
    {
        var s = r.Summaries;
        var settings = r.Settings;
        var unit = CommonOptions.UnitName(settings.Unit);
        var doc = new HtmlDocument("Customer lifecycle report: " + settings.Source.Name);
        var repeat = Enumerable.Range(0, s.Count).Count(i => s.Frequency[i] > 0);
        var revenue = 0m;
        foreach (var v in s.TotalSpend)
        {
            revenue += v;
        }

        doc.Section("overview", "Overview", $"Observation end {Format.Date(r.ObservationEnd)}; model time in {unit}; predictions look {Format.Num(settings.HorizonUnits, 0)} {unit} ahead.")
            .KeyFigures(
            [
                ("customers", Format.Int(s.Count)),
                ("transactions read", Format.Int(r.TransactionRows)),
                ("repeat customers", Format.Pct((double)repeat / s.Count)),
                ("revenue to date", Format.Money(revenue)),
                ("mean P(alive)", Format.Pct(r.PAlive.Average())),
                ($"expected purchases, next {Format.Num(settings.HorizonUnits, 0)} {unit}", Format.Num(r.ExpectedPurchases.Sum(), 0)),
                ("total " + r.ValueName, Format.Money(r.Value.Sum())),
                ("median lifetime (Kaplan–Meier)", r.Survival.MedianLifetime is { } m ? Format.Num(m, 1) + " " + unit : "not reached"),
            ])
            .Paragraph($"Excluded: {s.Counts.AfterObservationEnd} transactions after the observation end, {s.Counts.RefundsExcluded} refunds.")
            .EndSection();

        Models(doc, r, unit);
        Holdout(doc, r);
        AliveGrid(doc, r, unit);
        Stages(doc, r);
        Churn(doc, r, unit);
        Value(doc, r);
        Segments(doc, r);
        Customers(doc, r);
        return doc.Render();
    }

    private static void Models(HtmlDocument doc, AnalysisResult r, string unit)
    {
        doc.Section("models", "Models", $"Fitted by maximum likelihood on {Format.Int(r.Summaries.Count)} customers; time in {unit}. Predictions use: {r.SelectionReason}");
        foreach (var fit in r.TransactionFits)
        {
            doc.Paragraph($"{fit.Title}{(ReferenceEquals(fit, r.TransactionFit) ? " — used for the predictions" : string.Empty)}: log-likelihood {Format.Num(fit.LogLikelihood, 2)}; converged: {(fit.Converged ? "yes" : "NO")} ({fit.ExitReason}, {fit.Iterations} iterations).");
            doc.Table(
                ["parameter", "estimate", "standard error"],
                fit.ParameterNames.Select((name, i) => (IReadOnlyList<string>)[name, Format.Param(fit.Parameters[i]), Format.Param(fit.StandardErrors[i])]));
        }

        if (r.SpendFit is { } spend)
        {
            doc.Paragraph($"Gamma-Gamma spend model (Fader, Hardie & Lee 2005) fitted on {Format.Int((long)spend.CustomersUsed)} customers with repeat purchases of positive value ({Format.Int(r.SpendExcluded)} excluded); population mean spend {(spend.Model.PopulationMeanSpend is { } mean ? Format.Money(mean) : "does not exist")}; log-likelihood {Format.Num(spend.LogLikelihood, 2)}; converged: {(spend.Converged ? "yes" : "NO")} ({spend.ExitReason}, {spend.Iterations} iterations).");
            doc.Table(
                ["parameter", "estimate", "standard error"],
                spend.ParameterNames.Select((name, i) => (IReadOnlyList<string>)[name, Format.Param(spend.Parameters[i]), Format.Param(spend.StandardErrors[i])]));
        }

        foreach (var note in r.Notes)
        {
            doc.Paragraph("Note: " + note);
        }

        doc.EndSection();
    }

    private static void Holdout(HtmlDocument doc, AnalysisResult r)
    {
        if (r.Holdout is not { } h)
        {
            return;
        }

        doc.Section("holdout", "Calibration vs holdout", $"Each model was fitted on purchases up to {Format.Date(h.CalibrationEnd)} and asked to predict the next {Format.Num(h.Duration, 1)} time units for {Format.Int(h.Customers)} customers; ranked by mean absolute error.");
        doc.Table(
            ["rank", "model", "MAE", "RMSE", "bias", "actual total", "predicted total"],
            h.Rankings.Select(k => (IReadOnlyList<string>)[k.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture), k.Name, Format.Num(k.Errors.MeanAbsoluteError, 4), Format.Num(k.Errors.RootMeanSquaredError, 4), Format.Num(k.Errors.Bias, 4), Format.Num(k.TotalActual, 0), Format.Num(k.TotalPredicted, 1)]));
        if (h.Rows.Count > 0)
        {
            var first = h.Rows.First().Value;
            var series = new List<Series> { new("actual", first.Select(row => ((double)row.Frequency, row.ActualMean)).ToArray(), Svg.Palette[0]) };
            var k = 1;
            foreach (var (name, rows) in h.Rows)
            {
                series.Add(new Series(name, rows.Select(row => ((double)row.Frequency, row.PredictedMean)).ToArray(), Svg.Palette[k++], Dashed: true));
            }

            doc.Chart(Svg.Lines("calibration-holdout", "Mean holdout purchases by calibration frequency", series, "purchases in calibration (the last point is 7 or more)", "mean purchases in holdout"));
            doc.Table(
                ["calibration frequency", "customers", "actual", .. h.Rows.Keys],
                first.Select((row, i) => (IReadOnlyList<string>)[row.IsOpenEnded ? row.Frequency + "+" : row.Frequency.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.Num(row.Customers, 0), Format.Num(row.ActualMean, 3), .. h.Rows.Values.Select(v => Format.Num(v[i].PredictedMean, 3))]));
        }

        doc.EndSection();
    }

    private static void AliveGrid(HtmlDocument doc, AnalysisResult r, string unit)
    {
        var s = r.Summaries;
        var tMax = s.T.Length == 0 ? 1 : Math.Max(s.T.ToArray().Max(), 1e-9);
        var xMax = (int)Math.Clamp(Percentile(s.Frequency.ToArray(), 0.99), 1, 30);
        const int recencyBins = 12;
        var rows = Enumerable.Range(0, xMax + 1).Select(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var cols = Enumerable.Range(0, recencyBins + 1).Select(j => Format.Num(tMax * j / recencyBins, 0)).ToArray();
        var grid = new double?[rows.Length, cols.Length];
        for (var x = 0; x <= xMax; x++)
        {
            for (var j = 0; j <= recencyBins; j++)
            {
                var tx = tMax * j / recencyBins;
                grid[x, j] = x == 0 && j > 0 ? null : r.TransactionFit.Model.ProbabilityAlive(x, x == 0 ? 0 : tx, tMax);
            }
        }

        doc.Section("p-alive", "P(alive) by frequency and recency", $"From the {r.TransactionFit.Name} model, for a customer of age T = {Format.Num(tMax, 1)} {unit} (the oldest): the probability of still being active given their repeat purchases and the time of the last one.");
        doc.Chart(Svg.Heatmap("p-alive", "P(alive)", rows, cols, grid, v => Format.Pct(v), "repeat purchases x", $"recency t_x ({unit})"));
        doc.EndSection();
    }

    private static void Stages(HtmlDocument doc, AnalysisResult r)
    {
        doc.Section("stages", "Lifecycle stages", "Each customer's stage as of the observation end, by the default rules (first purchase → Conversion, repeat purchase → Retention, inactivity or low P(alive) → At risk, long inactivity → Churned).");
        var funnel = r.Funnel.Select(f => new Bar(Display(r.StageModel, f.Stage), f.Reached, $"{Format.Int(f.Reached)}" + (f.ConversionFromPrevious is { } c ? $" ({Format.Pct(c)} of previous)" : string.Empty))).ToArray();
        doc.Chart(Svg.HorizontalBars("stage-funnel", "Funnel: customers who reached each stage", funnel, Svg.Palette[0]));
        var distribution = r.StageDistribution.Select(d => new Bar(Display(r.StageModel, d.Stage), d.Customers, $"{Format.Int(d.Customers)} ({Format.Pct(d.Share)})")).ToArray();
        doc.Chart(Svg.HorizontalBars("stage-distribution", "Customers by current stage", distribution, Svg.Palette[2]));
        doc.EndSection();
    }

    private static void Churn(HtmlDocument doc, AnalysisResult r, string unit)
    {
        var churn = r.Churn;
        doc.Section("churn", "Churn and retention", $"A customer churns after {r.Settings.ChurnedDays} days without a purchase (censored at the observation end). Churn rate = customers lost in the period / customers at its start; customers acquired in the period are not in the denominator.");
        var periods = churn.Periods.Where(p => p.CustomersAtStart > 0).ToArray();
        doc.Chart(Svg.Lines("churn-rate", "Churn and retention rate per period", [
            new Series("churn rate", periods.Select((p, i) => ((double)i, p.ChurnRate.ValueOrNull ?? double.NaN)).ToArray(), Svg.Palette[3]),
            new Series("retention rate", periods.Select((p, i) => ((double)i, p.RetentionRate.ValueOrNull ?? double.NaN)).ToArray(), Svg.Palette[0]),
        ], "period (" + (periods.Length > 0 ? periods[0].Period.Label + " … " + periods[^1].Period.Label : "none") + ")", "rate"));
        doc.Table(
            ["period", "at start", "new", "reactivated", "lost", "churn rate", "retention rate", "at end"],
            churn.Periods.Select(p => (IReadOnlyList<string>)[p.Period.Label, Format.Int(p.CustomersAtStart), Format.Int(p.NewCustomers), Format.Int(p.Reactivated), Format.Int(p.Lost), Format.Pct(p.ChurnRate), Format.Pct(p.RetentionRate), Format.Int(p.CustomersAtEnd)]));

        var cohorts = r.Cohorts;
        var maxAge = 0;
        for (var c = 0; c < cohorts.CohortCount; c++)
        {
            maxAge = Math.Max(maxAge, cohorts.Ages(c));
        }

        // Periods in which nobody was acquired are left out of the rows.
        var rows = Enumerable.Range(0, cohorts.CohortCount).Where(c => cohorts.CohortSize(c) > 0).ToArray();
        var grid = new double?[rows.Length, maxAge];
        for (var k = 0; k < rows.Length; k++)
        {
            for (var a = 0; a < cohorts.Ages(rows[k]); a++)
            {
                grid[k, a] = cohorts.CustomerRetention(rows[k], a).ValueOrNull;
            }
        }

        doc.Chart(Svg.Heatmap("cohort-retention", "Cohort retention: share of each acquisition cohort purchasing in later periods", rows.Select(c => $"{cohorts.Cohort(c).Label} ({Format.Int(cohorts.CohortSize(c))})").ToArray(), Enumerable.Range(0, maxAge).Select(a => "+" + a.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(), grid, v => Format.Pct(v), "acquisition cohort (size)", "periods since acquisition"));
        var curve = r.Survival;
        var points = new List<(double, double)> { (0, 1) };
        for (var i = 0; i < curve.Count; i++)
        {
            points.Add((curve.Times[i], curve.Survival[i]));
        }

        doc.Chart(Svg.Lines("survival", "Customer survival (Kaplan–Meier, right-censored)", [new Series("S(t)", points, Svg.Palette[4])], $"time since first purchase ({unit})", "share still active"));
        doc.EndSection();
    }

    private static void Value(HtmlDocument doc, AnalysisResult r)
    {
        var values = r.Value.Where(double.IsFinite).OrderDescending().ToArray();
        var total = values.Sum();
        doc.Section("value", "Customer value", $"Ranked by {r.ValueName}.");
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

            doc.Chart(Svg.Columns("value-distribution", r.ValueName + " distribution (top bin includes the top 1%)", counts.Select((c, k) => new Bar(Format.Num(lo + (k * width), 0), c, Format.Int(c) + " customers")).ToArray(), r.ValueName));
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
            doc.Chart(Svg.Lines("pareto", "Cumulative value (Pareto curve)", [new Series("share of value", cumulative, Svg.Palette[1]), new Series("equal shares", [(0, 0), (1, 1)], "#999", Dashed: true)], "share of customers, most valuable first", "share of total value"));
            doc.Paragraph($"The top 20% of customers hold {Format.Pct(total > 0 ? top20 / total : 0)} of the {r.ValueName}.");
        }

        doc.EndSection();
    }

    private static void Segments(HtmlDocument doc, AnalysisResult r)
    {
        var scores = r.Rfm;
        var grid = new double?[5, 5];
        var names = new string?[5, 5];
        for (var i = 0; i < scores.Count; i++)
        {
            var rr = scores.R[i] - 1;
            var ff = scores.F[i] - 1;
            if (rr is >= 0 and < 5 && ff is >= 0 and < 5)
            {
                grid[4 - rr, ff] = (grid[4 - rr, ff] ?? 0) + 1;
                names[4 - rr, ff] = r.SegmentOf(i);
            }
        }

        doc.Section("segments", "RFM segments", "Recency, frequency and monetary scores 1–5 by quintiles (5 = most recent, most frequent, highest spend), mapped to named segments by the R×F map.");
        doc.Chart(Svg.Heatmap("rfm-map", "Customers per R×F score cell", ["R=5", "R=4", "R=3", "R=2", "R=1"], ["F=1", "F=2", "F=3", "F=4", "F=5"], grid, v => Format.Int((long)v), "recency score", "frequency score"));
        var groups = r.SegmentTotals.OrderByDescending(g => g.Value).ToArray();
        doc.Chart(Svg.HorizontalBars("segment-sizes", "Customers per segment", groups.Select(g => new Bar(g.Name, g.Customers, Format.Int(g.Customers))).ToArray(), Svg.Palette[5]));
        doc.Table(["segment", "customers", "mean P(alive)", "total " + r.ValueName], groups.Select(g => (IReadOnlyList<string>)[g.Name, Format.Int(g.Customers), Format.Pct(g.MeanPAlive), Format.Money(g.Value)]));
        doc.EndSection();
    }

    private static void Customers(HtmlDocument doc, AnalysisResult r)
    {
        var s = r.Summaries;
        string[] headers = ["customer", "stage", "segment", "purchases", "P(alive)", "expected purchases", r.ValueName];
        IReadOnlyList<string> Row(int i) => [s.Ids[i], Display(r.StageModel, r.Stages[i]), r.SegmentOf(i), Format.Int(s.TransactionCount[i]), Format.Pct(r.PAlive[i]), Format.Num(r.ExpectedPurchases[i], 2), Format.Money(r.Value[i])];
        var byValue = Enumerable.Range(0, s.Count).OrderByDescending(i => r.Value[i]).ToArray();
        doc.Section("top-customers", "Top customers by " + r.ValueName);
        doc.Table(headers, byValue.Take(r.Settings.Top).Select(Row));
        doc.EndSection();
        var highValue = byValue.Take(Math.Max(1, s.Count / 5)).ToHashSet();
        var atRisk = byValue.Where(i => highValue.Contains(i) && (r.Stages[i] is StageModels.Ids.AtRisk or StageModels.Ids.Churned || r.PAlive[i] < r.Settings.AliveThreshold)).Take(r.Settings.Top).ToArray();
        doc.Section("at-risk", "High-value customers at risk", $"Customers in the top 20% by {r.ValueName} who are At risk or Churned, or whose P(alive) is below {Format.Pct(r.Settings.AliveThreshold)}: {Format.Int(atRisk.Length)} shown.");
        doc.Table(headers, atRisk.Select(Row));
        doc.EndSection();
    }

    private static string Display(StageModel model, string id) => model.Stages.FirstOrDefault(st => st.Id == id) is { Id: not null } stage ? stage.DisplayName : id;

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
