using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using Lifecycle.Clv;
using Lifecycle.Metrics;
using Lifecycle.Segmentation;
using Lifecycle.Stages;

namespace Lifecycle.Analysis;

/// <summary>The whole lifecycle analysis as one call: summaries → model choice on a holdout → predictions and CLV → RFM segments → stages → churn, cohorts and survival.</summary>
/// <remarks>
/// <para>The CLI's <c>analyze</c>, the DI package's <c>ICustomerAnalyzer</c> and hosts all run this, with the defaults of
/// <see cref="AnalysisOptions"/>. A section that cannot be computed (too few customers, too short a window, no repeat
/// buyers, a model that does not converge) is skipped with an <see cref="AnalysisNote"/>; the rest is still computed.</para>
/// <para>One streamed pass over the transactions builds the summaries (whole window and, with a holdout, calibration),
/// a compact per-customer, per-period activity record for churn and cohorts, and per-customer purchase days by week
/// for the tracking plot: memory grows with customers and their active periods, not with transactions. When
/// <see cref="AnalysisOptions.ObservationEnd"/> is not set, or the automatic holdout needs the first purchase date,
/// the transactions are enumerated twice (a first pass finds the dates), so pass a sequence that can be re-read.</para>
/// <para>Thread-safe: every call works on its own state.</para>
/// </remarks>
public static class CustomerAnalysis
{
    /// <summary>P(alive) bands of the stage × P(alive) table: lower bounds.</summary>
    private static readonly double[] Bands = [0, 0.1, 0.3, 0.5, 0.7, 0.9];

    /// <summary>Customers per parallel work item of the stage fold: large enough to amortise scheduling, small enough to balance two cores.</summary>
    private const int StageBatch = 4096;

    /// <summary>Runs the analysis on transactions.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order; enumerated twice when a first pass is needed (see remarks).</param>
    /// <param name="options">The options; <see langword="null"/> for <see cref="AnalysisOptions.Default"/>.</param>
    /// <param name="order">The customer order of the summaries; <see langword="null"/> for the default comparer when <typeparamref name="TKey"/> is comparable, else first-seen order.</param>
    /// <param name="progress">Receives progress; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run between transactions and between sections.</param>
    /// <returns>The result, with notes for every skipped section.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="transactions"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no transactions, none on or before the observation end, the options break a rule across options (<see cref="AnalysisOptions.Validate"/>), or a transaction breaks a rule of the summarizer (a negative amount with <see cref="RefundPolicy.Reject"/>).</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static AnalysisResult<TKey> Run<TKey>(IEnumerable<Transaction<TKey>> transactions, AnalysisOptions? options = null, IComparer<TKey>? order = null, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(transactions);
        options ??= AnalysisOptions.Default;
        options.Validate();
        if (NeedsFirstPass(options))
        {
            progress?.Report(new AnalysisProgress("scanning dates", 0));
        }

        var window = NeedsFirstPass(options) ? Window(FirstPass(transactions, options, cancellationToken), options) : Window(null, options);
        var pass = new Pass<TKey>(window, options);
        long rows = 0;
        foreach (var t in transactions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            pass.Add(t);
            if ((++rows & 0x3FFF) == 0)
            {
                progress?.Report(new AnalysisProgress("reading transactions", rows));
            }
        }

