namespace Lifecycle.Metrics;

/// <summary>The seeds' everyday metrics as small calculators: acquisition cost, conversion, order value, frequency, repeat rate, NPS, CSAT, referral rate, CLV:CAC and CAC payback.</summary>
/// <remarks>
/// Every calculator checks its inputs (counts non-negative, parts not larger than their whole, money non-negative,
/// scores on their scale) and returns a <see cref="Ratio"/>, so a zero denominator is an explicit "undefined" result,
/// never 0 or NaN. Rates are fractions (0.25 = 25 %), except NPS, which is on its usual −100..100 scale. Stateless and thread-safe.
/// </remarks>
public static class CustomerMetrics
{
    /// <summary>Customer acquisition cost: acquisition spend / customers acquired.</summary>
    /// <param name="acquisitionSpend">Sales and marketing spend of the period, &gt;= 0.</param>
    /// <param name="customersAcquired">New customers of the same period, &gt;= 0.</param>
    /// <returns>Money per customer; undefined when no customer was acquired.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input is negative.</exception>
    public static Ratio CustomerAcquisitionCost(decimal acquisitionSpend, long customersAcquired)
    {
        NonNegative(acquisitionSpend, nameof(acquisitionSpend));
        NonNegative(customersAcquired, nameof(customersAcquired));
        return new Ratio(acquisitionSpend, customersAcquired);
    }

    /// <summary>Lead conversion rate: leads that became customers / leads.</summary>
    /// <param name="leads">Leads of the period, &gt;= 0.</param>
    /// <param name="convertedLeads">Of those leads, the ones that became customers; between 0 and <paramref name="leads"/>.</param>
    /// <returns>A fraction in [0, 1]; undefined with no leads.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or the part exceeds the whole.</exception>
    public static Ratio LeadConversionRate(long leads, long convertedLeads) => Part(convertedLeads, leads, nameof(convertedLeads), nameof(leads));

    /// <summary>Conversion rate: conversions (for example orders) / opportunities (for example visits).</summary>
    /// <param name="opportunities">Visits, sessions or prospects, &gt;= 0.</param>
    /// <param name="conversions">Of those, the ones that converted; between 0 and <paramref name="opportunities"/>.</param>
    /// <returns>A fraction in [0, 1]; undefined with no opportunities.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or the part exceeds the whole.</exception>
    public static Ratio ConversionRate(long opportunities, long conversions) => Part(conversions, opportunities, nameof(conversions), nameof(opportunities));

    /// <summary>Average order value: revenue / orders.</summary>
    /// <param name="revenue">Revenue of the orders, &gt;= 0.</param>
    /// <param name="orders">Number of orders, &gt;= 0.</param>
    /// <returns>Money per order; undefined with no orders.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input is negative.</exception>
    public static Ratio AverageOrderValue(decimal revenue, long orders)
    {
        NonNegative(revenue, nameof(revenue));
        NonNegative(orders, nameof(orders));
        return new Ratio(revenue, orders);
    }

