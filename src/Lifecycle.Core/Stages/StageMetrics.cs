using System.Runtime.InteropServices;
using Lifecycle.Metrics;

namespace Lifecycle.Stages;

/// <summary>Reach metrics for a period.</summary>
/// <param name="Touches">Touch events (touch, impression, visit) in the period.</param>
/// <param name="UniqueReached">Customers with at least one touch in the period.</param>
public readonly record struct ReachMetrics(long Touches, int UniqueReached);

/// <summary>Acquisition metrics for a period.</summary>
/// <param name="Leads">Customers whose first lead was captured in the period, with no purchase before it.</param>
/// <param name="LeadsConverted">Of those, customers whose first purchase came before the period end.</param>
/// <param name="LeadConversionRate">LeadsConverted / Leads; <see langword="null"/> without leads.</param>
/// <param name="NewCustomers">Customers whose first purchase is in the period.</param>
/// <param name="AcquisitionSpend">The acquisition spend given for the period, if any.</param>
/// <param name="CustomerAcquisitionCost">CAC = AcquisitionSpend / NewCustomers; <see langword="null"/> without spend or new customers.</param>
public readonly record struct AcquisitionMetrics(int Leads, int LeadsConverted, double? LeadConversionRate, int NewCustomers, decimal? AcquisitionSpend, decimal? CustomerAcquisitionCost);

/// <summary>Conversion metrics for a period.</summary>
/// <param name="NewContacts">Customers first contacted in the period.</param>
/// <param name="Converted">Of those, customers whose first purchase came before the period end.</param>
/// <param name="ConversionRate">Converted / NewContacts; <see langword="null"/> without new contacts.</param>
/// <param name="Orders">Purchase events in the period.</param>
/// <param name="Revenue">Sum of their amounts (gross of refunds).</param>
/// <param name="AverageOrderValue">AOV = Revenue / Orders; <see langword="null"/> without orders.</param>
/// <param name="Purchasers">Customers with at least one purchase in the period.</param>
/// <param name="PurchaseFrequency">Orders / Purchasers; <see langword="null"/> without purchasers.</param>
public readonly record struct ConversionMetrics(int NewContacts, int Converted, double? ConversionRate, int Orders, decimal Revenue, decimal? AverageOrderValue, int Purchasers, double? PurchaseFrequency);

/// <summary>Retention metrics for a period.</summary>
/// <param name="CustomersAtStart">Customers with a purchase before the period start and not in a terminal stage at it.</param>
/// <param name="Churned">Of those, customers who entered a terminal stage during the period.</param>
/// <param name="ChurnRate">Churned / CustomersAtStart (customers acquired during the period are not in the denominator); <see langword="null"/> when nobody was a customer at the start.</param>
/// <param name="Customers">Customers with at least one purchase before the period end.</param>
/// <param name="RepeatCustomers">Of those, customers with at least two purchases before the period end.</param>
/// <param name="RepeatPurchaseRate">RepeatCustomers / Customers; <see langword="null"/> without customers.</param>
/// <param name="CsatResponses">CSAT answers in the period.</param>
/// <param name="Csat">Share of CSAT answers at 4 or 5 (0–1); <see langword="null"/> without answers.</param>
public readonly record struct RetentionMetrics(int CustomersAtStart, int Churned, double? ChurnRate, int Customers, int RepeatCustomers, double? RepeatPurchaseRate, int CsatResponses, double? Csat);

/// <summary>Loyalty metrics for a period.</summary>
/// <param name="NpsRespondents">Customers with an NPS answer in the period (their latest answer in the period counts).</param>
/// <param name="Promoters">Respondents whose answer is 9–10.</param>
/// <param name="Detractors">Respondents whose answer is 0–6.</param>
/// <param name="Nps">Net Promoter Score = 100 × (Promoters − Detractors) / NpsRespondents, from −100 to 100; <see langword="null"/> without respondents.</param>
/// <param name="Referrals">Referral events in the period.</param>
/// <param name="ReferralsPerCustomer">Referrals / customers (customers with a purchase before the period end); <see langword="null"/> without customers.</param>
/// <param name="Advocates">Customers who, by the period end, made a referral or whose latest NPS answer is 9–10.</param>
/// <param name="ShareOfAdvocates">Advocates / customers; <see langword="null"/> without customers.</param>
public readonly record struct LoyaltyMetrics(int NpsRespondents, int Promoters, int Detractors, double? Nps, int Referrals, double? ReferralsPerCustomer, int Advocates, double? ShareOfAdvocates);

