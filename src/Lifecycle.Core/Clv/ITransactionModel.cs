namespace Lifecycle.Clv;

/// <summary>A fitted (or hand-parameterised) model of repeat transactions: P(alive) and conditional expected transactions per customer.</summary>
/// <remarks>
/// <para>Inputs are a customer's summary on the model's <see cref="TimeUnit"/>: repeat frequency <c>x</c>, recency
/// <c>t_x</c> and age <c>T</c> (for discrete-time models such as BG/BB, <c>T</c> is the number of purchase
/// opportunities and recency the opportunity of the last purchase). Horizons are on the same unit.</para>
/// <para>Implementations are immutable and thread-safe. The batch methods write one value per customer into the
/// destination, allocate nothing per customer and may use several cores.</para>
/// </remarks>
public interface ITransactionModel
{
    /// <summary>Gets the time unit of the model's parameters, inputs and horizons.</summary>
    TimeUnit TimeUnit { get; }

    /// <summary>Probability that a customer with this history is still active at the end of observation (time <c>T</c>).</summary>
    /// <param name="frequency">Repeat transactions <c>x</c>, &gt;= 0.</param>
    /// <param name="recency">Time of the last repeat transaction <c>t_x</c>, 0 &lt;= t_x &lt;= T.</param>
    /// <param name="t">Age <c>T</c>, &gt;= 0.</param>
    /// <returns>A probability in [0, 1].</returns>
    /// <exception cref="ArgumentException">The summary breaks a rule of the model (for example a non-integer frequency for a count model).</exception>
    double ProbabilityAlive(double frequency, double recency, double t);

    /// <summary>Expected number of transactions in (T, T + horizon] given the customer's history: E[Y(horizon) | x, t_x, T].</summary>
    /// <param name="horizon">Length of the prediction window, &gt;= 0, on <see cref="TimeUnit"/>.</param>
    /// <param name="frequency">Repeat transactions <c>x</c>.</param>
    /// <param name="recency">Recency <c>t_x</c>.</param>
    /// <param name="t">Age <c>T</c>.</param>
    /// <returns>A finite value &gt;= 0 that never decreases as <paramref name="horizon"/> grows.</returns>
    /// <exception cref="ArgumentException">The summary or the horizon breaks a rule of the model.</exception>
    double ConditionalExpectedTransactions(double horizon, double frequency, double recency, double t);

    /// <summary>Batch <see cref="ProbabilityAlive(double, double, double)"/>: one value per customer into <paramref name="destination"/>.</summary>
    /// <param name="frequency">Repeat transactions per customer.</param>
    /// <param name="recency">Recency per customer.</param>
    /// <param name="t">Age per customer.</param>
    /// <param name="destination">Receives P(alive); at least as long as the inputs.</param>
    /// <exception cref="ArgumentException">The spans differ in length, or a row breaks a rule (the message names the row).</exception>
    void ProbabilityAlive(ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, Span<double> destination);

    /// <summary>Batch <see cref="ConditionalExpectedTransactions(double, double, double, double)"/>.</summary>
    /// <param name="horizon">Length of the prediction window, &gt;= 0.</param>
    /// <param name="frequency">Repeat transactions per customer.</param>
    /// <param name="recency">Recency per customer.</param>
    /// <param name="t">Age per customer.</param>
    /// <param name="destination">Receives E[Y(horizon) | x, t_x, T]; at least as long as the inputs.</param>
    /// <exception cref="ArgumentException">The spans differ in length, or a row breaks a rule (the message names the row).</exception>
    void ConditionalExpectedTransactions(double horizon, ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, Span<double> destination);
}

/// <summary>A transaction model that knows its discounted expected residual transactions (DERT) at a continuous discount rate.</summary>
/// <remarks>
/// DERT(δ | x, t_x, T) = ∫₀^∞ e^{−δs} dE[Y(s) | x, t_x, T]: the present value of all future transactions, each worth 1.
/// <see cref="CustomerLifetimeValue"/> uses it for the continuous convention when a model provides it, and an
/// accurate quadrature of the expected transaction rate otherwise.
/// </remarks>
public interface IDiscountedTransactionModel : ITransactionModel
{
    /// <summary>Discounted expected residual transactions at continuous rate <paramref name="continuousRate"/> per model time unit.</summary>
    /// <param name="continuousRate">Continuous discount rate δ &gt; 0 per <see cref="ITransactionModel.TimeUnit"/>.</param>
    /// <param name="frequency">Repeat transactions <c>x</c>.</param>
    /// <param name="recency">Recency <c>t_x</c>.</param>
    /// <param name="t">Age <c>T</c>.</param>
    /// <returns>DERT, finite and &gt;= 0.</returns>
    /// <exception cref="ArgumentException">The summary or the rate breaks a rule.</exception>
    double DiscountedExpectedResidualTransactions(double continuousRate, double frequency, double recency, double t);
}
