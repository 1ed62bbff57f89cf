namespace Lifecycle.Clv;

/// <summary>A model of the value of a customer's future transactions given the observed ones.</summary>
/// <remarks>Implementations are immutable and thread-safe; the batch method allocates nothing per customer.</remarks>
public interface ISpendModel
{
    /// <summary>Expected value of a future transaction of a customer with <paramref name="frequency"/> repeat transactions of mean value <paramref name="monetaryValue"/>: E[M | x, m].</summary>
    /// <param name="frequency">Repeat transactions <c>x</c>, &gt;= 0 (customers with x = 0 get the population mean where it exists).</param>
    /// <param name="monetaryValue">Mean value of the repeat transactions (ignored when x = 0), &gt;= 0.</param>
    /// <returns>The expected value per transaction, finite and &gt;= 0.</returns>
    /// <exception cref="ArgumentException">An input breaks a rule of the model.</exception>
    /// <exception cref="InvalidOperationException">The value does not exist (for example a Gamma-Gamma population mean with q ≤ 1 asked for a customer with x = 0).</exception>
    double ConditionalExpectedSpend(double frequency, double monetaryValue);

    /// <summary>Batch <see cref="ConditionalExpectedSpend(double, double)"/>.</summary>
    /// <param name="frequency">Repeat transactions per customer.</param>
    /// <param name="monetaryValue">Mean repeat transaction value per customer.</param>
    /// <param name="destination">Receives E[M | x, m]; at least as long as the inputs.</param>
    /// <exception cref="ArgumentException">The spans differ in length, or a row breaks a rule (the message names the row).</exception>
    /// <exception cref="InvalidOperationException">A value does not exist (see the scalar overload).</exception>
    void ConditionalExpectedSpend(ReadOnlySpan<double> frequency, ReadOnlySpan<double> monetaryValue, Span<double> destination);
}
