using System.Collections.ObjectModel;
using System.Globalization;
using Lifecycle.Metrics;
using Lifecycle.Numerics;

namespace Lifecycle.Engagement;

/// <summary>What happened to one decided customer after the decision: the outcome that lift is measured on.</summary>
/// <param name="Rule">The rule that decided.</param>
/// <param name="Arm">The decision's arm (control and holdout both count as untreated).</param>
/// <param name="Converted">Whether the customer purchased in the outcome window.</param>
/// <param name="Retained">Whether the customer was still active at the end of the window.</param>
/// <param name="Revenue">Revenue from the customer in the window; finite.</param>
public readonly record struct LiftObservation(string Rule, DecisionArm Arm, bool Converted, bool Retained, double Revenue);

/// <summary>Options of <see cref="LiftAnalysis.Measure"/>.</summary>
public sealed record LiftOptions
{
    private readonly double _level = 0.95;
    private readonly int _minimum = 30;

    /// <summary>Gets the confidence level of every interval, in (0, 1).</summary>
    /// <value>0.95.</value>
    /// <exception cref="ArgumentOutOfRangeException">Not in (0, 1).</exception>
    public double ConfidenceLevel
    {
        get => _level;
        init
        {
            ThrowHelper.ThrowIfNotFinite(value, nameof(ConfidenceLevel));
            if (value is <= 0 or >= 1)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(ConfidenceLevel), value, "must be in (0, 1)", "pass for example 0.95");
            }

            _level = value;
        }
    }

    /// <summary>Gets the group size below which the result carries a warning that it says little.</summary>
    /// <value>30.</value>
    /// <exception cref="ArgumentOutOfRangeException">Less than 2.</exception>
    public int MinimumGroupSize
    {
        get => _minimum;
        init
        {
            if (value < 2)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(MinimumGroupSize), value, "must be at least 2", "pass for example 30");
            }

            _minimum = value;
        }
    }
}

/// <summary>Treated minus control of a rate, with its interval.</summary>
/// <param name="Treated">The treated rate.</param>
/// <param name="Control">The control rate.</param>
/// <param name="Difference">Treated − control.</param>
/// <param name="Lower">Lower bound of the difference.</param>
/// <param name="Upper">Upper bound of the difference.</param>
public readonly record struct RateDifference(double Treated, double Control, double Difference, double Lower, double Upper);

/// <summary>Treated minus control of a mean, with its interval.</summary>
/// <param name="Treated">The treated mean.</param>
/// <param name="Control">The control mean.</param>
/// <param name="Difference">Treated − control.</param>
/// <param name="Lower">Lower bound of the difference.</param>
/// <param name="Upper">Upper bound of the difference.</param>
/// <param name="DegreesOfFreedom">Welch–Satterthwaite degrees of freedom (infinity when both variances are 0).</param>
public readonly record struct MeanDifference(double Treated, double Control, double Difference, double Lower, double Upper, double DegreesOfFreedom);

/// <summary>The measured lift of one rule.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Treated">Customers treated.</param>
/// <param name="Untreated">Customers in its control or in the global holdout.</param>
/// <param name="Conversion">Conversion difference (Newcombe hybrid score interval), or <see langword="null"/> when a group is empty.</param>
/// <param name="Retention">Retention difference (Newcombe), or <see langword="null"/> when a group is empty.</param>
/// <param name="RevenuePerCustomer">Revenue per customer difference (Welch), or <see langword="null"/> when a group has fewer than 2 customers.</param>
/// <param name="IncrementalRevenue">Revenue difference × treated customers, with the interval scaled alike; <see langword="null"/> with <paramref name="RevenuePerCustomer"/>.</param>
/// <param name="Warnings">Why the numbers may say little (small or empty groups).</param>
public sealed record RuleLift(string Rule, int Treated, int Untreated, RateDifference? Conversion, RateDifference? Retention, MeanDifference? RevenuePerCustomer, (double Estimate, double Lower, double Upper)? IncrementalRevenue, IReadOnlyList<string> Warnings);