    /// <summary>Purchase frequency: orders / distinct customers, over one period.</summary>
    /// <param name="orders">Orders of the period, &gt;= 0.</param>
    /// <param name="customers">Distinct customers who ordered in the period, between 0 and <paramref name="orders"/> (each has at least one order).</param>
    /// <returns>Orders per customer (&gt;= 1 when defined); undefined with no customers.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or there are more customers than orders.</exception>
    public static Ratio PurchaseFrequency(long orders, long customers)
    {
        NonNegative(orders, nameof(orders));
        NonNegative(customers, nameof(customers));
        if (customers > orders)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(customers), customers, FormattableString.Invariant($"must not exceed orders = {orders}"), "count only customers who ordered, each with at least one order");
        }

        return new Ratio(orders, customers);
    }

    /// <summary>Repeat purchase rate: customers with more than one order / customers with at least one.</summary>
    /// <param name="customers">Customers with at least one order, &gt;= 0.</param>
    /// <param name="repeatCustomers">Of those, customers with two or more orders.</param>
    /// <returns>A fraction in [0, 1]; undefined with no customers.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or the part exceeds the whole.</exception>
    public static Ratio RepeatPurchaseRate(long customers, long repeatCustomers) => Part(repeatCustomers, customers, nameof(repeatCustomers), nameof(customers));

    /// <summary>Order statistics of transactions: AOV, purchase frequency and repeat purchase rate, with each transaction counted as one order.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions (orders); amounts zero or positive.</param>
    /// <returns>Orders, customers, revenue and the three ratios.</returns>
    /// <exception cref="ArgumentException">A customer id is null or empty, or an amount is negative.</exception>
    public static OrderStatistics Orders<TKey>(ReadOnlySpan<Transaction<TKey>> transactions)
        where TKey : notnull, IEquatable<TKey>
    {
        var counts = new Dictionary<TKey, int>();
        var revenue = 0m;
        for (var i = 0; i < transactions.Length; i++)
        {
            ref readonly var t = ref transactions[i];
            if (t.CustomerId is null || (t.CustomerId is string s && s.Length == 0))
            {
                ThrowHelper.Argument(nameof(transactions), FormattableString.Invariant($"transaction {i}: the customer id is null or empty; every transaction needs a customer id."));
            }

            TransactionShape<TKey>.Validate(t, i);
            revenue += t.Amount;
            counts[t.CustomerId] = counts.GetValueOrDefault(t.CustomerId) + 1;
        }

        var repeat = 0;
        foreach (var n in counts.Values)
        {
            repeat += n > 1 ? 1 : 0;
        }

        return new OrderStatistics(transactions.Length, counts.Count, repeat, revenue);
    }

    /// <summary>Net promoter score: % promoters (9–10) − % detractors (0–6) of 0–10 answers.</summary>
    /// <param name="scores">Answers to "how likely are you to recommend us", each an integer 0..10.</param>
    /// <returns>A score in [−100, 100]; undefined with no answers.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A score is outside 0..10 (the message names its position).</exception>
    public static Ratio NetPromoterScore(ReadOnlySpan<int> scores)
    {
        long promoters = 0, detractors = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var s = scores[i];
            if (s is < 0 or > 10)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(scores), s, FormattableString.Invariant($"(answer {i}) must be an integer from 0 to 10"), "NPS uses the 0-10 likelihood-to-recommend scale; rescale or drop invalid answers");
            }

            promoters += s >= 9 ? 1 : 0;
            detractors += s <= 6 ? 1 : 0;
        }

        return new Ratio(100m * (promoters - detractors), scores.Length);
    }

    /// <summary>Customer satisfaction score: the share of 1–5 answers that are 4 or 5.</summary>
    /// <param name="scores">Answers on the 5-point scale, each an integer 1..5.</param>
    /// <returns>A fraction in [0, 1]; undefined with no answers.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A score is outside 1..5 (the message names its position).</exception>
    public static Ratio CustomerSatisfactionScore(ReadOnlySpan<int> scores)
    {
        long satisfied = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var s = scores[i];
            if (s is < 1 or > 5)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(scores), s, FormattableString.Invariant($"(answer {i}) must be an integer from 1 to 5"), "CSAT uses the 5-point satisfaction scale; rescale or drop invalid answers");
            }

            satisfied += s >= 4 ? 1 : 0;
        }

        return new Ratio(satisfied, scores.Length);
    }

    /// <summary>Referral rate: new customers who came through a referral / all new customers.</summary>
    /// <param name="newCustomers">New customers of the period, &gt;= 0.</param>
    /// <param name="referredCustomers">Of those, the ones acquired through a referral.</param>
    /// <returns>A fraction in [0, 1]; undefined with no new customers.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or the part exceeds the whole.</exception>
    public static Ratio ReferralRate(long newCustomers, long referredCustomers) => Part(referredCustomers, newCustomers, nameof(referredCustomers), nameof(newCustomers));

    /// <summary>CLV:CAC ratio: customer lifetime value / customer acquisition cost (3 or more is the usual rule of thumb).</summary>
    /// <param name="customerLifetimeValue">CLV per customer (margin, not revenue), &gt;= 0.</param>
    /// <param name="customerAcquisitionCost">CAC per customer, &gt;= 0.</param>
    /// <returns>The ratio; undefined when CAC is 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input is negative.</exception>
    public static Ratio ClvToCacRatio(decimal customerLifetimeValue, decimal customerAcquisitionCost)
    {
        NonNegative(customerLifetimeValue, nameof(customerLifetimeValue));
        NonNegative(customerAcquisitionCost, nameof(customerAcquisitionCost));
        return new Ratio(customerLifetimeValue, customerAcquisitionCost);
    }

    /// <summary>CAC payback period: CAC / (revenue per customer per period × gross margin), in periods.</summary>
    /// <param name="customerAcquisitionCost">CAC per customer, &gt;= 0.</param>
    /// <param name="revenuePerCustomerPerPeriod">Average revenue per customer per period (for example per month), &gt;= 0.</param>
    /// <param name="grossMargin">Gross margin as a fraction in [0, 1].</param>
    /// <returns>Periods to earn back the CAC, ignoring churn and discounting; undefined when the margin per period is 0 (never paid back).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input is negative or the margin is above 1.</exception>
    public static Ratio CacPaybackPeriod(decimal customerAcquisitionCost, decimal revenuePerCustomerPerPeriod, decimal grossMargin)
    {
        NonNegative(customerAcquisitionCost, nameof(customerAcquisitionCost));
        NonNegative(revenuePerCustomerPerPeriod, nameof(revenuePerCustomerPerPeriod));
        Fraction(grossMargin, nameof(grossMargin));
        return new Ratio(customerAcquisitionCost, revenuePerCustomerPerPeriod * grossMargin);
    }

    internal static void NonNegative(decimal value, string name)
    {
        if (value < 0)
        {
            ThrowHelper.ArgumentOutOfRange(name, value, "must be zero or positive", "pass an amount of money, not a net change");
        }
    }

    internal static void NonNegative(long value, string name)
    {
        if (value < 0)
        {
            ThrowHelper.ArgumentOutOfRange(name, value, "must be zero or positive", "pass a count");
        }
    }

    internal static void Fraction(decimal value, string name)
    {
        if (value is < 0 or > 1)
        {
            ThrowHelper.ArgumentOutOfRange(name, value, "must be a fraction between 0 and 1", "pass 0.6 for 60 %");
        }
    }

    private static Ratio Part(long part, long whole, string partName, string wholeName)
    {
        NonNegative(whole, wholeName);
        NonNegative(part, partName);
        if (part > whole)
        {
            ThrowHelper.ArgumentOutOfRange(partName, part, FormattableString.Invariant($"must not exceed {wholeName} = {whole}"), "count the part within the same whole");
        }

        return new Ratio(part, whole);
    }
}

/// <summary>Order statistics of a set of transactions (each transaction one order).</summary>
/// <param name="Orders">Number of transactions.</param>
/// <param name="Customers">Distinct customers.</param>
/// <param name="RepeatCustomers">Customers with two or more transactions.</param>
/// <param name="Revenue">Sum of the amounts.</param>
/// <remarks><c>default</c> is the statistics of no transactions: every ratio undefined.</remarks>
public readonly record struct OrderStatistics(long Orders, long Customers, long RepeatCustomers, decimal Revenue)
{
    /// <summary>Gets the average order value: revenue / orders.</summary>
    public Ratio AverageOrderValue => new(Revenue, Orders);

    /// <summary>Gets the purchase frequency: orders / customers.</summary>
    public Ratio PurchaseFrequency => new(Orders, Customers);

    /// <summary>Gets the repeat purchase rate: repeat customers / customers.</summary>
    public Ratio RepeatPurchaseRate => new(RepeatCustomers, Customers);
}
