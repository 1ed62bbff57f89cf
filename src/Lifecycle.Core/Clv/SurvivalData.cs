namespace Lifecycle.Clv;

/// <summary>Contractual renewal data for the shifted-beta-geometric model: how many customers churned after each period, and how many are still active (censored) after each period.</summary>
/// <remarks>
/// <para>Period t = 1, 2, … is the t-th period of a customer's tenure. A customer who <b>churned</b> with
/// <c>periods</c> = t was active in periods 1..t and did not renew after t (lifetime T = t, contributes ln P(T = t));
/// a customer still active after <c>periods</c> = t is censored (contributes ln S(t)). Cohort counts map onto this
/// exactly: a cohort with active counts n₀, n₁, …, n_k has n_{t−1} − n_t churners with T = t and n_k censored at k.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed class SurvivalData
{
    private readonly double[] _churned;
    private readonly double[] _censored;

    private SurvivalData(double[] churned, double[] censored)
    {
        _churned = churned;
        _censored = censored;
        Customers = churned.Sum() + censored.Sum();
    }

    /// <summary>Gets the longest tenure (periods) in the data.</summary>
    public int MaxPeriod => _churned.Length - 1;

    /// <summary>Gets the number of customers (sum of weights).</summary>
    public double Customers { get; }

    /// <summary>Gets the customers who churned with lifetime t, indexed by t (index 0 is always 0).</summary>
    public ReadOnlySpan<double> Churned => _churned;

    /// <summary>Gets the customers still active after t periods (censored at t), indexed by t.</summary>
    public ReadOnlySpan<double> Censored => _censored;

    /// <summary>Data from one cohort's active counts by period.</summary>
    /// <param name="active">Active customers at periods 0, 1, …, k: finite, ≥ 0, non-increasing; <paramref name="active"/>[0] is the cohort size.</param>
    /// <returns>The survival data.</returns>
    /// <exception cref="ArgumentException">Fewer than two counts, a count not finite or negative, or a count above the one before it (the message names the period).</exception>
    public static SurvivalData FromCohort(ReadOnlySpan<double> active) => FromCohorts([active.ToArray()]);

    /// <summary>Data from several cohorts' active counts (each from its own period 0; lengths may differ, as younger cohorts are observed for fewer periods).</summary>
    /// <param name="cohorts">One list of active counts per cohort, as in <see cref="FromCohort(ReadOnlySpan{double})"/>.</param>
    /// <returns>The pooled survival data.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="cohorts"/> or one of its lists is null.</exception>
    /// <exception cref="ArgumentException">No cohorts, or a cohort breaks a rule (the message names the cohort and period).</exception>
    public static SurvivalData FromCohorts(IEnumerable<IReadOnlyList<double>> cohorts)
    {
        ArgumentNullException.ThrowIfNull(cohorts);
        var list = cohorts.ToList();
        if (list.Count == 0)
        {
            ThrowHelper.Argument(nameof(cohorts), "no cohorts were given; pass at least one list of active counts.");
        }

        var max = 0;
        for (var c = 0; c < list.Count; c++)
        {
            var a = list[c] ?? throw new ArgumentNullException(nameof(cohorts), FormattableString.Invariant($"cohort {c} is null; pass a list of active counts."));
            if (a.Count < 2)
            {
                ThrowHelper.Argument(nameof(cohorts), FormattableString.Invariant($"cohort {c} has {a.Count} count(s); give the cohort size at period 0 and at least one later count."));
            }

            for (var t = 0; t < a.Count; t++)
            {
                if (!double.IsFinite(a[t]) || a[t] < 0)
                {
                    ThrowHelper.Argument(nameof(cohorts), FormattableString.Invariant($"cohort {c}, period {t}: active = {a[t]:R} must be finite and >= 0; give counts of active customers."));
                }

                if (t > 0 && a[t] > a[t - 1])
                {
                    ThrowHelper.Argument(nameof(cohorts), FormattableString.Invariant($"cohort {c}, period {t}: active = {a[t]:R} exceeds the {a[t - 1]:R} active at period {t - 1}; a cohort can only shrink (count reactivations as new customers)."));
                }
            }

            max = Math.Max(max, a.Count - 1);
        }

        var churned = new double[max + 1];
        var censored = new double[max + 1];
        foreach (var a in list)
        {
            for (var t = 1; t < a.Count; t++)
            {
                churned[t] += a[t - 1] - a[t];
            }

            censored[a.Count - 1] += a[^1];
        }

        return new SurvivalData(churned, censored);
    }

    /// <summary>Data from individual customers: periods of tenure and whether they churned.</summary>
    /// <param name="periods">Tenure per customer: a whole number ≥ 1 for churners (their lifetime), ≥ 0 for active customers (periods completed).</param>
    /// <param name="churned">Per customer, true if the customer churned after <paramref name="periods"/> periods, false if still active.</param>
    /// <param name="weights">Weights (finite, ≥ 0) or empty for one customer per row.</param>
    /// <returns>The survival data.</returns>
    /// <exception cref="ArgumentException">Lengths differ, or a row breaks a rule (the message names the row).</exception>
    public static SurvivalData FromIndividuals(ReadOnlySpan<int> periods, ReadOnlySpan<bool> churned, ReadOnlySpan<double> weights)
    {
        if (churned.Length != periods.Length || (weights.Length != 0 && weights.Length != periods.Length))
        {
            ThrowHelper.Argument(nameof(periods), FormattableString.Invariant($"periods ({periods.Length}), churned ({churned.Length}) and weights ({weights.Length}) must have the same length (weights may be empty); pass one value per customer."));
        }

        if (periods.Length == 0)
        {
            ThrowHelper.Argument(nameof(periods), "no customers were given; pass at least one.");
        }

        var max = 0;
        for (var i = 0; i < periods.Length; i++)
        {
            if (periods[i] < (churned[i] ? 1 : 0))
            {
                ThrowHelper.Argument(nameof(periods), FormattableString.Invariant($"row {i}: periods = {periods[i]} must be >= {(churned[i] ? 1 : 0)} for a {(churned[i] ? "churned" : "active")} customer; a churner was active for at least one period."));
            }

            var w = weights.Length == 0 ? 1 : weights[i];
            if (!double.IsFinite(w) || w < 0)
            {
                ThrowHelper.Argument(nameof(weights), FormattableString.Invariant($"row {i}: weight = {w:R} must be finite and >= 0; weights count customers."));
            }

            max = Math.Max(max, periods[i]);
        }

        var c = new double[max + 1];
        var s = new double[max + 1];
        for (var i = 0; i < periods.Length; i++)
        {
            var w = weights.Length == 0 ? 1 : weights[i];
            if (churned[i])
            {
                c[periods[i]] += w;
            }
            else
            {
                s[periods[i]] += w;
            }
        }

        return new SurvivalData(c, s);
    }
}