/// <summary>Measures lift per rule: treated versus untreated (rule control plus global holdout) conversion, retention and revenue.</summary>
/// <remarks>
/// <para>Both untreated arms are drawn by hash independently of everything the rule looks at, so pooled they are a
/// random sample of the rule's eligible customers, comparable with the treated.</para>
/// <para>Rates: Wilson score intervals per group, combined by Newcombe's hybrid score method (Newcombe 1998, method 10):
/// L = d − √((p₁−l₁)² + (u₂−p₂)²), U = d + √((u₁−p₁)² + (p₂−l₂)²). Revenue per customer: Welch's t interval with
/// Welch–Satterthwaite degrees of freedom. Coverage of both, on simulated campaigns of known effect, is tested at 95 %
/// over 200 seeded simulations.</para>
/// </remarks>
public static class LiftAnalysis
{
    /// <summary>Measures lift per rule.</summary>
    /// <param name="observations">One per decision.</param>
    /// <param name="options">Options; <see langword="null"/> for the defaults.</param>
    /// <returns>One result per rule, by rule name (ordinal).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="observations"/> is null.</exception>
    /// <exception cref="ArgumentException">A rule name is empty, an arm undefined, or a revenue not finite (the message names the row).</exception>
    public static IReadOnlyList<RuleLift> Measure(IEnumerable<LiftObservation> observations, LiftOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(observations);
        options ??= new LiftOptions();
        var groups = new SortedDictionary<string, (List<LiftObservation> T, List<LiftObservation> C)>(StringComparer.Ordinal);
        var row = 0;
        foreach (var o in observations)
        {
            if (string.IsNullOrWhiteSpace(o.Rule) || !Enum.IsDefined(o.Arm) || !double.IsFinite(o.Revenue))
            {
                ThrowHelper.Argument(nameof(observations), string.Create(CultureInfo.InvariantCulture, $"observation {row} (rule '{o.Rule}', arm {o.Arm}, revenue {o.Revenue}) needs a rule name, a defined arm and a finite revenue."));
            }

            if (!groups.TryGetValue(o.Rule, out var g))
            {
                g = ([], []);
                groups.Add(o.Rule, g);
            }

            (o.Arm == DecisionArm.Treatment ? g.T : g.C).Add(o);
            row++;
        }

        return [.. groups.Select(g => ForRule(g.Key, g.Value.T, g.Value.C, options))];
    }

