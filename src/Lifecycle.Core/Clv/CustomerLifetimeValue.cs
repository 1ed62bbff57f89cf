using System.Buffers;
using Lifecycle.Numerics;

namespace Lifecycle.Clv;

/// <summary>Discounted customer lifetime value from any transaction model and any spend model.</summary>
/// <remarks>
/// <para><b>Discrete</b> (<see cref="DiscreteDiscounting"/>, lifetimes/PyMC-Marketing convention):
/// CLV = margin · E[M | x, m] · Σ_{k=1..K} (E[Y(k f)] − E[Y((k−1) f)]) / (1+d)^k.</para>
/// <para><b>Continuous</b> (<see cref="ContinuousDiscounting"/>, CLVTools convention): CLV = margin · E[M | x, m] · DERT,
/// DERT = ∫₀^H e^{−δs} dE[Y(s)]. When the model implements <see cref="IDiscountedTransactionModel"/> and H = ∞ its own
/// DERT is used. Otherwise DERT is computed by parts, DERT = e^{−δH} E[Y(H)] + δ∫₀^H e^{−δs} E[Y(s)] ds, with the
/// integral taken in w = ln(δs) over [−18, min(ln δH, 4)] by composite 16-point Gauss–Legendre on panels of width
/// ≤ 2 (the integrand e^{w − e^w} E[Y(e^w/δ)] is analytic in the strip |Im w| &lt; π/2, so the rule converges
/// geometrically; the truncations cost below 1e-15 relative). Measured against mpmath's adaptive quadrature for BG/NBD
/// on CDNOW customers: 12+ significant digits (CustomerLifetimeValueTests). It costs about 180 evaluations of
/// E[Y(s)] per customer.</para>
/// <para>Thread-safe (stateless). Batch methods allocate two pooled buffers per call, nothing per customer.</para>
/// </remarks>
public static class CustomerLifetimeValue
{
    /// <summary>Discrete-convention CLV of one customer.</summary>
    /// <param name="transactions">The transaction model.</param>
    /// <param name="spend">The spend model.</param>
    /// <param name="customer">The customer's summary on the transaction model's time unit.</param>
    /// <param name="discounting">Periods, units per period, rate and margin.</param>
    /// <returns>The discounted value, finite and &gt;= 0.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The summary is invalid for a model.</exception>
    /// <exception cref="InvalidOperationException">The spend model has no expected spend for this customer.</exception>
    public static double Discrete(ITransactionModel transactions, ISpendModel spend, CustomerSummary customer, DiscreteDiscounting discounting)
    {
        Span<double> result = stackalloc double[1];
        Discrete(transactions, spend, [customer.Frequency], [customer.Recency], [customer.T], [customer.MonetaryValue], discounting, result);
        return result[0];
    }