/// <summary>The stage metrics of one period: Reach, Acquisition, Conversion, Retention and Loyalty.</summary>
/// <param name="From">Period start (inclusive).</param>
/// <param name="To">Period end (exclusive).</param>
/// <param name="Reach">Reach metrics.</param>
/// <param name="Acquisition">Acquisition metrics.</param>
/// <param name="Conversion">Conversion metrics.</param>
/// <param name="Retention">Retention metrics.</param>
/// <param name="Loyalty">Loyalty metrics.</param>
public readonly record struct StageMetricsReport(DateTimeOffset From, DateTimeOffset To, ReachMetrics Reach, AcquisitionMetrics Acquisition, ConversionMetrics Conversion, RetentionMetrics Retention, LoyaltyMetrics Loyalty);

/// <summary>Computes the stage metrics from customers' applied events and journeys.</summary>
/// <remarks>
/// <para>Definitions are on each metric (see docs/stages.md); the ratios are computed with
/// <see cref="CustomerMetrics"/> (churn, referrals per customer and share of advocates here). Every rate with an empty denominator is
/// <see langword="null"/> ("undefined"), never 0. Churn follows REFERENCES.md: customers lost during the period
/// over customers at its start; a customer is lost when they enter a stage of kind <see cref="StageKind.Terminal"/>.
/// NPS = % promoters (9–10) − % detractors (0–6), one vote per customer; CSAT = % of answers at 4–5.</para>
/// <para>Thread safety: a pure function of its inputs. Cost: one pass over every customer's events and journey.</para>
/// </remarks>
public static class StageMetrics
{
    /// <summary>Computes the metrics of a period.</summary>
    /// <param name="model">The model the states belong to.</param>
    /// <param name="states">The customers (evaluate them as of <paramref name="to"/> first so time rules have fired).</param>
    /// <param name="from">Period start (inclusive).</param>
    /// <param name="to">Period end (exclusive); after <paramref name="from"/>.</param>
    /// <param name="acquisitionSpend">Marketing spend on acquisition in the period, for CAC; &gt;= 0.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A state belongs to another model.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="to"/> is not after <paramref name="from"/>, or the spend is negative.</exception>
    public static StageMetricsReport Compute(StageModel model, IEnumerable<CustomerState> states, DateTimeOffset from, DateTimeOffset to, decimal? acquisitionSpend = null)
    {
        StageAnalytics.Check(model, states);
        StageAnalytics.CheckPeriod(from, to);
        if (acquisitionSpend is < 0)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(acquisitionSpend), acquisitionSpend, "must be zero or positive", "pass the money spent on acquisition in the period");
        }

        long f = from.UtcTicks, t = to.UtcTicks;
        long touches = 0;
        int reached = 0, leads = 0, leadsConverted = 0, newCustomers = 0, contacts = 0, converted = 0, orders = 0, purchasers = 0;
        decimal revenue = 0;
        int atStart = 0, churned = 0, customers = 0, repeat = 0;
        int respondents = 0, promoters = 0, detractors = 0, referrals = 0, advocates = 0;
        var csatScores = new List<int>();
        var npsScores = new List<int>();
        foreach (var s in states)
        {
            StageAnalytics.CheckModel(model, s);
            long firstContact = 0, firstLead = 0, firstPurchase = 0;
            int purchasesBeforeEnd = 0, periodOrders = 0, periodTouches = 0, referralsByEnd = 0;
            int? periodNps = null, latestNpsByEnd = null;
            var leadWithoutPriorPurchase = false;
            foreach (var e in s.Events)
            {
                var at = e.Timestamp.UtcTicks;
                if (at >= t)
                {
                    break;
                }

                var inPeriod = at >= f;
                if (firstContact == 0)
                {
                    firstContact = at;
                }

                if (e.Kind.IsTouch && inPeriod)
                {
                    periodTouches++;
                }
                else if (e.Kind == EventKind.LeadCaptured && firstLead == 0)
                {
                    firstLead = at;
                    leadWithoutPriorPurchase = firstPurchase == 0;
                }
                else if (e.Kind == EventKind.Purchase)
                {
                    if (firstPurchase == 0)
                    {
                        firstPurchase = at;
                    }

                    purchasesBeforeEnd++;
                    if (inPeriod)
                    {
                        periodOrders++;
                        revenue += e.Amount.GetValueOrDefault();
                    }
                }
                else if (e.Kind == EventKind.CsatResponse && inPeriod)
                {
                    csatScores.Add((int)e.Score.GetValueOrDefault());
                }
                else if (e.Kind == EventKind.NpsResponse)
                {
                    latestNpsByEnd = (int)e.Score.GetValueOrDefault();
                    if (inPeriod)
                    {
                        periodNps = latestNpsByEnd;
                    }
                }
                else if (e.Kind == EventKind.Referral)
                {
                    referralsByEnd++;
                    referrals += inPeriod ? 1 : 0;
                }
            }

            touches += periodTouches;
            reached += periodTouches > 0 ? 1 : 0;
            if (firstLead >= f && firstLead != 0 && leadWithoutPriorPurchase)
            {
                leads++;
                leadsConverted += firstPurchase != 0 ? 1 : 0;
            }

            newCustomers += firstPurchase >= f && firstPurchase != 0 ? 1 : 0;
            if (firstContact >= f && firstContact != 0)
            {
                contacts++;
                converted += firstPurchase != 0 ? 1 : 0;
            }

            orders += periodOrders;
            purchasers += periodOrders > 0 ? 1 : 0;
            if (purchasesBeforeEnd > 0)
            {
                customers++;
                repeat += purchasesBeforeEnd >= 2 ? 1 : 0;
                advocates += referralsByEnd > 0 || latestNpsByEnd >= 9 ? 1 : 0;
            }

            if (firstPurchase != 0 && firstPurchase < f && s.StageAt(from.AddTicks(-1)) is { } stageAtStart && model.GetStage(stageAtStart).Kind != StageKind.Terminal)
            {
                atStart++;
                churned += EntersTerminal(model, s, f, t) ? 1 : 0;
            }

            if (periodNps is { } nps)
            {
                npsScores.Add(nps);
                respondents++;
                promoters += nps >= 9 ? 1 : 0;
                detractors += nps <= 6 ? 1 : 0;
            }
        }

        // The ratios come from Lifecycle.Metrics.CustomerMetrics, so a stage report and a metrics report agree by construction.
        var cac = acquisitionSpend is { } spend ? CustomerMetrics.CustomerAcquisitionCost(spend, newCustomers) : default;
        var aov = CustomerMetrics.AverageOrderValue(revenue, orders);
        return new StageMetricsReport(
            from,
            to,
            new ReachMetrics(touches, reached),
            new AcquisitionMetrics(leads, leadsConverted, CustomerMetrics.LeadConversionRate(leads, leadsConverted).ValueOrNull, newCustomers, acquisitionSpend,
                cac.IsDefined ? cac.DecimalValue : null),
            new ConversionMetrics(contacts, converted, CustomerMetrics.ConversionRate(contacts, converted).ValueOrNull, orders, revenue, aov.IsDefined ? aov.DecimalValue : null, purchasers,
                CustomerMetrics.PurchaseFrequency(orders, purchasers).ValueOrNull),
            new RetentionMetrics(atStart, churned, Rate(churned, atStart), customers, repeat, CustomerMetrics.RepeatPurchaseRate(customers, repeat).ValueOrNull, csatScores.Count,
                CustomerMetrics.CustomerSatisfactionScore(CollectionsMarshal.AsSpan(csatScores)).ValueOrNull),
            new LoyaltyMetrics(respondents, promoters, detractors, CustomerMetrics.NetPromoterScore(CollectionsMarshal.AsSpan(npsScores)).ValueOrNull,
                referrals, Rate(referrals, customers), advocates, Rate(advocates, customers)));
    }

    private static bool EntersTerminal(StageModel model, CustomerState s, long from, long to)
    {
        foreach (ref readonly var tr in s.Journey)
        {
            var at = tr.At.UtcTicks;
            if (at >= to)
            {
                break;
            }

            if (at >= from && model.GetStage(tr.To).Kind == StageKind.Terminal)
            {
                return true;
            }
        }

        return false;
    }

    private static double? Rate(long numerator, long denominator) => denominator == 0 ? null : numerator / (double)denominator;
}
