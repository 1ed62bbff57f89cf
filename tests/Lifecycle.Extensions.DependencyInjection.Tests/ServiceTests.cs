using Lifecycle.Clv;
using Microsoft.Extensions.DependencyInjection;

namespace Lifecycle.Extensions.DependencyInjection.Tests;

public sealed class ServiceTests
{
    private static readonly SummarySet<int> Weekly = SummarySet.FromColumns<int>([1, 2, 3, 4, 5], [0, 1, 2, 3, 4], [0, 5, 10, 15, 20], [30, 30, 30, 30, 30], [0, 10, 20, 30, 40], TimeUnit.Weeks);

    [Fact]
    public void Services_NullArguments_ThrowNamingTheParameter()
    {
        using var provider = new ServiceCollection().AddLifecycle().BuildServiceProvider();
        var model = new BgNbdModel(0.24, 4.41, 0.79, 2.43, TimeUnit.Weeks);
        var fitter = provider.GetRequiredService<IClvModelFitter>();
        Assert.Equal("summaries", Assert.Throws<ArgumentNullException>(() => fitter.FitTransactions<int>(null!)).ParamName);
        Assert.Equal("summaries", Assert.Throws<ArgumentNullException>(() => fitter.FitSpend<int>(null!)).ParamName);
        var calculator = provider.GetRequiredService<IClvCalculator>();
        Assert.Equal("summaries", Assert.Throws<ArgumentNullException>(() => calculator.Predict<int>(null!, model, null)).ParamName);
        Assert.Equal("transactions", Assert.Throws<ArgumentNullException>(() => calculator.Predict(Weekly, null!, null)).ParamName);
        var segmenter = provider.GetRequiredService<ICustomerSegmenter>();
        Assert.Equal("summaries", Assert.Throws<ArgumentNullException>(() => segmenter.Score<int>(null!)).ParamName);
        Assert.Equal("summaries", Assert.Throws<ArgumentNullException>(() => segmenter.Segment<int>(null!)).ParamName);
    }

    [Fact]
    public void Predict_UnitsDiffer_ThrowsWithFix()
    {
        using var provider = new ServiceCollection().AddLifecycle().BuildServiceProvider();
        var daily = new BgNbdModel(0.24, 30.0, 0.79, 2.43, TimeUnit.Days);
        var e = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<IClvCalculator>().Predict(Weekly, daily, null));
        Assert.Equal("summaries", e.ParamName);
        Assert.Equal("summaries are in Weeks but the transaction model is in Days; summarize on the model's unit (Lifecycle:TimeUnit) or refit the model on these summaries. (Parameter 'summaries')", e.Message);
    }

    [Fact]
    public void Predict_WithoutSpendModel_HasNoValue()
    {
        using var provider = new ServiceCollection().AddLifecycle().BuildServiceProvider();
        var model = new BgNbdModel(0.24, 4.41, 0.79, 2.43, TimeUnit.Weeks);
        var predictions = provider.GetRequiredService<IClvCalculator>().Predict(Weekly, model, null);
        Assert.Equal(5, predictions.Count);
        Assert.False(predictions.HasValue);
        Assert.True(predictions.ExpectedSpend.IsEmpty);
        Assert.True(predictions.LifetimeValue.IsEmpty);
        Assert.Equal(365.2425 / 7, predictions.Horizon, 12); // 12 calendar months in weeks (TimeUnitConversions)
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(model.ProbabilityAlive(Weekly.Frequency[i], Weekly.Recency[i], Weekly.T[i]), predictions.ProbabilityAlive[i], 1e-12);
        }
    }

    [Fact]
    public void Discounting_IsTheConfiguredConvention()
    {
        using var provider = new ServiceCollection().AddLifecycle(o =>
        {
            o.Clv.DiscountRate = 0.02;
            o.Clv.DiscountPeriodDays = 91;
            o.Clv.HorizonPeriods = 8;
            o.Clv.Margin = 0.25;
        }).BuildServiceProvider();
        var calculator = provider.GetRequiredService<IClvCalculator>();
        var days = calculator.Discounting(TimeUnit.Days);
        Assert.Equal((8, 91.0, 0.02, 0.25), (days.Periods, days.UnitsPerPeriod, days.RatePerPeriod, days.Margin));
        Assert.Equal(13.0, calculator.Discounting(TimeUnit.Weeks).UnitsPerPeriod, 12);
        Assert.Equal(8 * 13.0, calculator.Horizon(TimeUnit.Weeks), 12);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => calculator.Horizon(TimeUnit.None));
        Assert.Equal("unit", e.ParamName);
    }
}