    /// <summary>Discrete-convention CLV for many customers.</summary>
    /// <param name="transactions">The transaction model.</param>
    /// <param name="spend">The spend model.</param>
    /// <param name="frequency">Repeat transactions per customer.</param>
    /// <param name="recency">Recency per customer.</param>
    /// <param name="t">Age per customer.</param>
    /// <param name="monetaryValue">Mean repeat transaction value per customer.</param>
    /// <param name="discounting">Periods, units per period, rate and margin.</param>
    /// <param name="destination">Receives the CLV per customer; at least as long as the inputs.</param>
    /// <exception cref="ArgumentNullException">A model or the discounting is null.</exception>
    /// <exception cref="ArgumentException">Lengths differ or a row is invalid (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The spend model has no expected spend for some customer.</exception>
    /// <remarks>A <paramref name="discounting"/> that states its unit (<see cref="DiscreteDiscounting.Monthly(TimeUnit, int, double, MonthLength)"/>) must be on the transaction model's unit: mixing them throws, naming both.</remarks>
    public static void Discrete(ITransactionModel transactions, ISpendModel spend, ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, ReadOnlySpan<double> monetaryValue, DiscreteDiscounting discounting, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(spend);
        ArgumentNullException.ThrowIfNull(discounting);
        ModelFitting.SameUnit("the discounting is", discounting.Unit, transactions);
        var n = frequency.Length;
        CheckLengths(n, recency.Length, t.Length, monetaryValue.Length, destination.Length);
        if (n == 0)
        {
            return;
        }

        if (transactions is IHorizonSumTransactionModel fast)
        {
            // Σₖ dₖ (E[Y(kf)] − E[Y((k−1)f)]) = Σₖ ωₖ E[Y(kf)] with ωₖ = dₖ − dₖ₊₁ (d_{K+1} = 0): one pass over customers.
            var periods = discounting.Periods;
            var horizons = new double[periods];
            var weights = new double[periods];
            var df = 1 / (1 + discounting.RatePerPeriod);
            var dk = 1.0;
            for (var k = 1; k <= periods; k++)
            {
                dk *= df;
                horizons[k - 1] = k * discounting.UnitsPerPeriod;
                weights[k - 1] = k < periods ? dk * (1 - df) : dk;
            }

            var spendBuffer = ArrayPool<double>.Shared.Rent(n);
            try
            {
                var spendValues = spendBuffer.AsSpan(0, n);
                spend.ConditionalExpectedSpend(frequency, monetaryValue, spendValues);
                fast.WeightedExpectedTransactions(horizons, weights, frequency, recency, t, destination[..n]);
                var margin = discounting.Margin;
                for (var i = 0; i < n; i++)
                {
                    destination[i] *= margin * spendValues[i];
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(spendBuffer);
            }

            return;
        }

        var previous = ArrayPool<double>.Shared.Rent(n);
        var current = ArrayPool<double>.Shared.Rent(n);
        try
        {
            var acc = destination[..n];
            acc.Clear();
            var prev = previous.AsSpan(0, n);
            var cur = current.AsSpan(0, n);
            prev.Clear();
            var factor = 1 / (1 + discounting.RatePerPeriod);
            var discount = 1.0;
            for (var k = 1; k <= discounting.Periods; k++)
            {
                discount *= factor;
                transactions.ConditionalExpectedTransactions(k * discounting.UnitsPerPeriod, frequency, recency, t, cur);
                for (var i = 0; i < n; i++)
                {
                    acc[i] += discount * (cur[i] - prev[i]);
                }

                var swap = prev;
                prev = cur;
                cur = swap;
            }

            // acc holds discounted expected transactions; multiply by margin · E[M].
            spend.ConditionalExpectedSpend(frequency, monetaryValue, cur);
            var margin = discounting.Margin;
            for (var i = 0; i < n; i++)
            {
                acc[i] *= margin * cur[i];
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(previous);
            ArrayPool<double>.Shared.Return(current);
        }
    }

    /// <summary>Discrete-convention CLV for every customer of a summary set, checking that the summaries, the model and the discounting share one time unit.</summary>
    /// <param name="transactions">The transaction model.</param>
    /// <param name="spend">The spend model.</param>
    /// <param name="customers">The summaries (with monetary values).</param>
    /// <param name="discounting">Periods, units per period, rate and margin.</param>
    /// <param name="destination">Receives the CLV per customer, in the order of the set.</param>
    /// <typeparam name="TKey">The customer id type.</typeparam>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The summaries' unit, the model's unit or the discounting's unit differ (the message names both), or a row is invalid.</exception>
    /// <exception cref="InvalidOperationException">The spend model has no expected spend for some customer.</exception>
    public static void Discrete<TKey>(ITransactionModel transactions, ISpendModel spend, SummarySet<TKey> customers, DiscreteDiscounting discounting, Span<double> destination)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(customers);
        ModelFitting.SameUnit("the summaries are", customers.Unit, transactions);
        Discrete(transactions, spend, customers.Frequency, customers.Recency, customers.T, customers.MonetaryValue, discounting, destination);
    }

    /// <summary>Continuous-convention CLV of one customer.</summary>
    /// <param name="transactions">The transaction model.</param>
    /// <param name="spend">The spend model.</param>
    /// <param name="customer">The customer's summary.</param>
    /// <param name="discounting">Rate per unit, horizon and margin.</param>
    /// <returns>The discounted value, finite and &gt;= 0.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The summary is invalid for a model.</exception>
    /// <exception cref="InvalidOperationException">The spend model has no expected spend for this customer.</exception>
    public static double Continuous(ITransactionModel transactions, ISpendModel spend, CustomerSummary customer, ContinuousDiscounting discounting)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(spend);
        ArgumentNullException.ThrowIfNull(discounting);
        ModelFitting.SameUnit("the discounting is", discounting.Unit, transactions);
        var dert = DiscountedExpectedTransactions(transactions, discounting.RatePerUnit, discounting.Horizon, customer.Frequency, customer.Recency, customer.T);
        return discounting.Margin * spend.ConditionalExpectedSpend(customer.Frequency, customer.MonetaryValue) * dert;
    }

