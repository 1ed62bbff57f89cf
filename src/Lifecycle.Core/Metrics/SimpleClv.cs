namespace Lifecycle.Metrics;

/// <summary>When the per-period margin of a retention-based CLV is received.</summary>
public enum CashFlowTiming
{
    /// <summary>At the start of each period, the first one now (t = 0, undiscounted, before any churn): CLV = m (1+d)/(1+d−r). The REFERENCES.md convention.</summary>
    StartOfPeriod = 0,

    /// <summary>At the end of each period, paid only by customers retained through it (first payment at t = 1): CLV = m r/(1+d−r) (Gupta &amp; Lehmann 2003).</summary>
    EndOfPeriod = 1,
}

/// <summary>Simple customer lifetime value formulas for users without a fitted model: historic, AOV × frequency × margin × lifespan, and retention-based.</summary>
/// <remarks>
/// <para>These are descriptive or steady-state formulas. They ignore customer heterogeneity (a cohort's retention rises
/// as the weak leave), so they understate long-lived customers; use the probabilistic models of <c>Lifecycle.Clv</c>
/// when you have transaction histories. Money is decimal; rates are fractions. Stateless and thread-safe.</para>
/// </remarks>
public static class SimpleClv
{
    /// <summary>Historic CLV per customer: margin × the sum of each customer's transactions before the observation end.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions; amounts zero or positive.</param>
    /// <param name="margin">Gross margin as a fraction in [0, 1] (1 for revenue).</param>
    /// <param name="observationEnd">Transactions at or after it are ignored.</param>
    /// <returns>Each customer's historic value.</returns>
    /// <exception cref="ArgumentException">A customer id is null or empty, or an amount is negative.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="margin"/> is outside [0, 1].</exception>
    /// <remarks>Timing: the value already realised, undiscounted (no interest on past cash), nothing projected.</remarks>
    public static IReadOnlyDictionary<TKey, decimal> Historic<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, decimal margin, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>
    {
        CustomerMetrics.Fraction(margin, nameof(margin));
        var result = new Dictionary<TKey, decimal>();
        for (var i = 0; i < transactions.Length; i++)
        {
            ref readonly var t = ref transactions[i];
            if (t.CustomerId is null || (t.CustomerId is string s && s.Length == 0))
            {
                ThrowHelper.Argument(nameof(transactions), FormattableString.Invariant($"transaction {i}: the customer id is null or empty; every transaction needs a customer id."));
            }

            TransactionShape<TKey>.Validate(t, i);
            if (t.Timestamp < observationEnd)
            {
                result[t.CustomerId] = result.GetValueOrDefault(t.CustomerId) + (t.Amount * margin);
            }
        }

        return result;
    }

    /// <summary>Formula CLV: average order value × purchases per period × margin × expected lifespan in periods.</summary>
    /// <param name="averageOrderValue">Average order value, &gt;= 0.</param>
    /// <param name="purchasesPerPeriod">Purchase frequency per period, &gt;= 0.</param>
    /// <param name="margin">Gross margin as a fraction in [0, 1].</param>
    /// <param name="lifespanPeriods">Expected customer lifespan in the same periods, &gt;= 0 (for a constant churn rate c it is 1/c, see <see cref="ExpectedLifespan"/>).</param>
    /// <returns>The undiscounted lifetime margin.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input is negative or the margin is above 1.</exception>
    /// <remarks>Timing: margin spread evenly over the lifespan, undiscounted (discount rate 0). Frequency and lifespan must use the same period.</remarks>
    public static decimal Formula(decimal averageOrderValue, decimal purchasesPerPeriod, decimal margin, decimal lifespanPeriods)
    {
        CustomerMetrics.NonNegative(averageOrderValue, nameof(averageOrderValue));
        CustomerMetrics.NonNegative(purchasesPerPeriod, nameof(purchasesPerPeriod));
        CustomerMetrics.Fraction(margin, nameof(margin));
        CustomerMetrics.NonNegative(lifespanPeriods, nameof(lifespanPeriods));
        return averageOrderValue * purchasesPerPeriod * margin * lifespanPeriods;
    }

    /// <summary>Expected lifespan in periods under a constant retention rate r: Σ_{t≥0} r^t = 1/(1 − r) periods (the customer is there in the first period for sure).</summary>
    /// <param name="retention">Retention rate per period, in [0, 1).</param>
    /// <returns>The expected number of periods with the customer.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retention"/> is outside [0, 1) (at 1 the lifespan is infinite).</exception>
    public static decimal ExpectedLifespan(decimal retention)
    {
        if (retention is < 0 or >= 1)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(retention), retention, "must be in [0, 1)", "a retention of 1 means customers never leave and the lifespan is infinite; pass the measured retention rate");
        }

        return 1 / (1 - retention);
    }

    /// <summary>Retention-based CLV: the discounted margin of a customer retained each period with probability r.</summary>
    /// <param name="marginPerPeriod">Margin per customer per period, &gt;= 0.</param>
    /// <param name="retention">Retention rate per period, in [0, 1].</param>
    /// <param name="discountRate">Discount rate per period, &gt;= 0; with r = 1 it must be positive.</param>
    /// <param name="timing">When the margin is received; default <see cref="CashFlowTiming.StartOfPeriod"/>.</param>
    /// <returns><see cref="CashFlowTiming.StartOfPeriod"/>: m Σ_{t≥0} r^t/(1+d)^t = m (1+d)/(1+d−r); <see cref="CashFlowTiming.EndOfPeriod"/>: m Σ_{t≥1} r^t/(1+d)^t = m r/(1+d−r).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input is out of range, or r = 1 with d = 0 (the sum diverges).</exception>
    /// <remarks>The two timings differ by exactly one undiscounted margin m: StartOfPeriod = m + EndOfPeriod.</remarks>
    public static decimal RetentionBased(decimal marginPerPeriod, decimal retention, decimal discountRate, CashFlowTiming timing = CashFlowTiming.StartOfPeriod)
    {
        CustomerMetrics.NonNegative(marginPerPeriod, nameof(marginPerPeriod));
        CustomerMetrics.Fraction(retention, nameof(retention));
        CustomerMetrics.NonNegative(discountRate, nameof(discountRate));
        if (timing is not (CashFlowTiming.StartOfPeriod or CashFlowTiming.EndOfPeriod))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(timing), timing, "must be StartOfPeriod or EndOfPeriod", "choose when the margin is received");
        }

        var denominator = 1 + discountRate - retention;
        if (denominator == 0)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(discountRate), discountRate, "must be positive when retention is 1", "with full retention and no discounting the value is infinite; pass a discount rate");
        }

        return marginPerPeriod * (timing == CashFlowTiming.StartOfPeriod ? 1 + discountRate : retention) / denominator;
    }
}
