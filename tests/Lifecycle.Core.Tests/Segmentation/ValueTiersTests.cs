using Lifecycle.Segmentation;

namespace Lifecycle.Tests.Segmentation;

public sealed class ValueTiersTests
{
    private static readonly double[] Values = [5, 100, 0, 30, 0, 50, 10, 0, 5, 0]; // total 200

    [Fact]
    public void Top_TwentyPercent_HoldsTheTwoLargestValues()
    {
        var members = new bool[Values.Length];
        var tier = ValueTiers.Top(Values, 0.2, members);
        Assert.Equal(new ValueTier(2, 50, 150, 0.75), tier);
        Assert.Equal(new[] { 1, 5 }, Enumerable.Range(0, Values.Length).Where(i => members[i]));
    }

    [Fact]
    public void ParetoShare_IsTheTopTwentyPercentsShare()
    {
        Assert.Equal(0.75, ValueTiers.ParetoShare(Values, 0.2).ShareOfTotal, 15);
        Assert.Equal(ValueTiers.ParetoShare(Values, 0.2), ValueTiers.ParetoShare(Values));
        Assert.Equal(0.5, ValueTiers.ParetoShare(Values, 0.1).ShareOfTotal, 15);
        Assert.Equal(1.0, ValueTiers.ParetoShare(Values, 1.0).ShareOfTotal, 15);
    }

    [Fact]
    public void ParetoShare_TextbookEightyTwenty()
    {
        // 20 customers hold 80 each (1,600), 80 customers hold 5 each (400): the top 20% hold 80%.
        var values = Enumerable.Repeat(5.0, 80).Concat(Enumerable.Repeat(80.0, 20)).ToArray();
        Assert.Equal(0.8, ValueTiers.ParetoShare(values, 0.2).ShareOfTotal, 12);
    }

    [Fact]
    public void Top_TierSizeRoundsUp()
    {
        // 0.2 × 7 = 1.4 -> 2 customers; 0.2 × 10 is exactly 2 despite floating point.
        Assert.Equal(2, ValueTiers.ParetoShare([1, 2, 3, 4, 5, 6, 7], 0.2).Customers);
        Assert.Equal(2, ValueTiers.ParetoShare(Values, 0.2).Customers);
        Assert.Equal(1, ValueTiers.ParetoShare([3, 4], 0.01).Customers);
    }

    [Fact]
    public void Top_Ties_FirstSeenRanksHigher()
    {
        var members = new bool[5];
        ValueTiers.Top([5, 5, 5, 5, 5], 0.4, members);
        Assert.Equal(new[] { true, true, false, false, false }, members);
    }

    [Fact]
    public void Deciles_TwentyValues_TwoPerDecileTopIsTen()
    {
        var values = Enumerable.Range(1, 20).Select(i => (double)i).ToArray();
        var deciles = new byte[20];
        var bins = ValueTiers.Deciles(values, deciles, TiePolicy.RankFirst);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (byte)(1 + (i / 2))), deciles);
        Assert.Equal(10, bins.BinCount);
        Assert.Equal(10, bins.Score(1000));
    }

    [Fact]
    public void Top_BadInput_ThrowsClearly()
    {
        Assert.Contains("population is empty", Assert.Throws<ArgumentException>(() => ValueTiers.ParetoShare([], 0.2)).Message, StringComparison.Ordinal);
        Assert.Contains("values[1] = -3 must be finite and >= 0", Assert.Throws<ArgumentException>(() => ValueTiers.ParetoShare([1, -3], 0.2)).Message, StringComparison.Ordinal);
        Assert.Contains("all 2 values are 0", Assert.Throws<ArgumentException>(() => ValueTiers.ParetoShare([0, 0], 0.2)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ValueTiers.ParetoShare([1], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ValueTiers.ParetoShare([1], double.NaN));
        Assert.Throws<ArgumentException>(() => ValueTiers.Top([1, 2], 0.5, new bool[1]));
    }

    [Fact]
    public void Revenue_Cdnow_ParetoShareIsAHandCheckedSum()
    {
        // Revenue from spans: the CDNOW summary file carries no total spend, so use x · zbar (repeat revenue).
        var set = SegmentationData.Cdnow();
        var revenue = new double[set.Count];
        for (var i = 0; i < revenue.Length; i++)
        {
            revenue[i] = set.Frequency[i] * set.MonetaryValue[i];
        }

        var tier = ValueTiers.ParetoShare(revenue, 0.2);
        var expected = revenue.OrderByDescending(v => v).Take(472).Sum() / revenue.Sum(); // ⌈0.2 × 2357⌉ = 472
        Assert.Equal(472, tier.Customers);
        Assert.Equal(expected, tier.ShareOfTotal, 12);
    }

    [Fact]
    public void Revenue_FromSummarySet_CopiesTotalSpend()
    {
        var summarizer = new TransactionSummarizer<int>(new SummarizerOptions(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero)) { Unit = TimeUnit.Days }, 2);
        summarizer.Add(new Transaction<int>(1, new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), 10m));
        summarizer.Add(new Transaction<int>(1, new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero), 15.5m));
        summarizer.Add(new Transaction<int>(2, new DateTimeOffset(2024, 1, 5, 0, 0, 0, TimeSpan.Zero), 4m));
        var set = summarizer.Build();
        var revenue = new double[set.Count];
        ValueTiers.Revenue(set, revenue);
        var byId = Enumerable.Range(0, set.Count).ToDictionary(i => set.Ids[i], i => revenue[i]);
        Assert.Equal(25.5, byId[1]);
        Assert.Equal(4, byId[2]);
    }
}
