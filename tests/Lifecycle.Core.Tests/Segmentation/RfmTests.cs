using Lifecycle.Segmentation;

namespace Lifecycle.Tests.Segmentation;

public sealed class RfmTests
{
    [Fact]
    public void Score_Ladder_RecencyIsReversedTimeSinceLastPurchase()
    {
        // T − t_x = 40, 30, 20, 10, 5: the most recent buyer (5 days) gets R = 5.
        var scores = Rfm.Score(SegmentationData.Ladder());
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, scores.R.ToArray());
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, scores.F.ToArray());
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, scores.M.ToArray());
        Assert.Equal(new RfmScore(5, 5, 5), scores[4]);
        Assert.Equal(ScoreDirection.LowerIsBetter, scores.Bins.Recency.Direction);
        Assert.Equal(new double[] { 5, 10, 20, 30 }, scores.Bins.Recency.Edges.ToArray());
    }

    [Fact]
    public void TimeSinceLastPurchase_IsTMinusRecency()
    {
        Assert.Equal(8.5, Rfm.TimeSinceLastPurchase(new CustomerSummary(3, 30.5, 39, 10)));
        var destination = new double[2];
        Rfm.TimeSinceLastPurchase([1, 2], [10, 4], destination);
        Assert.Equal(new double[] { 9, 2 }, destination);
    }

    [Fact]
    public void Bins_ReappliedToANewCustomer_UseTheSameCut()
    {
        var scores = Rfm.Score(SegmentationData.Ladder());
        // 7 days since last purchase: one R edge (5) below it -> ascending 2 -> R = 4; x = 2.5 is above the F edges
        // 0, 1, 2 -> F = 4; 35 is above every M edge (0, 10, 20, 30) -> M = 5.
        var newcomer = new CustomerSummary(2.5, 33, 40, 35);
        Assert.Equal(new RfmScore(4, 4, 5), scores.Bins.Score(newcomer));
    }

    [Fact]
    public void Score_WithFixedThresholds_ScoresEveryCustomer()
    {
        var bins = new RfmBins(
            ScoreBins.FromThresholds([7, 14, 21, 28], ScoreDirection.LowerIsBetter),
            ScoreBins.FromThresholds([0, 1, 2, 3]),
            ScoreBins.FromThresholds([5, 15, 25, 35]));
        var scores = Rfm.Score(SegmentationData.Ladder(), bins);
        Assert.Equal(new byte[] { 1, 1, 3, 4, 5 }, scores.R.ToArray()); // 40, 30, 20, 10, 5 days
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, scores.F.ToArray());
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, scores.M.ToArray());
        Assert.Same(bins, scores.Bins);
    }

    [Fact]
    public void RfmBins_WrongDirection_Throws()
    {
        var up = ScoreBins.FromThresholds([1]);
        var ex = Assert.Throws<ArgumentException>(() => new RfmBins(up, up, up));
        Assert.Contains("LowerIsBetter", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_Cdnow_RankFirstQuintilesHold471Or472Customers()
    {
        var scores = Rfm.Score(SegmentationData.Cdnow());
        Assert.Equal(2357, scores.Count);
        foreach (var column in new[] { scores.R.ToArray(), scores.F.ToArray(), scores.M.ToArray() })
        {
            var counts = Enumerable.Range(1, 5).Select(s => column.Count(v => v == s)).ToArray();
            Assert.All(counts, c => Assert.InRange(c, 471, 472));
            Assert.Equal(2357, counts.Sum());
        }
    }

    [Fact]
    public void Score_CdnowWithDrop_FrequencyLosesBinsToTheOneTimeBuyers()
    {
        // 1,411 of 2,357 CDNOW customers (59.9%) made no repeat purchase: the 20/40% quintiles of x are both 0.
        var set = SegmentationData.Cdnow();
        Assert.Equal(1411, set.Frequency.ToArray().Count(x => x == 0));
        var scores = Rfm.Score(set, new RfmOptions { Ties = TiePolicy.DropDuplicateEdges });
        Assert.True(scores.Bins.Frequency.BinsDropped);
        Assert.InRange(scores.Bins.Frequency.BinCount, 2, 4);
        var f = scores.F.ToArray();
        Assert.All(f, s => Assert.InRange(s, 1, scores.Bins.Frequency.BinCount));

        // The first bin is right-closed at the first edge, so it holds every one-time buyer (and maybe more).
        Assert.True(f.Count(s => s == 1) >= 1411);
        var reapplied = new byte[f.Length];
        scores.Bins.Frequency.Score(set.Frequency, reapplied);
        Assert.Equal(f, reapplied);
    }

    [Fact]
    public void Score_CdnowWithAverageRank_OneTimeBuyersShareAnFScore()
    {
        // Zeros hold ranks 0..1410, mean 705, F = 1 + floor(5 * 705 / 2357) = 2.
        var set = SegmentationData.Cdnow();
        var scores = Rfm.Score(set, new RfmOptions { Ties = TiePolicy.AverageRank });
        var f = scores.F.ToArray();
        var x = set.Frequency.ToArray();
        Assert.All(Enumerable.Range(0, x.Length).Where(i => x[i] == 0), i => Assert.Equal(2, f[i]));
    }

    [Fact]
    public void Score_TooFewCustomers_ThrowsWithCountAndFix()
    {
        var set = SummarySet.FromColumns<int>([1, 2], [0, 1], [0, 1], [3, 3], [0, 5], TimeUnit.Days);
        var ex = Assert.Throws<ArgumentException>(() => Rfm.Score(set));
        Assert.Contains("2 customers cannot fill 5 bins", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_NaNInSpans_ThrowsNamingTheColumn()
    {
        var r = new byte[2];
        var ex = Assert.Throws<ArgumentException>(() => Rfm.Score([1, 2], [1, double.NaN], [1, 2], r, new byte[2], new byte[2], new RfmOptions { Bins = 2 }));
        Assert.Contains("frequency[1] = NaN", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_MismatchedSpans_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Rfm.Score([1, 2], [1], [1, 2], new byte[2], new byte[2], new byte[2], null));
        Assert.Contains("must have the same length", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RfmOptions_BadValues_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RfmOptions { Bins = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RfmOptions { Ties = (TiePolicy)9 });
        Assert.Equal(5, new RfmOptions().Bins);
        Assert.Equal(TiePolicy.RankFirst, new RfmOptions().Ties);
    }

    [Fact]
    public void RfmScore_FmAndFormatting_AreAsDocumented()
    {
        var s = new RfmScore(5, 4, 1);
        Assert.Equal(3, s.FM); // (4 + 1 + 1) / 2 = 3: 2.5 rounds half up
        Assert.Equal(541, s.Code);
        Assert.Equal("541", s.ToString());
        Assert.Equal("R12 F3 M4", new RfmScore(12, 3, 4).ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RfmScore(0, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => s with { M = 0 });
    }
}
