using Lifecycle.Metrics;

namespace Lifecycle.Tests.Metrics;

public sealed class CustomerMetricsTests
{
    [Fact]
    public void CustomerAcquisitionCost_SpendOverCustomers()
    {
        Assert.Equal(125m, CustomerMetrics.CustomerAcquisitionCost(50_000m, 400).DecimalValue);
        Assert.False(CustomerMetrics.CustomerAcquisitionCost(50_000m, 0).IsDefined);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CustomerMetrics.CustomerAcquisitionCost(-1m, 4));
        Assert.Contains("acquisitionSpend = -1 must be zero or positive", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConversionRates_PartOverWhole()
    {
        Assert.Equal(0.15, CustomerMetrics.LeadConversionRate(200, 30).Value);
        Assert.Equal(0.025, CustomerMetrics.ConversionRate(12_000, 300).Value);
        Assert.False(CustomerMetrics.ConversionRate(0, 0).IsDefined);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CustomerMetrics.LeadConversionRate(10, 11));
        Assert.Contains("convertedLeads = 11 must not exceed leads = 10", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OrderValueFrequencyAndRepeatRate_HandComputed()
    {
        Assert.Equal(62.5m, CustomerMetrics.AverageOrderValue(2_500m, 40).DecimalValue);
        Assert.Equal(1.6, CustomerMetrics.PurchaseFrequency(40, 25).Value);
        Assert.Equal(0.32, CustomerMetrics.RepeatPurchaseRate(25, 8).Value);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CustomerMetrics.PurchaseFrequency(3, 4));
        Assert.Contains("customers = 4 must not exceed orders = 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Orders_FromTransactions_HandComputed()
    {
        // ShopLog: 11 transactions, 5 customers, each with two or more transactions (W counts its May one: no observation end here), revenue 230 + 50 + 40 + 50 + 1199 = 1569.
        var stats = CustomerMetrics.Orders<string>(ChurnAnalysisTests.ShopLog());
        Assert.Equal(new OrderStatistics(11, 5, 5, 1569m), stats);
        Assert.Equal(1569m / 11, stats.AverageOrderValue.DecimalValue);
        Assert.Equal(2.2, stats.PurchaseFrequency.Value, 15);
        Assert.Equal(1.0, stats.RepeatPurchaseRate.Value);
        Assert.False(default(OrderStatistics).AverageOrderValue.IsDefined);
    }

    [Fact]
    public void NetPromoterScore_PromotersMinusDetractors()
    {
        // 4 promoters (9, 10, 10, 9), 2 passives (7, 8), 4 detractors (0, 3, 6, 5): (4 − 4)/10 → 0; drop one detractor → (4−3)/9.
        Assert.Equal(0.0, CustomerMetrics.NetPromoterScore([9, 10, 10, 9, 7, 8, 0, 3, 6, 5]).Value);
        Assert.Equal(100.0 / 9, CustomerMetrics.NetPromoterScore([9, 10, 10, 9, 7, 8, 0, 3, 6]).Value, 12);
        Assert.Equal(-100.0, CustomerMetrics.NetPromoterScore([0, 6]).Value);
        Assert.False(CustomerMetrics.NetPromoterScore([]).IsDefined);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CustomerMetrics.NetPromoterScore([9, 11]));
        Assert.Contains("scores = 11 (answer 1) must be an integer from 0 to 10", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => CustomerMetrics.NetPromoterScore([-1]));
    }

    [Fact]
    public void CustomerSatisfactionScore_ShareOfFourAndFive()
    {
        Assert.Equal(0.6, CustomerMetrics.CustomerSatisfactionScore([5, 4, 3, 4, 1]).Value);
        Assert.False(CustomerMetrics.CustomerSatisfactionScore([]).IsDefined);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CustomerMetrics.CustomerSatisfactionScore([0]));
        Assert.Contains("must be an integer from 1 to 5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReferralClvCacAndPayback_HandComputed()
    {
        Assert.Equal(0.2, CustomerMetrics.ReferralRate(150, 30).Value);
        Assert.Equal(3.2m, CustomerMetrics.ClvToCacRatio(400m, 125m).DecimalValue);
        Assert.False(CustomerMetrics.ClvToCacRatio(400m, 0m).IsDefined);

        // CAC 300, 50 per month at 75 % margin → 37.5 margin per month → 8 months.
        Assert.Equal(8m, CustomerMetrics.CacPaybackPeriod(300m, 50m, 0.75m).DecimalValue);
        Assert.False(CustomerMetrics.CacPaybackPeriod(300m, 0m, 0.75m).IsDefined); // never paid back
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CustomerMetrics.CacPaybackPeriod(300m, 50m, 1.2m));
        Assert.Contains("grossMargin = 1.2 must be a fraction between 0 and 1", e.Message, StringComparison.Ordinal);
    }
}