        progress?.Report(new AnalysisProgress("reading transactions", rows));
        return Finish(pass, rows, options, order, progress, cancellationToken);
    }

    /// <summary>Runs the analysis on a stream of transactions.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order; enumerated twice when a first pass is needed (see remarks).</param>
    /// <param name="options">The options; <see langword="null"/> for <see cref="AnalysisOptions.Default"/>.</param>
    /// <param name="order">The customer order of the summaries (see <see cref="Run{TKey}(IEnumerable{Transaction{TKey}}, AnalysisOptions?, IComparer{TKey}?, IProgress{AnalysisProgress}?, CancellationToken)"/>).</param>
    /// <param name="progress">Receives progress; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The result, with notes for every skipped section.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="transactions"/> is null.</exception>
    /// <exception cref="ArgumentException">See the synchronous overload.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static async Task<AnalysisResult<TKey>> RunAsync<TKey>(IAsyncEnumerable<Transaction<TKey>> transactions, AnalysisOptions? options = null, IComparer<TKey>? order = null, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(transactions);
        options ??= AnalysisOptions.Default;
        options.Validate();
        (DateTime First, DateTime Last)? dates = null;
        if (NeedsFirstPass(options))
        {
            var scan = new DateScan(options);
            await foreach (var t in transactions.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                scan.Add(t.Timestamp);
            }

            dates = scan.Result;
        }

        var pass = new Pass<TKey>(Window(dates, options), options);
        long rows = 0;
        await foreach (var t in transactions.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            pass.Add(t);
            if ((++rows & 0x3FFF) == 0)
            {
                progress?.Report(new AnalysisProgress("reading transactions", rows));
            }
        }

        progress?.Report(new AnalysisProgress("reading transactions", rows));
        return Finish(pass, rows, options, order, progress, cancellationToken);
    }

    /// <summary>Runs the sections that need only summaries (models, predictions, value, segments, stages) on a built summary set; churn, cohorts, survival and tracking need transactions and are skipped with a note.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="summaries">The summaries; with holdout columns (a calibration end), the models are ranked on them.</param>
    /// <param name="options">The options; <see langword="null"/> for <see cref="AnalysisOptions.Default"/>. Its unit must be the summaries' unit.</param>
    /// <param name="progress">Receives progress; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run between sections.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="summaries"/> is null.</exception>
    /// <exception cref="ArgumentException">The set is empty, has no observation end, or is on another unit than the options.</exception>
    public static AnalysisResult<TKey> Run<TKey>(SummarySet<TKey> summaries, AnalysisOptions? options, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(summaries);
        options ??= AnalysisOptions.Default;
        options.Validate();
        if (summaries.Count == 0 || summaries.ObservationEnd is not { } end)
        {
            return ThrowHelper.Argument<AnalysisResult<TKey>>(nameof(summaries), "the summary set is empty or has no observation end; build it with TransactionSummarizer from at least one transaction.");
        }

        if (summaries.Unit != options.Unit)
        {
            ThrowHelper.Argument(nameof(summaries), FormattableString.Invariant($"the summaries are in {summaries.Unit} but the options say {options.Unit}; set AnalysisOptions.Unit to the summaries' unit."));
        }

        var result = new AnalysisResult<TKey>(options, end, summaries, 0);
        var calibration = summaries.HasHoldout ? summaries : null;
        Compute(result, calibration, automatic: false, progress, cancellationToken);
        const string why = "needs transactions (the analysis started from summaries)";
        result.Skip(AnalysisSection.Tracking, "The tracking plot " + why + ".");
        result.Skip(AnalysisSection.Churn, "Churn " + why + ".");
        result.Skip(AnalysisSection.Cohorts, "Cohorts " + why + ".");
        result.Skip(AnalysisSection.Survival, "Survival " + why + ".");
        return result;
    }

    private static bool NeedsFirstPass(AnalysisOptions o) => o.ObservationEnd is null || (o.CalibrationEnd is null && o.AutoHoldout);

    private static (DateTime First, DateTime Last)? FirstPass<TKey>(IEnumerable<Transaction<TKey>> transactions, AnalysisOptions options, CancellationToken cancellationToken)
        where TKey : notnull, IEquatable<TKey>
    {
        var scan = new DateScan(options);
        foreach (var t in transactions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            scan.Add(t.Timestamp);
        }

        return scan.Result;
    }

    /// <summary>The observation end and the calibration end (explicit, by the automatic rule, or none), as UTC days.</summary>
    private static AnalysisWindow Window((DateTime First, DateTime Last)? dates, AnalysisOptions o)
    {
        var end = o.ObservationEnd is { } e ? e.UtcDateTime.Date : dates?.Last
            ?? ThrowHelper.Argument<DateTime>("transactions", "there are no transactions; pass at least one.");
        if (o.CalibrationEnd is { } c)
        {
            return new AnalysisWindow(end, c.UtcDateTime.Date, false, null);
        }

        if (!o.AutoHoldout || dates is not { } d)
        {
            return new AnalysisWindow(end, null, false, o.AutoHoldout ? null : "The holdout check is off (AutoHoldout = false); the model was chosen by log-likelihood on all data.");
        }

        var spanDays = (end - d.First).TotalDays;
        if (spanDays < o.MinimumHoldoutSpan.TotalDays)
        {
            return new AnalysisWindow(end, null, false, Invariant($"No holdout: the data span {spanDays:0} days, and the automatic holdout needs at least {o.MinimumHoldoutSpan.TotalDays:0} (a third held out leaves too little to fit on otherwise); the model was chosen by log-likelihood on all data."));
        }

        var holdoutDays = Math.Max(1, (int)Math.Round(spanDays * o.HoldoutFraction));
        return new AnalysisWindow(end, end.AddDays(-holdoutDays), true, null);
    }

    private static AnalysisResult<TKey> Finish<TKey>(Pass<TKey> pass, long rows, AnalysisOptions options, IComparer<TKey>? order, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken)
        where TKey : notnull, IEquatable<TKey>
    {
        if (rows == 0)
        {
            ThrowHelper.Argument("transactions", "there are no transactions; pass at least one.");
        }

        order ??= typeof(IComparable<TKey>).IsAssignableFrom(typeof(TKey)) ? Comparer<TKey>.Default : null;
        progress?.Report(new AnalysisProgress("building summaries", 0));
        var summaries = pass.Full.Build(order);
        if (summaries.Count == 0)
        {
            ThrowHelper.Argument("transactions", Invariant($"no customer has a purchase on or before the observation end {pass.Window.End:yyyy-MM-dd}; choose a later observation end."));
        }

        var result = new AnalysisResult<TKey>(options, new DateTimeOffset(pass.Window.End, TimeSpan.Zero), summaries, rows);
        if (pass.Window.Note is { } holdoutNote)
        {
            result.Note(AnalysisSection.Holdout, holdoutNote);
        }

        var calibration = pass.Calibration?.Build(order);

        // Built: the summarizers' per-customer state and the id map are garbage from here on (hundreds of MB at a million customers).
        pass.Release();
        Compute(result, calibration, pass.Window.Automatic, progress, cancellationToken);
        if (result.TransactionFit is { } fit)
        {
            progress?.Report(new AnalysisProgress("tracking plot", 0));
            Track(result, pass, fit);
        }

        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(new AnalysisProgress("computing churn and retention", 0));
        ChurnSections(result, pass);
        return result;
    }

    private static void Compute<TKey>(AnalysisResult<TKey> result, SummarySet<TKey>? calibration, bool automatic, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken)
        where TKey : notnull, IEquatable<TKey>
    {
        progress?.Report(new AnalysisProgress("fitting models on the calibration period", 0));
        Models(result, calibration, automatic, progress);
        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(new AnalysisProgress("fitting spend and CLV", 0));
        Spend(result);
        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(new AnalysisProgress("scoring segments", 0));
        SegmentSection(result);
        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(new AnalysisProgress("assigning lifecycle stages", 0));
        StageSection(result);
    }

    private static void Models<TKey>(AnalysisResult<TKey> result, SummarySet<TKey>? calibration, bool automatic, IProgress<AnalysisProgress>? progress)
        where TKey : notnull, IEquatable<TKey>
    {
        var o = result.Options;
        var s = result.Summaries;
        if (!Fittable(s, o, out var why))
        {
            result.Skip(AnalysisSection.Models, "No transaction model was fitted: " + why + " P(alive), expected purchases and CLV are not computed; value is historic spend.");
            result.Skip(AnalysisSection.Holdout, "No holdout check: no transaction model was fitted.");
            result.Skip(AnalysisSection.Tracking, "No tracking plot: no transaction model was fitted.");
            result.Skip(AnalysisSection.PurchaseHistogram, "No purchase-count histogram: no transaction model was fitted.");
            return;
        }

        var order = o.Models;
        if (calibration is not null)
        {
            if (!Fittable(calibration, o, out var calWhy))
            {
                result.Skip(AnalysisSection.Holdout, Invariant($"No holdout check on the calibration period up to {calibration.CalibrationEnd:yyyy-MM-dd}: ") + calWhy);
            }
            else
            {
                result.Holdout = Holdout(calibration, o, automatic);
                if (result.Holdout.Rankings.Count == 0)
                {
                    result.Note(AnalysisSection.Holdout, "No model converged on the calibration period, so none could be ranked on the holdout.");
                }
                else
                {
                    // Ranked models first, best first; the ones that did not converge on the calibration period still get
                    // their chance on all data after them (a short calibration window is often what stopped them).
                    var rankedKinds = result.Holdout.Rankings.Select(r => result.Holdout.CalibrationFits.First(f => f.Name == r.Name).Kind).ToArray();
                    order = [.. rankedKinds, .. o.Models.Except(rankedKinds)];
                }
            }
        }
        else if (!result.IsSkipped(AnalysisSection.Holdout) && !result.Notes.Any(n => n.Section == AnalysisSection.Holdout))
        {
            result.Note(AnalysisSection.Holdout, "No holdout: the summaries have no holdout columns.");
        }

        progress?.Report(new AnalysisProgress("fitting models on all data", 0));
        var compressed = s.Compress();
        var ranked = result.Holdout is { Rankings.Count: > 0 };
        var fits = new List<TransactionModelFit>();
        TransactionModelFit? chosen = null;
        if (ranked)
        {
            // The holdout ranked the models; the best one whose refit on all data converges makes the predictions.
            foreach (var kind in order)
            {
                var fit = Fit(kind, compressed);
                fits.Add(fit);
                if (fit.Usable)
                {
                    chosen = fit;
                    var rank = result.Holdout!.Rankings.Where(r => r.Name == fit.Name).Take(1).ToArray();
                    var best = rank.FirstOrDefault();
                    result.SelectionReason = rank.Length > 0
                        ? Invariant($"{fit.DisplayName} predicted the holdout best among the converged models (rank {best.Rank} of {result.Holdout.Rankings.Count}: mean absolute error {best.Errors.MeanAbsoluteError:0.0000} purchases per customer over {result.Holdout.Duration:0.#} {o.Unit.DisplayName()}); it was refitted on all data for the predictions.")
                        : Invariant($"{fit.DisplayName} did not converge on the calibration period, so the holdout could not rank it, but it is the first model whose fit on all data converged (the ranked ones did not); its predictions are not checked on a holdout.");
                    break;
                }
            }
        }
        else
        {
            foreach (var kind in order)
            {
                fits.Add(Fit(kind, compressed));
            }

            chosen = fits.Where(f => f.Usable).OrderByDescending(f => f.LogLikelihood).FirstOrDefault();
            if (chosen is not null)
            {
                result.SelectionReason = fits.Count == 1
                    ? chosen.DisplayName + " (the only model asked for); no holdout to check it on."
                    : Invariant($"{chosen.DisplayName} has the highest log-likelihood on all data ({chosen.LogLikelihood:0.00}) among the converged models; without a holdout this is in-sample evidence only.");
            }
        }

        result.TransactionFits = fits;
        if (chosen is null)
        {
            result.Skip(AnalysisSection.Models, "No transaction model gave a usable fit (" + string.Join("; ", fits.Select(f => f.DisplayName + ": " + f.Verdict)) + "); P(alive), expected purchases and CLV are not computed rather than taken from a fit that stopped short or ran to a boundary.");
            result.Skip(AnalysisSection.Tracking, "No tracking plot: no transaction model converged.");
            result.Skip(AnalysisSection.PurchaseHistogram, "No purchase-count histogram: no transaction model converged.");
            return;
        }

        result.TransactionFit = chosen;
        progress?.Report(new AnalysisProgress("predicting", 0));
        var n = s.Count;
        var alive = new double[n];
        var expected = new double[n];
        chosen.Model.ProbabilityAlive(s.Frequency, s.Recency, s.T, alive);
        chosen.Model.ConditionalExpectedTransactions(o.HorizonUnits, s.Frequency, s.Recency, s.T, expected);
        result.PAlive = alive;
        result.ExpectedPurchases = expected;

        var once = 0;
        foreach (var x in s.Frequency)
        {
            once += x == 0 ? 1 : 0;
        }

        if (chosen.Kind == TransactionModelKind.BgNbd && once > 0)
        {
            result.Note(AnalysisSection.Models, Invariant($"BG/NBD gives every customer without a repeat purchase P(alive) = 1 ({once:N0} customers, {(double)once / n:P1} here): it assumes nobody leaves before a second purchase. Their P(alive) says nothing; read their stage from inactivity."));
        }

        progress?.Report(new AnalysisProgress("purchase-count histogram", 0));
        Histogram(result, chosen);
    }

    private static bool Fittable<TKey>(SummarySet<TKey> s, AnalysisOptions o, out string why)
        where TKey : notnull, IEquatable<TKey>
    {
        var repeat = 0;
        var maxT = 0.0;
        foreach (var x in s.Frequency)
        {
            repeat += x > 0 ? 1 : 0;
        }

        foreach (var t in s.T)
        {
            maxT = Math.Max(maxT, t);
        }

        if (s.Count < o.MinimumCustomersForModels)
        {
            why = Invariant($"{s.Count} customers, and the models need at least {o.MinimumCustomersForModels} (AnalysisOptions.MinimumCustomersForModels).");
            return false;
        }

        if (repeat < o.MinimumRepeatCustomersForModels)
        {
            why = Invariant($"{repeat} customers have a repeat purchase, and the models need at least {o.MinimumRepeatCustomersForModels} to estimate a purchase rate (AnalysisOptions.MinimumRepeatCustomersForModels).");
            return false;
        }

        if (maxT <= 0)
        {
            why = "every purchase is on one day, so there is no time in which to observe purchasing.";
            return false;
        }

        why = string.Empty;
        return true;
    }

    private static TransactionModelFit Fit(TransactionModelKind kind, CompressedSummaries data) => kind switch
    {
        TransactionModelKind.BgNbd => TransactionModelFit.From(kind, BgNbdModel.Fit(data)),
        TransactionModelKind.ModifiedBgNbd => TransactionModelFit.From(kind, MbgNbdModel.Fit(data)),
        _ => TransactionModelFit.From(kind, ParetoNbdModel.Fit(data)),
    };

    /// <summary>Fits every candidate on the calibration period and ranks the converged ones by mean absolute error of holdout purchases per customer.</summary>
    private static HoldoutComparison Holdout<TKey>(SummarySet<TKey> calibration, AnalysisOptions o, bool automatic)
        where TKey : notnull, IEquatable<TKey>
    {
        var compressed = calibration.Compress();
        var fits = o.Models.Select(k => Fit(k, compressed)).ToArray();
        var converged = fits.Where(f => f.Usable).ToArray();
        var rankings = converged.Length == 0
            ? []
            : ModelDiagnostics.RankOnHoldout(converged.Select(f => KeyValuePair.Create(f.Name, f.Model)), calibration.Frequency, calibration.Recency, calibration.T, calibration.HoldoutFrequency, calibration.HoldoutDuration, RankingMetric.MeanAbsoluteError);
        var rows = new Dictionary<string, IReadOnlyList<CalibrationHoldoutRow>>();
        foreach (var f in converged)
        {
            rows[f.Name] = ModelDiagnostics.CalibrationVsHoldout(f.Model, calibration.Frequency, calibration.Recency, calibration.T, calibration.HoldoutFrequency, calibration.HoldoutDuration, maxFrequency: 7);
        }

        return new HoldoutComparison(calibration.CalibrationEnd!.Value, calibration.HoldoutDuration, calibration.Count, automatic, fits, rankings, rows);
    }

    private static void Histogram<TKey>(AnalysisResult<TKey> result, TransactionModelFit fit)
        where TKey : notnull, IEquatable<TKey>
    {
        Func<int, double, double>? probability = fit.Model switch
        {
            BgNbdModel bg => bg.ProbabilityOfTransactions,
            ParetoNbdModel pareto => pareto.ProbabilityOfTransactions,
            _ => null,
        };
        if (probability is null)
        {
            result.Skip(AnalysisSection.PurchaseHistogram, $"No purchase-count histogram: the library has no P(X(t) = n) for {fit.DisplayName} yet.");
            return;
        }

        var s = result.Summaries;
        result.PurchaseHistogram = ModelDiagnostics.TransactionHistogram(s.Frequency, s.T, [], probability, maxCount: 7, fittedParameters: fit.Parameters.Count);
    }

    /// <summary>
    /// Gamma-Gamma on the customers with repeat purchases of positive value (those whose repeat purchases are all worth 0
    /// cannot enter its likelihood and are counted). When the free fit has q ≤ 1 the population mean spend does not
    /// exist, so the fit is repeated with q constrained above 1 and a note says so: the one Gamma-Gamma policy.
    /// </summary>
    private static void Spend<TKey>(AnalysisResult<TKey> result)
        where TKey : notnull, IEquatable<TKey>
    {
        var s = result.Summaries;
        var o = result.Options;
        var n = s.Count;
        var value = new double[n];
        for (var i = 0; i < n; i++)
        {
            value[i] = (double)s.TotalSpend[i];
        }

        result.Value = value;
        if (result.TransactionFit is not { } transactions)
        {
            result.Skip(AnalysisSection.Value, "No CLV: no transaction model was fitted; customers are ranked by historic spend.");
            return;
        }

        var xs = new List<double>(n);
        var ms = new List<double>(n);
        for (var i = 0; i < n; i++)
        {
            if (s.Frequency[i] > 0 && s.MonetaryValue[i] > 0)
            {
                xs.Add(s.Frequency[i]);
                ms.Add(s.MonetaryValue[i]);
            }
        }

        if (xs.Count < o.MinimumSpendCustomers)
        {
            result.Skip(AnalysisSection.Value, Invariant($"No CLV: only {xs.Count} customers have repeat purchases of positive value, and the Gamma-Gamma spend model needs at least {o.MinimumSpendCustomers}; customers are ranked by historic spend."));
            return;
        }

        var frequency = xs.ToArray();
        var monetary = ms.ToArray();
        var fit = GammaGammaModel.Fit(frequency, monetary, [], null, constrainQAboveOne: false);
        if (!fit.Model.HasPopulationMean)
        {
            result.Note(AnalysisSection.Value, Invariant($"The unconstrained Gamma-Gamma fit has q = {fit.Model.Q:G4} ≤ 1, so the population mean spend does not exist; the model was refitted with q > 1."));
            fit = GammaGammaModel.Fit(frequency, monetary, [], null, constrainQAboveOne: true);
        }

        if (!fit.Converged)
        {
            result.Skip(AnalysisSection.Value, $"No CLV: the Gamma-Gamma spend fit did not converge ({fit.ExitReason}); customers are ranked by historic spend.");
            return;
        }

        var spend = new PositiveValueSpend(fit.Model);
        var expectedSpend = new double[n];
        spend.ConditionalExpectedSpend(s.Frequency, s.MonetaryValue, expectedSpend);
        var discounting = DiscreteDiscounting.Monthly(o.Unit, o.ClvMonths, o.MonthlyDiscountRate, o.MonthLength) with { Margin = o.Margin };
        CustomerLifetimeValue.Discrete(transactions.Model, spend, s.Frequency, s.Recency, s.T, s.MonetaryValue, discounting, value);
        result.SpendFit = fit;
        result.SpendExcluded = n - xs.Count;
        result.ExpectedSpend = expectedSpend;
        result.HasClv = true;
        result.ValueName = Invariant($"CLV ({o.ClvMonths} months)");
    }

    private static void SegmentSection<TKey>(AnalysisResult<TKey> result)
        where TKey : notnull, IEquatable<TKey>
    {
        var s = result.Summaries;
        var o = result.Options;
        var n = s.Count;
        var aov = new double[n];
        for (var i = 0; i < n; i++)
        {
            aov[i] = s.TransactionCount[i] > 0 ? (double)(s.TotalSpend[i] / s.TransactionCount[i]) : 0;
        }

        result.AverageOrderValue = aov;
        if (n < 2)
        {
            result.Skip(AnalysisSection.Segments, Invariant($"No RFM segments: {n} customer cannot be ranked against others."));
            return;
        }

        var bins = Math.Min(o.RfmBins, n);
        if (bins < o.RfmBins)
        {
            result.Note(AnalysisSection.Segments, Invariant($"RFM scores use {bins} bins instead of {o.RfmBins}: {n} customers cannot fill {o.RfmBins}. Scores are placed on the 1–5 scale of the segment map."));
        }

        var since = new double[n];
        Rfm.TimeSinceLastPurchase(s.Recency, s.T, since);
        byte[] r = new byte[n], f = new byte[n], m = new byte[n];
        var cuts = Rfm.Score(since, s.Frequency, aov, r, f, m, new RfmOptions { Bins = bins, Ties = o.Ties });
        result.Rfm = new RfmScores(r, f, m, cuts);
        foreach (var (name, scores) in (ReadOnlySpan<(string, byte[])>)[("R", r), ("F", f), ("M", m)])
        {
            var used = scores.Distinct().Count();
            if (used < bins)
            {
                result.Note(AnalysisSection.Segments, Invariant($"{name} takes {used} of {bins} scores: customers with equal values share a score ({TieName(o.Ties)}), and too many are equal to fill every bin."));
            }
        }

        var map = o.SegmentMap;
        byte[] r5 = r, f5 = f, m5 = m;
        if (bins != 5)
        {
            r5 = ToFivePoint(r, bins);
            f5 = ToFivePoint(f, bins);
            m5 = ToFivePoint(m, bins);
        }

        var segments = new int[n];
        map.Assign(r5, f5, m5, segments);
        result.SegmentNames = map.SegmentNames;
        result.Segments = segments;
        var value = result.Value;
        var alive = result.PAlive;
        result.SegmentTotals = Enumerable.Range(0, n).GroupBy(result.SegmentOf)
            .Select(g => new SegmentTotal(g.Key, g.Count(), alive.Count == 0 ? double.NaN : g.Average(i => alive[i]), g.Sum(i => value[i])))
            .OrderByDescending(g => g.Customers).ThenBy(g => g.Name, StringComparer.Ordinal)
            .ToArray();
    }

    private static string TieName(TiePolicy ties) => ties switch
    {
        TiePolicy.AverageRank => "average rank",
        TiePolicy.DropDuplicateEdges => "duplicate edges dropped",
        _ => "rank first",
    };

    /// <summary>Places a score of a k-point scale at the centre of the matching fifth of the 1–5 scale.</summary>
    private static byte[] ToFivePoint(byte[] scores, int bins)
    {
        var result = new byte[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            result[i] = (byte)Math.Clamp((int)Math.Round(((scores[i] - 0.5) / bins * 5) + 0.5, MidpointRounding.AwayFromZero), 1, 5);
        }

        return result;
    }

    /// <summary>
    /// Runs the default stage rules per customer, once. From a summary we know the first and last purchase and the number
    /// of purchase days (x + 1); the x − 1 purchases in between are placed on evenly spaced distinct days, so the facts
    /// the rules read (purchase count, first/last purchase, recency, T and hence P(alive)) are exact.
    /// </summary>
    private static void StageSection<TKey>(AnalysisResult<TKey> result)
        where TKey : notnull, IEquatable<TKey>
    {
        var s = result.Summaries;
        var o = result.Options;
        var model = result.TransactionFit?.Model;
        var rules = new DefaultRuleOptions
        {
            AtRiskAfter = o.AtRiskAfter,
            ChurnedAfter = o.ChurnedAfter,
            AliveModel = model is null ? null : AliveProbability.FromSummaryModel(c => model.ProbabilityAlive(c.Frequency, c.Recency, c.T), o.Unit),
            AliveThreshold = o.AliveThreshold,
            ChurnNeedsLowAlive = true,
        };
        var stageModel = StageModels.ReachToLoyalty(rules);
        var engine = new LifecycleEngine(stageModel);
        var end = result.ObservationEnd;
        var stages = new string[s.Count];
        var firstBad = -1;
        for (var i = 0; i < s.Count && firstBad < 0; i++)
        {
            firstBad = s.FirstPurchase[i] == default ? i : -1;
        }

        if (firstBad >= 0)
        {
            result.Skip(AnalysisSection.Stages, Invariant($"No lifecycle stages: customer {s.Ids[firstBad]} has a purchase at 0001-01-01 00:00 UTC, the one instant the stage engine reserves for \"no timestamp\"; move such purchases to a real date to get stages."));
            return;
        }

        // The funnel reads each customer's state once, as it is folded (no million states kept alive: holding them made
        // every young journey an old-to-young reference and the collector rescanned them at each gen-0 collection).
        result.StageModel = stageModel;
        var atEnd = new string?[s.Count];
        result.Funnel = StageAnalytics.Funnel(stageModel, FoldAll(engine, s, end, stages, atEnd, o.MaxDegreeOfParallelism), end);

        // StageAnalytics.Distribution's count, from each state's stage at the observation end (taken during the fold):
        // a customer whose first purchase is later on the last day has none yet and is not counted.
        var counts = new int[stageModel.Stages.Count];
        var total = 0;
        foreach (var stage in atEnd)
        {
            if (stage is not null)
            {
                counts[stageModel.IndexOf(stage)]++;
                total++;
            }
        }

        result.Stages = stages;
        result.StageDistribution = [.. stageModel.Stages.Select((st, i) => new StageCount(st.Id, counts[i], total == 0 ? 0 : counts[i] / (double)total))];
        result.UnreachableStages = new Dictionary<string, string>
        {
            [StageModels.Ids.Reach] = "needs events of kind touch, impression or visit (on transaction data every customer enters at the first purchase)",
            [StageModels.Ids.Acquisition] = "needs events of kind lead_captured",
            [StageModels.Ids.Loyalty] = "needs events of kind nps_response or referral",
        };
        if (model is null)
        {
            result.Note(AnalysisSection.Stages, Invariant($"Stages use inactivity only (At risk after {o.AtRiskAfter.TotalDays:0} days, Churned after {o.ChurnedAfter.TotalDays:0} days without a purchase): no transaction model gives a P(alive)."));
            return;
        }

        result.Note(AnalysisSection.Stages, Invariant($"At risk: {o.AtRiskAfter.TotalDays:0} days without a purchase, or P(alive) below {o.AliveThreshold:0.##}. Churned: {o.ChurnedAfter.TotalDays:0} days without a purchase and P(alive) below {o.AliveThreshold:0.##} at the observation end; an inactive customer the model still thinks alive stays At risk."));
        result.AliveBands = Bands;
        var cells = new Dictionary<(string, int), int>();
        for (var i = 0; i < s.Count; i++)
        {
            var band = Array.FindLastIndex(Bands, b => result.PAlive[i] >= b);
            var key = (stages[i], Math.Max(band, 0));
            cells[key] = cells.GetValueOrDefault(key) + 1;
        }

        result.StageByAlive = [.. cells.Select(kv => new StageAliveCell(kv.Key.Item1, kv.Key.Item2, kv.Value)).OrderBy(c => stageModel.GetStage(c.Stage).Order).ThenBy(c => c.Band)];
    }

    /// <summary>
    /// Folds every customer, in parallel batches (customers are independent and the engine is stateless), yielding the
    /// states in customer order and writing each one's current stage and its stage at the observation end; a state's event log is dropped once folded (only
    /// the journey is read).
    /// </summary>
    private static IEnumerable<CustomerState> FoldAll<TKey>(LifecycleEngine engine, SummarySet<TKey> s, DateTimeOffset end, string[] stages, string?[] atEnd, int parallelism)
        where TKey : notnull, IEquatable<TKey>
    {
        var batch = new CustomerState[StageBatch * 8];
        var initial = engine.Model.InitialStage.Id;
        for (var from = 0; from < s.Count; from += batch.Length)
        {
            var count = Math.Min(batch.Length, s.Count - from);
            var offset = from;
            try
            {
                Parallel.For(0, (count + StageBatch - 1) / StageBatch, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, part =>
                {
                    for (var k = part * StageBatch; k < Math.Min(count, (part + 1) * StageBatch); k++)
                    {
                        var i = offset + k;
                        var state = Fold(engine, s.Ids[i].ToString() ?? string.Empty, s.FirstPurchase[i], s.LastPurchase[i], (int)s.Frequency[i], s.TotalSpend[i] / Math.Max(1, s.TransactionCount[i]), end);
                        state.EventLog = null;
                        state.EventCount = 0;
                        batch[k] = state;
                        stages[i] = state.CurrentStage?.Id ?? initial;
                        atEnd[i] = state.StageAt(end);
                    }
                });
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                // The first failure, as the sequential fold would have thrown it.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }

            for (var k = 0; k < count; k++)
            {
                yield return batch[k];
                batch[k] = default;
            }
        }
    }

    private static CustomerState Fold(LifecycleEngine engine, string id, DateTimeOffset first, DateTimeOffset last, int repeats, decimal amount, DateTimeOffset end)
    {
        var state = engine.Start(id);
        var firstDay = first.UtcDateTime.Date;
        var span = (last.UtcDateTime.Date - firstDay).Days;
        for (var k = 0; k <= repeats; k++)
        {
            var at = k == 0 ? first : k == repeats ? last : new DateTimeOffset(firstDay.AddDays((long)k * span / repeats).AddHours(12), TimeSpan.Zero);
            state = engine.Apply(state, new LifecycleEvent(string.Concat(id, "#", k.ToString(CultureInfo.InvariantCulture)), id, at, EventKind.Purchase, amount)).State;
        }

        return engine.Evaluate(state, end < last ? last : end).State;
    }

    /// <summary>Weekly repeat purchases of the base against the chosen model's E[X(t)] for each first-purchase cohort.</summary>
    private static void Track<TKey>(AnalysisResult<TKey> result, Pass<TKey> pass, TransactionModelFit fit)
        where TKey : notnull, IEquatable<TKey>
    {
        Func<double, double>? expected = fit.Model switch
        {
            BgNbdModel bg => bg.ExpectedTransactions,
            MbgNbdModel mbg => mbg.ExpectedTransactions,
            ParetoNbdModel pareto => pareto.ExpectedTransactions,
            _ => null,
        };
        pass.Activity.Seal();
        var weeks = pass.Activity.Weeks(pass.Window.End, out var origin);
        if (expected is null || weeks < 2)
        {
            result.Skip(AnalysisSection.Tracking, Invariant($"No tracking plot: the data cover {weeks} whole week(s), and a tracking plot needs at least 2."));
            return;
        }

        var unit = result.Options.Unit;
        var s = result.Summaries;
        var births = new double[s.Count];
        for (var i = 0; i < s.Count; i++)
        {
            births[i] = unit.FromDays((s.FirstPurchase[i].UtcDateTime.Date - origin).TotalDays);
        }

        var actual = pass.Activity.RepeatPurchasesPerWeek(weeks, origin);
        var period = unit.FromDays(7);
        result.Tracking = ModelDiagnostics.Tracking(expected, births, actual, period);
        result.TrackingPeriod = period;
        result.TrackingOrigin = new DateTimeOffset(origin, TimeSpan.Zero);
    }

    private static void ChurnSections<TKey>(AnalysisResult<TKey> result, Pass<TKey> pass)
        where TKey : notnull, IEquatable<TKey>
    {
        var o = result.Options;
        pass.Activity.Seal();
        var exclusiveEnd = new DateTimeOffset(pass.Window.End.AddDays(1), TimeSpan.Zero);
        var spanDays = (pass.Window.End - pass.Activity.FirstDay).TotalDays + 1;
        try
        {
            result.Churn = ChurnAnalysis.Analyze<int, CustomerActivity>(pass.Activity, pass.Calendar, exclusiveEnd, new InactivityChurn<int>(o.ChurnedAfter));
            if (spanDays <= o.ChurnedAfter.TotalDays)
            {
                result.Note(AnalysisSection.Churn, Invariant($"The data span {spanDays:0} days, no more than the churn window of {o.ChurnedAfter.TotalDays:0} days, so nobody can have churned yet: every churn rate is 0 by construction."));
            }
        }
        catch (ArgumentException e)
        {
            result.Skip(AnalysisSection.Churn, "No churn table: " + Plain(e));
        }

        try
        {
            result.Cohorts = CohortMatrix.FromGrouped<int, CustomerActivity>(pass.Activity, pass.Calendar, exclusiveEnd);
        }
        catch (ArgumentException e)
        {
            result.Skip(AnalysisSection.Cohorts, "No cohort table: " + Plain(e));
        }

        if (result.Churn is not { } churn)
        {
            result.Skip(AnalysisSection.Survival, "No survival curve: the churn table could not be computed.");
            return;
        }

        try
        {
            var survival = KaplanMeier.Fit(churn.Lifetimes(o.Unit));
            result.Survival = survival;
            result.Note(AnalysisSection.Survival, Invariant($"A lifetime ends {o.ChurnedAfter.TotalDays:0} days after the last purchase (the churn window), so the curve and its median move with that setting; customers still active are censored at the observation end."));
        }
        catch (ArgumentException e)
        {
            result.Skip(AnalysisSection.Survival, "No survival curve: " + Plain(e));
        }
    }

    /// <summary>An exception message without .NET's "(Parameter '…')" suffix.</summary>
    private static string Plain(ArgumentException e)
    {
        var message = e.Message;
        var at = e.ParamName is null ? -1 : message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return at >= 0 ? message[..at] : message;
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>Observation end, calibration end (if any) and why there is none, as UTC days.</summary>
    private sealed record AnalysisWindow(DateTime End, DateTime? CalibrationEnd, bool Automatic, string? Note);

    private sealed class DateScan(AnalysisOptions options)
    {
        private DateTime? _first;
        private DateTime? _last;

        public (DateTime First, DateTime Last)? Result => _first is { } f && _last is { } l ? (f, l) : null;

        public void Add(DateTimeOffset timestamp)
        {
            var day = timestamp.UtcDateTime.Date;
            if (options.ObservationEnd is { } end && day > end.UtcDateTime.Date)
            {
                return;
            }

            _first = _first is { } f && f <= day ? f : day;
            _last = _last is { } l && l >= day ? l : day;
        }
    }

    /// <summary>Everything one pass over the transactions feeds.</summary>
    private sealed class Pass<TKey>
        where TKey : notnull, IEquatable<TKey>
    {
        private Dictionary<TKey, int> _ids = [];

        public Pass(AnalysisWindow window, AnalysisOptions o)
        {
            Window = window;
            var end = new DateTimeOffset(window.End, TimeSpan.Zero);
            Full = new TransactionSummarizer<TKey>(new SummarizerOptions(end) { Unit = o.Unit, Refunds = o.Refunds });
            Calibration = window.CalibrationEnd is { } c
                ? new TransactionSummarizer<TKey>(new SummarizerOptions(end) { Unit = o.Unit, CalibrationEnd = new DateTimeOffset(c, TimeSpan.Zero), Refunds = o.Refunds })
                : null;
            Calendar = new PeriodCalendar(o.Period);
            Activity = new CustomerActivity(Calendar, o.ChurnedAfter);
        }

        public AnalysisWindow Window { get; }

        public TransactionSummarizer<TKey> Full { get; private set; }

        public TransactionSummarizer<TKey>? Calibration { get; private set; }

        public PeriodCalendar Calendar { get; }

        public CustomerActivity Activity { get; }

        /// <summary>Drops what only the summaries needed; <see cref="Activity"/> stays for churn, cohorts and tracking.</summary>
        public void Release()
        {
            Full = null!;
            Calibration = null;
            _ids = null!;
        }

        public void Add(in Transaction<TKey> t)
        {
            Full.Add(t);
            Calibration?.Add(t);

            // Days after the observation end are counted by the summarizer and left out everywhere; refunds too.
            if (t.Timestamp.UtcDateTime.Date <= Window.End && t.Amount >= 0)
            {
                ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(_ids, t.CustomerId, out var known);
                if (!known)
                {
                    index = _ids.Count - 1;
                }

                Activity.Add(index, t.Timestamp, t.Amount);
            }
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
}
