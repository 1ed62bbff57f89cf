using System.Runtime.InteropServices;
using Lifecycle.Cli.IO;
using Lifecycle.Clv;
using Lifecycle.Metrics;
using Lifecycle.Segmentation;
using Lifecycle.Stages;

namespace Lifecycle.Cli.Analyze;

/// <summary>
/// The main job, end to end: one streamed pass over the transactions builds the customer summaries (and a compact
/// per-customer, per-period activity record for churn), then models, predictions, segments, stages and churn are
/// computed from those. Memory grows with customers (and their active periods), not with transactions.
/// </summary>
internal static class AnalysisRunner
{
    public static AnalysisResult Run(AnalysisSettings settings, Progress progress)
    {
        var end = settings.ObservationEnd ?? settings.Source.LastDate();
        if (settings.CalibrationEnd is { } cal && cal >= end)
        {
            throw new CliInputException($"--calibration-end {cal:yyyy-MM-dd} must be before the observation end {end:yyyy-MM-dd}; choose a calibration end inside the data (or a later --end).");
        }

        var calendar = new PeriodCalendar(settings.Period);
        var full = new TransactionSummarizer<string>(new SummarizerOptions(end) { Unit = settings.Unit, Refunds = settings.Refunds });
        var calibration = settings.CalibrationEnd is { } c
            ? new TransactionSummarizer<string>(new SummarizerOptions(end) { Unit = settings.Unit, CalibrationEnd = c, Refunds = settings.Refunds })
            : null;
        var activity = new PeriodActivity(calendar);
        long rows = 0;
        var lastDay = end.UtcDateTime.Date;
        var strictEnd = settings.ObservationEnd is not null && !settings.ExcludeAfterEnd;
        foreach (var row in settings.Source.Read())
        {
            if (strictEnd && row.Timestamp.UtcDateTime.Date > lastDay)
            {
                throw CliInputException.At(settings.Source.Name, row.Line, row.DateColumn, row.DateColumnName, $"the date {Format.Date(row.Timestamp)} is after the observation end {Format.Date(end)}; pass a later --end, or --exclude-after-end to leave such transactions out (they are counted)");
            }

            // Days after the observation end are counted by the summarizer and left out everywhere; refunds too.
            if (row.Timestamp.UtcDateTime.Date <= lastDay && row.Amount >= 0)
            {
                activity.Add(row.CustomerId, row.Timestamp, row.Amount);
            }

            full.Add(row.CustomerId, row.Timestamp, row.Amount);
            calibration?.Add(row.CustomerId, row.Timestamp, row.Amount);
            progress.Report("reading transactions", ++rows);
        }

        progress.Done();
        if (rows == 0)
        {
            throw new CliInputException($"{settings.Source.Name}: no transactions (the file has a header but no rows); add transactions or check the file.");
        }

        var summaries = full.Build(NaturalIdComparer.Instance);
        if (summaries.Count == 0)
        {
            throw new CliInputException($"{settings.Source.Name}: no customer has a purchase on or before the observation end {end:yyyy-MM-dd}; check --end.");
        }

        progress.Step("fitting models");
        var result = new AnalysisResult
        {
            Settings = settings,
            ObservationEnd = end,
            Summaries = summaries,
            TransactionRows = rows,
        };

        // Pareto/NBD joins BG/NBD when there is a holdout to choose between them (or when asked for by name).
        var compressed = summaries.Compress();
        var useBg = settings.Model is "auto" or "bgnbd";
        var usePareto = settings.Model == "pareto-nbd" || (settings.Model == "auto" && calibration is not null);
        var fits = new List<ModelFit>();
        if (useBg)
        {
            fits.Add(ModelFit.From("bgnbd", "BG/NBD (Fader, Hardie & Lee 2005)", BgNbdModel.Fit(compressed)));
        }

        if (usePareto)
        {
            fits.Add(ModelFit.From("pareto-nbd", "Pareto/NBD (Schmittlein, Morrison & Colombo 1987)", ParetoNbdModel.Fit(compressed)));
        }

        result.TransactionFits = fits;
        if (calibration is not null)
        {
            result.Holdout = HoldoutCheck(calibration.Build(NaturalIdComparer.Instance), useBg, usePareto);
        }

        result.TransactionFit = Select(result);
        var fit = result.TransactionFit;
        var n = summaries.Count;
        result.PAlive = new double[n];
        result.ExpectedPurchases = new double[n];
        fit.Model.ProbabilityAlive(summaries.Frequency, summaries.Recency, summaries.T, result.PAlive);
        fit.Model.ConditionalExpectedTransactions(settings.HorizonUnits, summaries.Frequency, summaries.Recency, summaries.T, result.ExpectedPurchases);

        FitSpend(result, summaries);
        result.Value = new double[n];
        if (result.SpendFit is { } spendFit)
        {
            var discounting = DiscreteDiscounting.Monthly(settings.Unit, settings.Months, settings.DiscountRate) with { Margin = settings.Margin };
            CustomerLifetimeValue.Discrete(fit.Model, new PositiveValueSpend(spendFit.Model), summaries.Frequency, summaries.Recency, summaries.T, summaries.MonetaryValue, discounting, result.Value);
            result.ValueName = FormattableString.Invariant($"CLV ({settings.Months} months)");
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                result.Value[i] = (double)summaries.TotalSpend[i];
            }
        }

