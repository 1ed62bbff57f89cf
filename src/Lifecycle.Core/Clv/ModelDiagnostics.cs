using Lifecycle.Numerics;

namespace Lifecycle.Clv;

/// <summary>One row of the calibration-vs-holdout table: customers grouped by calibration frequency, with their mean actual and predicted holdout transactions.</summary>
/// <param name="Frequency">The calibration frequency x of the group (the last group holds x ≥ this value).</param>
/// <param name="IsOpenEnded">True for the last group, which holds every x ≥ <paramref name="Frequency"/>.</param>
/// <param name="Customers">Customers in the group (sum of weights).</param>
/// <param name="ActualMean">Mean actual holdout transactions.</param>
/// <param name="PredictedMean">Mean model prediction E[Y(holdout) | x, t_x, T].</param>
public readonly record struct CalibrationHoldoutRow(int Frequency, bool IsOpenEnded, double Customers, double ActualMean, double PredictedMean);

/// <summary>One bar of the period-transaction histogram: customers with a given number of repeat transactions, observed and expected.</summary>
/// <param name="Count">The number of repeat transactions (the last bar holds Count or more).</param>
/// <param name="IsOpenEnded">True for the last bar.</param>
/// <param name="Observed">Customers observed with that count.</param>
/// <param name="Expected">Customers the model expects with that count: Σ_i P(X(T_i) = n).</param>
public readonly record struct HistogramBar(int Count, bool IsOpenEnded, double Observed, double Expected);

/// <summary>Observed vs expected histogram of repeat transactions with Pearson's chi-square goodness of fit.</summary>
/// <param name="Bars">The bars 0..maxCount−1 and the open-ended bar maxCount+.</param>
/// <param name="ChiSquare">Σ (O − E)²/E over the bars.</param>
/// <param name="DegreesOfFreedom">Bars − 1 − fitted parameters.</param>
/// <param name="PValue">P(χ²_df ≥ ChiSquare); NaN when the degrees of freedom are not positive.</param>
public sealed record HistogramComparison(IReadOnlyList<HistogramBar> Bars, double ChiSquare, int DegreesOfFreedom, double PValue);

/// <summary>One period of a tracking plot: actual and expected repeat transactions of the whole base, incremental and cumulative.</summary>
/// <param name="PeriodEnd">End of the period in model time units from the origin.</param>
/// <param name="ActualIncremental">Actual repeat transactions in the period.</param>
/// <param name="ExpectedIncremental">Expected repeat transactions in the period.</param>
/// <param name="ActualCumulative">Actual repeat transactions up to the period end.</param>
/// <param name="ExpectedCumulative">Expected repeat transactions up to the period end: Σ_i E[X(PeriodEnd − b_i)] over customers born before.</param>
public readonly record struct TrackingRow(double PeriodEnd, double ActualIncremental, double ExpectedIncremental, double ActualCumulative, double ExpectedCumulative);

/// <summary>Customer-level prediction errors.</summary>
/// <param name="MeanAbsoluteError">MAE = mean |p − a|.</param>
/// <param name="RootMeanSquaredError">RMSE = √ mean (p − a)².</param>
/// <param name="MeanSquaredLogError">MSLE = mean (ln(1+p) − ln(1+a))².</param>
/// <param name="Bias">Mean (p − a): positive when the model over-predicts.</param>
/// <param name="Customers">Customers (sum of weights).</param>
public readonly record struct PredictionErrors(double MeanAbsoluteError, double RootMeanSquaredError, double MeanSquaredLogError, double Bias, double Customers);

/// <summary>Information criteria of a fit.</summary>
/// <param name="LogLikelihood">The maximized log-likelihood.</param>
/// <param name="Parameters">The number of fitted parameters k.</param>
/// <param name="Observations">The number of customers n.</param>
/// <param name="Aic">2k − 2 LL.</param>
/// <param name="Bic">k ln n − 2 LL.</param>
public readonly record struct InformationCriteria(double LogLikelihood, int Parameters, double Observations, double Aic, double Bic);