    /// <summary>Wilson score interval of a proportion.</summary>
    /// <param name="successes">Successes, 0 ≤ successes ≤ trials.</param>
    /// <param name="trials">Trials, at least 1.</param>
    /// <param name="confidenceLevel">The level, in (0, 1).</param>
    /// <returns>The bounds.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Counts or level out of range.</exception>
    public static (double Lower, double Upper) Wilson(int successes, int trials, double confidenceLevel = 0.95)
    {
        if (trials < 1 || successes < 0 || successes > trials)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(successes), successes, string.Create(CultureInfo.InvariantCulture, $"must be in [0, trials] with trials = {trials} ≥ 1"), "count successes among at least one trial");
        }

        var z = Z(confidenceLevel);
        var p = (double)successes / trials;
        var z2n = z * z / trials;
        var center = (p + (z2n / 2)) / (1 + z2n);
        var half = z / (1 + z2n) * Math.Sqrt((p * (1 - p) / trials) + (z2n / (4.0 * trials)));
        return (Math.Max(0, center - half), Math.Min(1, center + half));
    }

    /// <summary>Newcombe's hybrid score interval of p₁ − p₂ (method 10).</summary>
    /// <param name="successes1">Successes in group 1.</param>
    /// <param name="trials1">Trials in group 1, at least 1.</param>
    /// <param name="successes2">Successes in group 2.</param>
    /// <param name="trials2">Trials in group 2, at least 1.</param>
    /// <param name="confidenceLevel">The level, in (0, 1).</param>
    /// <returns>The rates, their difference and its bounds.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Counts or level out of range.</exception>
    public static RateDifference Newcombe(int successes1, int trials1, int successes2, int trials2, double confidenceLevel = 0.95)
    {
        var (l1, u1) = Wilson(successes1, trials1, confidenceLevel);
        var (l2, u2) = Wilson(successes2, trials2, confidenceLevel);
        var p1 = (double)successes1 / trials1;
        var p2 = (double)successes2 / trials2;
        var d = p1 - p2;
        return new RateDifference(p1, p2, d, d - Math.Sqrt(Sq(p1 - l1) + Sq(u2 - p2)), d + Math.Sqrt(Sq(u1 - p1) + Sq(p2 - l2)));
    }

    /// <summary>Welch's t interval of mean₁ − mean₂.</summary>
    /// <param name="sample1">Group 1, at least 2 values.</param>
    /// <param name="sample2">Group 2, at least 2 values.</param>
    /// <param name="confidenceLevel">The level, in (0, 1).</param>
    /// <returns>The means, their difference, its bounds and the degrees of freedom.</returns>
    /// <exception cref="ArgumentException">A group has fewer than 2 values.</exception>
    public static MeanDifference Welch(ReadOnlySpan<double> sample1, ReadOnlySpan<double> sample2, double confidenceLevel = 0.95)
    {
        if (sample1.Length < 2 || sample2.Length < 2)
        {
            ThrowHelper.Argument(nameof(sample1), string.Create(CultureInfo.InvariantCulture, $"Welch's interval needs at least 2 values per group (got {sample1.Length} and {sample2.Length}); collect more outcomes."));
        }

        _ = Z(confidenceLevel);
        var (m1, v1) = MeanVariance(sample1);
        var (m2, v2) = MeanVariance(sample2);
        var a = v1 / sample1.Length;
        var b = v2 / sample2.Length;
        var se = Math.Sqrt(a + b);
        var d = m1 - m2;
        if (se == 0)
        {
            return new MeanDifference(m1, m2, d, d, d, double.PositiveInfinity);
        }

        var df = Sq(a + b) / ((a * a / (sample1.Length - 1)) + (b * b / (sample2.Length - 1)));
        var t = StudentT.Quantile(1 - ((1 - confidenceLevel) / 2), df);
        return new MeanDifference(m1, m2, d, d - (t * se), d + (t * se), df);
    }

    private static RuleLift ForRule(string rule, List<LiftObservation> treated, List<LiftObservation> control, LiftOptions options)
    {
        var warnings = new List<string>();
        int nt = treated.Count, nc = control.Count;
        if (nc == 0 || nt == 0)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"no {(nt == 0 ? "treated" : "control")} customers: lift cannot be measured; give the rule a ControlShare > 0 and decide for more customers."));
        }
        else if (Math.Min(nt, nc) < options.MinimumGroupSize)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{nt} treated and {nc} control customers: fewer than {options.MinimumGroupSize} in a group, so the intervals are wide and say little."));
        }

        RateDifference? conversion = null, retention = null;
        MeanDifference? revenue = null;
        (double, double, double)? incremental = null;
        if (nt > 0 && nc > 0)
        {
            conversion = Newcombe(treated.Count(o => o.Converted), nt, control.Count(o => o.Converted), nc, options.ConfidenceLevel);
            retention = Newcombe(treated.Count(o => o.Retained), nt, control.Count(o => o.Retained), nc, options.ConfidenceLevel);
            if (nt >= 2 && nc >= 2)
            {
                var r = Welch([.. treated.Select(o => o.Revenue)], [.. control.Select(o => o.Revenue)], options.ConfidenceLevel);
                revenue = r;
                incremental = (r.Difference * nt, r.Lower * nt, r.Upper * nt);
            }
            else
            {
                warnings.Add("fewer than 2 customers in a group: no revenue interval.");
            }
        }

        return new RuleLift(rule, nt, nc, conversion, retention, revenue, incremental, new ReadOnlyCollection<string>(warnings));
    }

    private static (double Mean, double Variance) MeanVariance(ReadOnlySpan<double> x)
    {
        // Welford: stable for large revenue values.
        double mean = 0, m2 = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var delta = x[i] - mean;
            mean += delta / (i + 1);
            m2 += delta * (x[i] - mean);
        }

        return (mean, m2 / (x.Length - 1));
    }

    private static double Z(double level)
    {
        if (!double.IsFinite(level) || level is <= 0 or >= 1)
        {
            ThrowHelper.ArgumentOutOfRange("confidenceLevel", level, "must be in (0, 1)", "pass for example 0.95");
        }

        return NormalQuantile.Upper((1 - level) / 2);
    }

    private static double Sq(double x) => x * x;
}