        progress.Step("scoring segments");
        var scores = Rfm.Score(summaries);
        result.Rfm = scores;
        var map = SegmentMap.RecencyFrequency;
        result.SegmentNames = map.SegmentNames;
        result.Segments = new int[n];
        map.Assign(scores.R, scores.F, scores.M, result.Segments);
        result.SegmentTotals = Enumerable.Range(0, n).GroupBy(result.SegmentOf)
            .Select(g => new SegmentTotal(g.Key, g.Count(), g.Average(i => result.PAlive[i]), g.Sum(i => result.Value[i])))
            .OrderByDescending(g => g.Customers)
            .ToArray();

        progress.Step("assigning lifecycle stages");
        AssignStages(result, result.TransactionFit.Model, settings);

        progress.Step("computing churn and retention");
        var compact = activity.ToTransactions();

        // The summaries include the whole observation-end day; the metrics take an exclusive end instant.
        var exclusiveEnd = new DateTimeOffset(lastDay.AddDays(1), TimeSpan.Zero);
        result.Churn = ChurnAnalysis.Analyze<int>(compact, calendar, exclusiveEnd, new InactivityChurn<int>(TimeSpan.FromDays(settings.ChurnedDays)));
        result.Cohorts = CohortMatrix.FromTransactions<int>(compact, calendar, exclusiveEnd);
        result.Survival = KaplanMeier.Fit(result.Churn.Lifetimes(settings.Unit));
        progress.Done();
        return result;
    }

    /// <summary>
    /// Gamma-Gamma on the customers with repeat purchases of positive value (customers whose repeat purchases are all
    /// worth 0 cannot enter its likelihood and are counted). When the free fit has q ≤ 1 the population mean spend does not
    /// exist, so the fit is repeated with q constrained above 1 and the report says so.
    /// </summary>
    private static void FitSpend(AnalysisResult result, SummarySet<string> summaries)
    {
        var n = summaries.Count;
        var xs = new List<double>(n);
        var ms = new List<double>(n);
        for (var i = 0; i < n; i++)
        {
            if (summaries.Frequency[i] > 0 && summaries.MonetaryValue[i] > 0)
            {
                xs.Add(summaries.Frequency[i]);
                ms.Add(summaries.MonetaryValue[i]);
            }
        }

        if (xs.Count < 10)
        {
            result.Notes.Add($"Gamma-Gamma was not fitted: only {xs.Count} customers have repeat purchases of positive value (at least 10 are needed); value is historic spend.");
            return;
        }

        var frequency = xs.ToArray();
        var monetary = ms.ToArray();
        var fit = GammaGammaModel.Fit(frequency, monetary, [], null, constrainQAboveOne: false);
        if (!fit.Model.HasPopulationMean)
        {
            result.Notes.Add(FormattableString.Invariant($"The unconstrained Gamma-Gamma fit has q = {fit.Model.Q:G4} ≤ 1, so the population mean spend does not exist; the model was refitted with q > 1."));
            fit = GammaGammaModel.Fit(frequency, monetary, [], null, constrainQAboveOne: true);
        }

        result.SpendFit = fit;
        result.SpendExcluded = n - xs.Count;
        result.ExpectedSpend = new double[n];
        for (var i = 0; i < n; i++)
        {
            // A customer without a repeat purchase of positive value gets the population mean (the model's E[M] at x = 0).
            result.ExpectedSpend[i] = new PositiveValueSpend(fit.Model).ConditionalExpectedSpend(summaries.Frequency[i], summaries.MonetaryValue[i]);
        }
    }

    /// <summary>
    /// Gamma-Gamma for every customer: those whose repeat purchases were all worth 0 (outside the model's support) get the
    /// population mean spend, the model's expectation for a customer it knows nothing about.
    /// </summary>
    private sealed class PositiveValueSpend(GammaGammaModel model) : ISpendModel
    {
        public double ConditionalExpectedSpend(double frequency, double monetaryValue) =>
            frequency > 0 && monetaryValue > 0 ? model.ConditionalExpectedSpend(frequency, monetaryValue) : model.ConditionalExpectedSpend(0, 1);

        public void ConditionalExpectedSpend(ReadOnlySpan<double> frequency, ReadOnlySpan<double> monetaryValue, Span<double> destination)
        {
            for (var i = 0; i < frequency.Length; i++)
            {
                destination[i] = ConditionalExpectedSpend(frequency[i], monetaryValue[i]);
            }
        }
    }

    /// <summary>
    /// Fits every candidate on the calibration period and ranks them by mean absolute error of the holdout purchases
    /// (<see cref="ModelDiagnostics.RankOnHoldout"/>); models whose calibration fit did not converge are not ranked.
    /// </summary>
    private static HoldoutResult HoldoutCheck(SummarySet<string> calibration, bool useBg, bool usePareto)
    {
        var compressed = calibration.Compress();
        var fits = new List<ModelFit>();
        if (useBg)
        {
            fits.Add(ModelFit.From("bgnbd", "BG/NBD", BgNbdModel.Fit(compressed)));
        }

        if (usePareto)
        {
            fits.Add(ModelFit.From("pareto-nbd", "Pareto/NBD", ParetoNbdModel.Fit(compressed)));
        }

        var converged = fits.Where(f => f.Converged).ToArray();
        var rankings = converged.Length == 0
            ? []
            : ModelDiagnostics.RankOnHoldout(converged.Select(f => KeyValuePair.Create(f.Name, f.Model)), calibration.Frequency, calibration.Recency, calibration.T, calibration.HoldoutFrequency, calibration.HoldoutDuration, RankingMetric.MeanAbsoluteError);
        var rows = new Dictionary<string, IReadOnlyList<CalibrationHoldoutRow>>();
        foreach (var f in converged)
        {
            rows[f.Name] = ModelDiagnostics.CalibrationVsHoldout(f.Model, calibration.Frequency, calibration.Recency, calibration.T, calibration.HoldoutFrequency, calibration.HoldoutDuration, maxFrequency: 7);
        }

        return new HoldoutResult(calibration.CalibrationEnd!.Value, calibration.HoldoutDuration, calibration.Count, rankings, rows);
    }

    /// <summary>The best model on holdout error when there is a holdout; otherwise BG/NBD, unless only Pareto/NBD converged.</summary>
    private static ModelFit Select(AnalysisResult result)
    {
        var fits = result.TransactionFits;
        if (result.Holdout is { Rankings.Count: > 0 } h && fits.FirstOrDefault(f => f.Name == h.Rankings[0].Name && f.Converged) is { } best)
        {
            result.SelectionReason = FormattableString.Invariant($"{best.Title} predicted the holdout best (mean absolute error {h.Rankings[0].Errors.MeanAbsoluteError:0.0000} purchases per customer).");
            return best;
        }

        var chosen = fits.FirstOrDefault(f => f.Converged) ?? fits[0];
        result.SelectionReason = result.Holdout is null
            ? $"{chosen.Title} (the default; pass --calibration-end to choose by holdout error)."
            : $"{chosen.Title} (no calibration fit converged, so no model could be ranked on the holdout).";
        if (!chosen.Converged)
        {
            result.Notes.Add($"No transaction model converged; the numbers below come from {chosen.Title} as it stopped ({chosen.ExitReason}) and should not be trusted.");
        }

        return chosen;
    }

    /// <summary>
    /// Runs the default stage rules per customer. From a summary we know the first and last purchase and the number of
    /// purchase days (x + 1); the x − 1 purchases in between are placed on evenly spaced distinct days, so the facts the
    /// rules read (purchase count, first/last purchase, recency, T and hence P(alive)) are exact.
    /// </summary>
    private static void AssignStages(AnalysisResult result, ITransactionModel model, AnalysisSettings settings)
    {
        var s = result.Summaries;
        var rules = new DefaultRuleOptions
        {
            AtRiskAfter = TimeSpan.FromDays(settings.AtRiskDays),
            ChurnedAfter = TimeSpan.FromDays(settings.ChurnedDays),
            AliveModel = AliveProbability.FromSummaryModel(c => model.ProbabilityAlive(c.Frequency, c.Recency, c.T), settings.Unit),
            AliveThreshold = settings.AliveThreshold,
        };
        var stageModel = StageModels.ReachToLoyalty(rules);
        var engine = new LifecycleEngine(stageModel);
        result.StageModel = stageModel;
        result.Stages = new string[s.Count];
        var end = result.ObservationEnd;
        IEnumerable<CustomerState> States()
        {
            for (var i = 0; i < s.Count; i++)
            {
                yield return Fold(engine, s.Ids[i], s.FirstPurchase[i], s.LastPurchase[i], (int)s.Frequency[i], s.TotalSpend[i] / Math.Max(1, (int)s.Frequency[i] + 1), end);
            }
        }

        var k = 0;
        foreach (var state in States())
        {
            result.Stages[k++] = state.CurrentStage?.Id ?? stageModel.InitialStage.Id;
        }

        result.StageDistribution = StageAnalytics.Distribution(stageModel, States(), end);
        result.Funnel = StageAnalytics.Funnel(stageModel, States(), end);
    }

    private static CustomerState Fold(LifecycleEngine engine, string id, DateTimeOffset first, DateTimeOffset last, int repeats, decimal amount, DateTimeOffset end)
    {
        var state = engine.Start(id);
        var firstDay = first.UtcDateTime.Date;
        var span = (last.UtcDateTime.Date - firstDay).Days;
        for (var k = 0; k <= repeats; k++)
        {
            var at = k == 0 ? first : k == repeats ? last : new DateTimeOffset(firstDay.AddDays((long)k * span / repeats).AddHours(12), TimeSpan.Zero);
            state = engine.Apply(state, new LifecycleEvent(string.Concat(id, "#", k.ToString(System.Globalization.CultureInfo.InvariantCulture)), id, at, EventKind.Purchase, amount)).State;
        }

        return engine.Evaluate(state, end).State;
    }

    /// <summary>
    /// Per customer and calendar period: the first and the last purchase instant and the period's total. Inactivity
    /// churn with a window of at least one period only looks at gaps between consecutive purchases, and any gap longer
    /// than a period starts at a period's last purchase and ends at a later period's first one, so these two instants
    /// per period give the same spells, and the totals the same revenue, as the full log.
    /// </summary>
    private sealed class PeriodActivity(PeriodCalendar calendar)
    {
        private readonly Dictionary<string, int> _customers = new(StringComparer.Ordinal);
        private readonly Dictionary<(int Customer, int Period), (DateTimeOffset First, DateTimeOffset Last, decimal Total)> _cells = [];

        public void Add(string customer, DateTimeOffset at, decimal amount)
        {
            ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(_customers, customer, out var known);
            if (!known)
            {
                index = _customers.Count - 1;
            }

            ref var cell = ref CollectionsMarshal.GetValueRefOrAddDefault(_cells, (index, calendar.IndexOf(at)), out var exists);
            if (!exists)
            {
                cell = (at, at, amount);
                return;
            }

            cell = (at < cell.First ? at : cell.First, at > cell.Last ? at : cell.Last, cell.Total + amount);
        }

        public Transaction<int>[] ToTransactions()
        {
            var result = new List<Transaction<int>>(_cells.Count * 2);
            foreach (var ((customer, _), (first, last, total)) in _cells)
            {
                result.Add(new Transaction<int>(customer, first, total));
                if (last != first)
                {
                    result.Add(new Transaction<int>(customer, last, 0m));
                }
            }

            return [.. result];
        }
    }
}