    /// <summary>Continuous-convention CLV for many customers (parallel over customers).</summary>
    /// <param name="transactions">The transaction model.</param>
    /// <param name="spend">The spend model.</param>
    /// <param name="frequency">Repeat transactions per customer.</param>
    /// <param name="recency">Recency per customer.</param>
    /// <param name="t">Age per customer.</param>
    /// <param name="monetaryValue">Mean repeat transaction value per customer.</param>
    /// <param name="discounting">Rate per unit, horizon and margin.</param>
    /// <param name="destination">Receives the CLV per customer.</param>
    /// <exception cref="ArgumentNullException">A model or the discounting is null.</exception>
    /// <exception cref="ArgumentException">Lengths differ or a row is invalid (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The spend model has no expected spend for some customer.</exception>
    public static void Continuous(ITransactionModel transactions, ISpendModel spend, ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, ReadOnlySpan<double> monetaryValue, ContinuousDiscounting discounting, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(spend);
        ArgumentNullException.ThrowIfNull(discounting);
        ModelFitting.SameUnit("the discounting is", discounting.Unit, transactions);
        var n = frequency.Length;
        CheckLengths(n, recency.Length, t.Length, monetaryValue.Length, destination.Length);
        spend.ConditionalExpectedSpend(frequency, monetaryValue, destination);
        var x = frequency.ToArray();
        var tx = recency.ToArray();
        var tt = t.ToArray();
        var dert = new double[n];
        var rate = discounting.RatePerUnit;
        var horizon = discounting.Horizon;
        // Validate every row once (the batch method names the failing row), then integrate in parallel.
        transactions.ProbabilityAlive(frequency, recency, t, dert);
        Parallel.For(0, n, i => dert[i] = DiscountedExpectedTransactions(transactions, rate, horizon, x[i], tx[i], tt[i]));

        for (var i = 0; i < n; i++)
        {
            destination[i] *= discounting.Margin * dert[i];
        }
    }

    /// <summary>Discounted expected residual transactions DERT = ∫₀^H e^{−δs} dE[Y(s) | x, t_x, T].</summary>
    /// <param name="transactions">The transaction model.</param>
    /// <param name="continuousRate">δ per model time unit, finite and &gt; 0.</param>
    /// <param name="horizon">H in model time units, &gt; 0, or +∞.</param>
    /// <param name="frequency">x.</param>
    /// <param name="recency">t_x.</param>
    /// <param name="t">T.</param>
    /// <returns>DERT, finite and &gt;= 0 (see the class remarks for the quadrature and its accuracy).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="transactions"/> is null.</exception>
    /// <exception cref="ArgumentException">An input is invalid.</exception>
    public static double DiscountedExpectedTransactions(ITransactionModel transactions, double continuousRate, double horizon, double frequency, double recency, double t)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ThrowHelper.ThrowIfNotPositiveFinite(continuousRate, nameof(continuousRate));
        if (double.IsNaN(horizon) || horizon <= 0)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(horizon), horizon, "must be > 0 (or +∞)", "pass the horizon in model time units");
        }

        if (double.IsPositiveInfinity(horizon) && transactions is IDiscountedTransactionModel discounted)
        {
            return discounted.DiscountedExpectedResidualTransactions(continuousRate, frequency, recency, t);
        }

        var delta = continuousRate;
        double Ey(double s) => transactions.ConditionalExpectedTransactions(s, frequency, recency, t);
        var boundary = double.IsPositiveInfinity(horizon) ? 0 : Math.Exp(-delta * horizon) * Ey(horizon);
        const double Lower = -18;
        var upper = double.IsPositiveInfinity(horizon) ? 4 : Math.Min(4, Math.Log(delta * horizon));
        double integral;
        if (upper <= Lower)
        {
            // A horizon so short that discounting is within 1e-8 of flat: integrate in s directly.
            integral = delta * GaussLegendre.Integrate(s => Math.Exp(-delta * s) * Ey(s), 0, horizon, 1);
        }
        else
        {
            var panels = Math.Max(1, (int)Math.Ceiling((upper - Lower) / 2));
            integral = GaussLegendre.Integrate(w => { var e = Math.Exp(w); return e * Math.Exp(-e) * Ey(e / delta); }, Lower, upper, panels);
        }

        var value = boundary + integral;
        return value > 0 ? value : 0;
    }

    private static void CheckLengths(int n, int recency, int t, int monetary, int destinationLength)
    {
        if (recency != n || t != n || monetary != n)
        {
            ThrowHelper.Argument("frequency", FormattableString.Invariant($"frequency ({n}), recency ({recency}), T ({t}) and monetary values ({monetary}) must have the same length; pass one value per customer."));
        }

        if (destinationLength < n)
        {
            ThrowHelper.Argument("destination", FormattableString.Invariant($"destination has length {destinationLength} but {n} customers were given; pass a destination at least as long as the inputs."));
        }
    }
}
