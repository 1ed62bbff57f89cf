namespace Lifecycle.Metrics;

/// <summary>Customer counts and rates of one period, per the seed definition of churn.</summary>
/// <remarks>
/// <para>Counts are of activity spells (see <see cref="IChurnDefinition{TRecord}"/>); a customer holds at most one spell
/// at a time, so <see cref="CustomersAtStart"/> and <see cref="CustomersAtEnd"/> are distinct customers. A customer
/// is counted at the start of a period when active just before its first instant, and at its end when active just
/// before the next period starts, so one period's end equals the next one's start.</para>
/// <para>Policies: customers acquired during the period are not in the churn denominator; if they churn in the
/// same period they are counted in <see cref="NewLost"/>, not in <see cref="Lost"/>. Reactivations (a new spell of a
/// customer seen before) are counted on their own in <see cref="Reactivated"/> and <see cref="ReactivatedLost"/>.
/// With no customers at the start both rates are undefined (<see cref="Ratio.IsDefined"/> is false), not 0.</para>
/// <para>Balance: <c>CustomersAtEnd = CustomersAtStart + NewCustomers + Reactivated − Lost − NewLost − ReactivatedLost</c>.</para>
/// </remarks>
public readonly record struct PeriodChurn
{
    internal PeriodChurn(CalendarPeriod period, int atStart, int newCustomers, int reactivated, int lost, int newLost, int reactivatedLost, int atEnd)
    {
        Period = period;
        CustomersAtStart = atStart;
        NewCustomers = newCustomers;
        Reactivated = reactivated;
        Lost = lost;
        NewLost = newLost;
        ReactivatedLost = reactivatedLost;
        CustomersAtEnd = atEnd;
    }

    /// <summary>Gets the period.</summary>
    public CalendarPeriod Period { get; }

    /// <summary>Gets the customers active just before the period starts.</summary>
    public int CustomersAtStart { get; }

    /// <summary>Gets the customers acquired in the period (first spell started in it).</summary>
    public int NewCustomers { get; }

    /// <summary>Gets the reactivations in the period (a later spell started in it).</summary>
    public int Reactivated { get; }

    /// <summary>Gets the customers active at the start who churned during the period (the churn numerator).</summary>
    public int Lost { get; }

    /// <summary>Gets the customers acquired in the period who also churned in it (reported separately, not in the churn rate).</summary>
    public int NewLost { get; }

    /// <summary>Gets the reactivations of the period that churned again in it.</summary>
    public int ReactivatedLost { get; }

    /// <summary>Gets the customers active at the end of the period (just before the next one starts).</summary>
    public int CustomersAtEnd { get; }

    /// <summary>Gets the churn rate: <see cref="Lost"/> / <see cref="CustomersAtStart"/>; undefined with no customers at the start.</summary>
    public Ratio ChurnRate => new(Lost, CustomersAtStart);

    /// <summary>Gets the retention rate: (customers at end − customers gained in the period and still active) / customers at start, which equals <c>1 − ChurnRate</c>; undefined with no customers at the start.</summary>
    /// <remarks>"Customers gained" are the new customers and reactivations that are still active at the end, so that
    /// neither acquisition nor win-back inflates retention.</remarks>
    public Ratio RetentionRate => new(CustomersAtEnd - (NewCustomers - NewLost) - (Reactivated - ReactivatedLost), CustomersAtStart);
}

/// <summary>Revenue movements of one period and the revenue retention rates.</summary>
/// <remarks>
/// <para>Each customer has a revenue value per period: the sum of their transactions in the period (non-contractual)
/// or their recurring revenue just before the period ends (contractual). A movement compares a customer's value in
/// this period with the previous one: <b>new</b> (first period with revenue), <b>reactivation</b> (revenue again after
/// a period without), <b>expansion</b> and <b>contraction</b> (both periods with revenue), <b>churn</b> (revenue in the previous
/// period, none in this one). All movements are zero or positive amounts.</para>
/// <para>Balance: <c>EndRevenue = StartRevenue + New + Reactivation + Expansion − Contraction − Churned</c>.</para>
/// <para>Rates divide by <see cref="StartRevenue"/> (the previous period's revenue) and are undefined when it is 0.
/// Gross revenue retention excludes expansion, so it is never above 1; net revenue retention includes it. Revenue
/// from new and reactivated customers is in neither.</para>
/// </remarks>
public readonly record struct PeriodRevenue
{
    internal PeriodRevenue(CalendarPeriod period, decimal start, decimal newRevenue, decimal reactivation, decimal expansion, decimal contraction, decimal churned, decimal end)
    {
        Period = period;
        StartRevenue = start;
        New = newRevenue;
        Reactivation = reactivation;
        Expansion = expansion;
        Contraction = contraction;
        Churned = churned;
        EndRevenue = end;
    }

    /// <summary>Gets the period.</summary>
    public CalendarPeriod Period { get; }

    /// <summary>Gets the revenue of the previous period (0 for the first period of a report).</summary>
    public decimal StartRevenue { get; }

    /// <summary>Gets the revenue of customers with revenue for the first time.</summary>
    public decimal New { get; }

    /// <summary>Gets the revenue of customers back after a period without revenue.</summary>
    public decimal Reactivation { get; }

    /// <summary>Gets the increase of customers with revenue in both periods.</summary>
    public decimal Expansion { get; }

    /// <summary>Gets the decrease (as a positive amount) of customers with revenue in both periods.</summary>
    public decimal Contraction { get; }

    /// <summary>Gets the previous-period revenue of customers without revenue in this period.</summary>
    public decimal Churned { get; }

    /// <summary>Gets the revenue of this period.</summary>
    public decimal EndRevenue { get; }

    /// <summary>Gets gross revenue retention: (start − contraction − churned) / start, in [0, 1]; undefined when start is 0.</summary>
    public Ratio GrossRevenueRetention => new(StartRevenue - Contraction - Churned, StartRevenue);

    /// <summary>Gets net revenue retention: (start + expansion − contraction − churned) / start; undefined when start is 0.</summary>
    public Ratio NetRevenueRetention => new(StartRevenue + Expansion - Contraction - Churned, StartRevenue);

    /// <summary>Gets the revenue churn rate: (contraction + churned) / start = 1 − gross revenue retention; undefined when start is 0.</summary>
    public Ratio RevenueChurnRate => new(Contraction + Churned, StartRevenue);
}