/// <summary>The metric that <see cref="ModelDiagnostics.RankOnHoldout"/> orders models by.</summary>
public enum RankingMetric
{
    /// <summary>Not set (the <c>default</c>; rejected).</summary>
    None = 0,

    /// <summary>Root mean squared error (lower is better).</summary>
    RootMeanSquaredError = 1,

    /// <summary>Mean absolute error.</summary>
    MeanAbsoluteError = 2,

    /// <summary>Mean squared log error.</summary>
    MeanSquaredLogError = 3,

    /// <summary>Absolute value of the bias.</summary>
    AbsoluteBias = 4,
}

/// <summary>One model's place in a holdout comparison.</summary>
/// <param name="Rank">1 for the best model.</param>
/// <param name="Name">The name the model was given.</param>
/// <param name="Errors">Its customer-level holdout errors.</param>
/// <param name="TotalActual">Total actual holdout transactions.</param>
/// <param name="TotalPredicted">Total predicted holdout transactions.</param>
public readonly record struct ModelRanking(int Rank, string Name, PredictionErrors Errors, double TotalActual, double TotalPredicted);

/// <summary>Model diagnostics as data: calibration vs holdout, histogram with chi-square, tracking, errors, information criteria and rankings.</summary>
/// <remarks>
/// The conventions follow Fader, Hardie &amp; Lee (2005) (conditional expectations by calibration frequency, tracking of
/// cumulative repeat transactions) and lifetimes' plotting helpers, returned as rows for any front end to draw.
/// All methods are pure and thread-safe.
/// </remarks>
public static class ModelDiagnostics
{
    /// <summary>Groups customers by calibration frequency and compares mean actual holdout transactions with the model's conditional expectation.</summary>
    /// <param name="model">The model fitted on the calibration period.</param>
    /// <param name="frequency">Calibration x per customer.</param>
    /// <param name="recency">Calibration t_x per customer.</param>
    /// <param name="t">Calibration T per customer.</param>
    /// <param name="holdoutFrequency">Actual holdout transactions per customer.</param>
    /// <param name="holdoutDuration">Length of the holdout period on the model's unit, &gt; 0.</param>
    /// <param name="maxFrequency">Groups 0..maxFrequency−1 and an open group maxFrequency+ (≥ 1).</param>
    /// <returns>One row per group that has customers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException">The spans differ in length or a row is invalid for the model.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="holdoutDuration"/> or <paramref name="maxFrequency"/> is out of range.</exception>
    public static IReadOnlyList<CalibrationHoldoutRow> CalibrationVsHoldout(ITransactionModel model, ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, ReadOnlySpan<double> holdoutFrequency, double holdoutDuration, int maxFrequency)
    {
        ArgumentNullException.ThrowIfNull(model);
        ThrowHelper.ThrowIfNotPositiveFinite(holdoutDuration, nameof(holdoutDuration));
        if (maxFrequency < 1)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(maxFrequency), maxFrequency, "must be at least 1", "pass the frequency from which customers are pooled, for example 7");
        }

        var n = frequency.Length;
        CheckHoldout(n, holdoutFrequency.Length);
        var predicted = new double[n];
        model.ConditionalExpectedTransactions(holdoutDuration, frequency, recency, t, predicted);
        var customers = new double[maxFrequency + 1];
        var actual = new double[maxFrequency + 1];
        var expected = new double[maxFrequency + 1];
        for (var i = 0; i < n; i++)
        {
            var g = (int)Math.Min(maxFrequency, frequency[i]);
            customers[g] += 1;
            actual[g] += holdoutFrequency[i];
            expected[g] += predicted[i];
        }

        var rows = new List<CalibrationHoldoutRow>();
        for (var g = 0; g <= maxFrequency; g++)
        {
            if (customers[g] > 0)
            {
                rows.Add(new CalibrationHoldoutRow(g, g == maxFrequency, customers[g], actual[g] / customers[g], expected[g] / customers[g]));
            }
        }

        return rows;
    }

    /// <summary>Compares the observed histogram of repeat transactions with the model's expectation Σ_i P(X(T_i) = n), with Pearson's chi-square.</summary>
    /// <param name="frequency">Observed repeat transactions x per customer (whole numbers).</param>
    /// <param name="t">Each customer's T (the window in which x was counted; for BG/BB the opportunities n).</param>
    /// <param name="weights">Customers per row (finite, ≥ 0), or empty for one customer per row (compressed rows such as donations.csv pass their weights).</param>
    /// <param name="probability">The model's P(X(t) = n), for example <c>model.ProbabilityOfTransactions</c>.</param>
    /// <param name="maxCount">Bars 0..maxCount−1 and an open bar maxCount+ (≥ 1).</param>
    /// <param name="fittedParameters">Parameters estimated from these data (subtracted from the degrees of freedom), ≥ 0.</param>
    /// <returns>The bars, the statistic and its p-value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="probability"/> is null.</exception>
    /// <exception cref="ArgumentException">The spans differ in length or a frequency is not a whole number ≥ 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> or <paramref name="fittedParameters"/> is out of range.</exception>
    public static HistogramComparison TransactionHistogram(ReadOnlySpan<double> frequency, ReadOnlySpan<double> t, ReadOnlySpan<double> weights, Func<int, double, double> probability, int maxCount, int fittedParameters)
    {
        ArgumentNullException.ThrowIfNull(probability);
        if (maxCount < 1)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(maxCount), maxCount, "must be at least 1", "pass the count from which bars are pooled, for example 7");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(fittedParameters);
        if (t.Length != frequency.Length || (weights.Length != 0 && weights.Length != frequency.Length))
        {
            ThrowHelper.Argument(nameof(t), FormattableString.Invariant($"frequency ({frequency.Length}), T ({t.Length}) and weights ({weights.Length}) must have the same length (weights may be empty); pass one value per row."));
        }

        var observed = new double[maxCount + 1];
        var byAge = new Dictionary<double, double>();
        for (var i = 0; i < frequency.Length; i++)
        {
            var x = frequency[i];
            if (!double.IsFinite(x) || x < 0 || x != Math.Floor(x))
            {
                ModelFitting.Fail(i, "frequency", x, "must be a whole number >= 0", "count repeat transactions");
            }

            ThrowHelper.ThrowIfNegativeOrNotFinite(t[i], nameof(t));
            var w = weights.Length == 0 ? 1 : weights[i];
            if (!double.IsFinite(w) || w < 0)
            {
                ModelFitting.Fail(i, "weight", w, "must be finite and >= 0", "weights count customers");
            }

            observed[(int)Math.Min(maxCount, x)] += w;
            byAge[t[i]] = byAge.TryGetValue(t[i], out var c) ? c + w : w;
        }

        var expected = new double[maxCount + 1];
        foreach (var (age, count) in byAge.OrderBy(kv => kv.Key))
        {
            var below = 0.0;
            for (var k = 0; k < maxCount; k++)
            {
                var p = probability(k, age);
                if (!double.IsFinite(p) || p < 0 || p > 1)
                {
                    ThrowHelper.Argument(nameof(probability), FormattableString.Invariant($"the model gave P(X({age:R}) = {k}) = {p:R}, which is not a probability; check the model and the time unit."));
                }

                expected[k] += count * p;
                below += p;
            }

            expected[maxCount] += count * Math.Max(0, 1 - below);
        }

        var bars = new HistogramBar[maxCount + 1];
        var chi = 0.0;
        for (var k = 0; k <= maxCount; k++)
        {
            bars[k] = new HistogramBar(k, k == maxCount, observed[k], expected[k]);
            if (expected[k] > 0)
            {
                chi += (observed[k] - expected[k]) * (observed[k] - expected[k]) / expected[k];
            }
        }

        var df = maxCount - fittedParameters;
        var pValue = df > 0 ? IncompleteGamma.UpperRegularized(df / 2.0, chi / 2) : double.NaN;
        return new HistogramComparison(bars, chi, df, pValue);
    }

    /// <summary>Tracks actual vs expected repeat transactions of the whole customer base, period by period.</summary>
    /// <param name="expectedTransactions">The model's E[X(t)] for a new customer, for example <c>model.ExpectedTransactions</c>.</param>
    /// <param name="birthTimes">Each customer's first-purchase time, in model units from the origin, ≥ 0.</param>
    /// <param name="actualPerPeriod">Actual repeat transactions of the base in periods 1..K (period k ends at k · periodLength).</param>
    /// <param name="periodLength">Length of a period in model units, &gt; 0.</param>
    /// <returns>K rows with incremental and cumulative actual and expected transactions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="expectedTransactions"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is NaN, infinite or negative, or the period length is not positive.</exception>
    public static IReadOnlyList<TrackingRow> Tracking(Func<double, double> expectedTransactions, ReadOnlySpan<double> birthTimes, ReadOnlySpan<double> actualPerPeriod, double periodLength)
    {
        ArgumentNullException.ThrowIfNull(expectedTransactions);
        ThrowHelper.ThrowIfNotPositiveFinite(periodLength, nameof(periodLength));
        var births = new Dictionary<double, double>();
        foreach (var b in birthTimes)
        {
            ThrowHelper.ThrowIfNegativeOrNotFinite(b, nameof(birthTimes));
            births[b] = births.TryGetValue(b, out var c) ? c + 1 : 1;
        }

        var cohorts = births.OrderBy(kv => kv.Key).ToArray();
        var rows = new TrackingRow[actualPerPeriod.Length];
        double actualCumulative = 0, previousExpected = 0;
        for (var k = 0; k < actualPerPeriod.Length; k++)
        {
            ThrowHelper.ThrowIfNegativeOrNotFinite(actualPerPeriod[k], nameof(actualPerPeriod));
            var end = (k + 1) * periodLength;
            var expected = 0.0;
            foreach (var (birth, count) in cohorts)
            {
                if (birth < end)
                {
                    expected += count * expectedTransactions(end - birth);
                }
            }

            actualCumulative += actualPerPeriod[k];
            rows[k] = new TrackingRow(end, actualPerPeriod[k], expected - previousExpected, actualCumulative, expected);
            previousExpected = expected;
        }

        return rows;
    }

    /// <summary>Customer-level errors of predictions against actual values.</summary>
    /// <param name="actual">Actual values (for example holdout transactions), finite and ≥ 0.</param>
    /// <param name="predicted">Predictions, finite and ≥ 0.</param>
    /// <param name="weights">Weights (finite, ≥ 0) or empty for one customer per row.</param>
    /// <returns>MAE, RMSE, MSLE and bias.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, a value is invalid (the message names the row), or the weights sum to 0.</exception>
    public static PredictionErrors Errors(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights)
    {
        if (predicted.Length != actual.Length || (weights.Length != 0 && weights.Length != actual.Length))
        {
            ThrowHelper.Argument(nameof(predicted), FormattableString.Invariant($"actual ({actual.Length}), predicted ({predicted.Length}) and weights ({weights.Length}) must have the same length (weights may be empty)."));
        }

        double w = 0, abs = 0, sq = 0, log = 0, bias = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var wi = weights.Length == 0 ? 1 : weights[i];
            if (!double.IsFinite(actual[i]) || actual[i] < 0)
            {
                ModelFitting.Fail(i, "actual", actual[i], "must be finite and >= 0", "pass counts or amounts");
            }

            if (!double.IsFinite(predicted[i]) || predicted[i] < 0)
            {
                ModelFitting.Fail(i, "predicted", predicted[i], "must be finite and >= 0", "pass model predictions");
            }

            if (!double.IsFinite(wi) || wi < 0)
            {
                ModelFitting.Fail(i, "weight", wi, "must be finite and >= 0", "weights count customers");
            }

            var d = predicted[i] - actual[i];
            var l = Elementary.Log1P(predicted[i]) - Elementary.Log1P(actual[i]);
            w += wi;
            abs += wi * Math.Abs(d);
            sq += wi * d * d;
            log += wi * l * l;
            bias += wi * d;
        }

        if (!(w > 0))
        {
            ThrowHelper.Argument(nameof(actual), "no customers (the weights sum to 0); pass at least one customer.");
        }

        return new PredictionErrors(abs / w, Math.Sqrt(sq / w), log / w, bias / w, w);
    }

    /// <summary>AIC and BIC of a fit (n = customers used).</summary>
    /// <param name="fit">The fit.</param>
    /// <typeparam name="TModel">The model type.</typeparam>
    /// <returns>The criteria.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fit"/> is null.</exception>
    public static InformationCriteria Criteria<TModel>(FitResult<TModel> fit)
        where TModel : class
    {
        ArgumentNullException.ThrowIfNull(fit);
        var k = fit.Parameters.Count;
        var n = fit.CustomersUsed;
        return new InformationCriteria(fit.LogLikelihood, k, n, (2 * k) - (2 * fit.LogLikelihood), (k * Math.Log(n)) - (2 * fit.LogLikelihood));
    }

    /// <summary>Ranks several fitted models by their customer-level error on a holdout period (best first; ties keep the input order).</summary>
    /// <param name="models">Named models, all on the summaries' unit.</param>
    /// <param name="frequency">Calibration x per customer.</param>
    /// <param name="recency">Calibration t_x per customer.</param>
    /// <param name="t">Calibration T per customer.</param>
    /// <param name="holdoutFrequency">Actual holdout transactions per customer.</param>
    /// <param name="holdoutDuration">Holdout length on the models' unit, &gt; 0.</param>
    /// <param name="metric">The metric to rank by.</param>
    /// <returns>One ranking per model, best first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="models"/> or one of the models is null.</exception>
    /// <exception cref="ArgumentException">No models, the spans differ in length, or a row is invalid for a model.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is not a defined metric, or the duration is invalid.</exception>
    public static IReadOnlyList<ModelRanking> RankOnHoldout(IEnumerable<KeyValuePair<string, ITransactionModel>> models, ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, ReadOnlySpan<double> holdoutFrequency, double holdoutDuration, RankingMetric metric)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (metric is < RankingMetric.RootMeanSquaredError or > RankingMetric.AbsoluteBias)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(metric), metric, "must be a defined ranking metric", "pass for example RankingMetric.RootMeanSquaredError");
        }

        ThrowHelper.ThrowIfNotPositiveFinite(holdoutDuration, nameof(holdoutDuration));
        CheckHoldout(frequency.Length, holdoutFrequency.Length);
        var list = models.ToList();
        if (list.Count == 0)
        {
            ThrowHelper.Argument(nameof(models), "no models were given; pass at least one named model.");
        }

        var predicted = new double[frequency.Length];
        var results = new List<(string Name, PredictionErrors Errors, double Actual, double Predicted, int Order)>();
        double totalActual = 0;
        foreach (var a in holdoutFrequency)
        {
            totalActual += a;
        }

        for (var m = 0; m < list.Count; m++)
        {
            var model = list[m].Value ?? throw new ArgumentNullException(nameof(models), FormattableString.Invariant($"model '{list[m].Key}' is null; pass a fitted model."));
            model.ConditionalExpectedTransactions(holdoutDuration, frequency, recency, t, predicted);
            var errors = Errors(holdoutFrequency, predicted, []);
            results.Add((list[m].Key, errors, totalActual, predicted.Sum(), m));
        }

        double Key(PredictionErrors e) => metric switch
        {
            RankingMetric.MeanAbsoluteError => e.MeanAbsoluteError,
            RankingMetric.MeanSquaredLogError => e.MeanSquaredLogError,
            RankingMetric.AbsoluteBias => Math.Abs(e.Bias),
            _ => e.RootMeanSquaredError,
        };

        return results
            .OrderBy(r => Key(r.Errors))
            .ThenBy(r => r.Order)
            .Select((r, i) => new ModelRanking(i + 1, r.Name, r.Errors, r.Actual, r.Predicted))
            .ToList();
    }

    private static void CheckHoldout(int n, int holdout)
    {
        if (holdout != n)
        {
            ThrowHelper.Argument("holdoutFrequency", FormattableString.Invariant($"holdout frequency ({holdout}) must have one value per customer ({n}); summarize with a calibration end to get holdout columns."));
        }
    }
}
