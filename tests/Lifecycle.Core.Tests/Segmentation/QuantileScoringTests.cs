using Lifecycle.Segmentation;

namespace Lifecycle.Tests.Segmentation;

public sealed class QuantileScoringTests
{
    private static readonly double[] Tied = [0, 0, 0, 0, 0, 0, 1, 2, 3, 4];

    private static (byte[] Scores, ScoreBins Bins) Run(double[] values, int k, TiePolicy ties, ScoreDirection direction = ScoreDirection.HigherIsBetter)
    {
        var scores = new byte[values.Length];
        var bins = QuantileScoring.Score(values, scores, k, ties, direction);
        return (scores, bins);
    }

    [Fact]
    public void Score_DistinctValues_CutsIntoEqualQuintiles()
    {
        var (scores, bins) = Run([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 5, TiePolicy.RankFirst);
        Assert.Equal(new byte[] { 1, 1, 2, 2, 3, 3, 4, 4, 5, 5 }, scores);
        Assert.Equal(new double[] { 20, 40, 60, 80 }, bins.Edges.ToArray());
        Assert.Equal(5, bins.BinCount);
        Assert.False(bins.BinsDropped);
    }

    [Fact]
    public void Score_ShuffledDistinctValues_ScoresFollowTheValues()
    {
        var (scores, _) = Run([70, 10, 100, 40, 20, 90, 30, 60, 50, 80], 5, TiePolicy.AverageRank);
        Assert.Equal(new byte[] { 4, 1, 5, 2, 1, 5, 2, 3, 3, 4 }, scores);
    }

    [Fact]
    public void Score_RankFirstWithTies_BreaksTiesByInputPosition()
    {
        // Six zeros fill bins 1..3 two by two (in input order); the rest fill 4 and 5.
        var (scores, bins) = Run(Tied, 5, TiePolicy.RankFirst);
        Assert.Equal(new byte[] { 1, 1, 2, 2, 3, 3, 4, 4, 5, 5 }, scores);
        Assert.Equal(new double[] { 0, 0, 0, 2 }, bins.Edges.ToArray());
    }

    [Fact]
    public void Score_AverageRankWithTies_TiedValuesShareAScore()
    {
        // Zeros: ranks 0..5, mean 2.5, score 1 + floor(5 * 2.5 / 10) = 2. Value 1: rank 6 -> 4; 2: rank 7 -> 4;
        // 3: rank 8 -> 5; 4: rank 9 -> 5. Bins 1 and 3 stay empty.
        var (scores, bins) = Run(Tied, 5, TiePolicy.AverageRank);
        Assert.Equal(new byte[] { 2, 2, 2, 2, 2, 2, 4, 4, 5, 5 }, scores);
        Assert.Equal(new[] { double.NegativeInfinity, 0, 0, 2 }, bins.Edges.ToArray());
        Assert.Equal(5, bins.BinCount);
    }

    [Fact]
    public void Score_DropDuplicateEdges_ReportsFewerBins()
    {
        // Type-7 quintiles of the data: 0, 0, 0, 0.4, 2.2, 4 -> distinct edges 0, 0.4, 2.2, 4 -> three bins
        // (0, 0.4], (0.4, 2.2], (2.2, 4], as pandas qcut(x, 5, duplicates="drop").
        var (scores, bins) = Run(Tied, 5, TiePolicy.DropDuplicateEdges);
        Assert.Equal(new byte[] { 1, 1, 1, 1, 1, 1, 2, 2, 3, 3 }, scores);
        Assert.Equal(3, bins.BinCount);
        Assert.Equal(5, bins.RequestedBins);
        Assert.True(bins.BinsDropped);
        Assert.Equal(0.4, bins.Edges[0], 12);
        Assert.Equal(2.2, bins.Edges[1], 12);
    }

    [Fact]
    public void Score_AllValuesEqual_DropLeavesOneBin()
    {
        var (scores, bins) = Run([7, 7, 7, 7, 7], 5, TiePolicy.DropDuplicateEdges);
        Assert.All(scores, s => Assert.Equal(1, s));
        Assert.Equal(1, bins.BinCount);
    }

    [Fact]
    public void Score_LowerIsBetter_ReversesScores()
    {
        var (scores, bins) = Run([50, 40, 30, 20, 10], 5, TiePolicy.RankFirst, ScoreDirection.LowerIsBetter);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, scores);
        Assert.Equal(5, bins.Score(5));
        Assert.Equal(1, bins.Score(1000));
        Assert.Equal(4, bins.Score(20));
    }

    [Fact]
    public void Score_DropWithLowerIsBetter_ReversesOnTheShorterScale()
    {
        var (scores, bins) = Run(Tied, 5, TiePolicy.DropDuplicateEdges, ScoreDirection.LowerIsBetter);
        Assert.Equal(new byte[] { 3, 3, 3, 3, 3, 3, 2, 2, 1, 1 }, scores);
        Assert.Equal(3, bins.Score(0));
    }

    [Fact]
    public void Score_NegativeZero_TiesWithZero()
    {
        var (scores, _) = Run([-0.0, 0.0, 1, 2], 2, TiePolicy.AverageRank);
        Assert.Equal(scores[0], scores[1]);
    }

    [Fact]
    public void Score_NegativeValues_SortNumerically()
    {
        var (scores, _) = Run([-5, 3, -1e300, 0, 1e300, -2], 3, TiePolicy.RankFirst);
        Assert.Equal(new byte[] { 1, 3, 1, 2, 3, 2 }, scores);
    }

    [Fact]
    public void Score_NaN_ThrowsNamingThePosition()
    {
        var ex = Assert.Throws<ArgumentException>(() => Run([1, 2, double.NaN, 4, 5], 5, TiePolicy.RankFirst));
        Assert.Contains("values[2] = NaN must be a finite number", ex.Message, StringComparison.Ordinal);
        Assert.Equal("values", ex.ParamName);
    }

    [Fact]
    public void Score_EmptyPopulation_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Run([], 5, TiePolicy.RankFirst));
        Assert.Contains("population is empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_MoreBinsThanCustomers_ThrowsWithTheFix()
    {
        var ex = Assert.Throws<ArgumentException>(() => Run([1, 2, 3], 5, TiePolicy.AverageRank));
        Assert.Contains("3 customers cannot fill 5 bins", ex.Message, StringComparison.Ordinal);
        Assert.Contains("use fewer bins", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    public void Score_BinsOutOfRange_Throws(int k)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Run([1, 2, 3], k, TiePolicy.RankFirst));
        Assert.Contains("must be between 1 and 255", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_LengthMismatch_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => QuantileScoring.Score([1, 2, 3], new byte[2], 2, TiePolicy.RankFirst));
        Assert.Contains("scores has length 2 but values has 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_UndefinedPolicy_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Run([1, 2, 3], 2, (TiePolicy)7));
    }

    [Fact]
    public void FromThresholds_RightClosedBins_ScoreAsDocumented()
    {
        var bins = ScoreBins.FromThresholds([10, 20]);
        Assert.Equal(3, bins.BinCount);
        Assert.Null(bins.Ties);
        Assert.Equal(1, bins.Score(-5));
        Assert.Equal(1, bins.Score(10));
        Assert.Equal(2, bins.Score(15));
        Assert.Equal(2, bins.Score(20));
        Assert.Equal(3, bins.Score(25));
        var scores = new byte[3];
        bins.Score([5, 12, 99], scores);
        Assert.Equal(new byte[] { 1, 2, 3 }, scores);
    }

    [Fact]
    public void FromThresholds_LowerIsBetter_ReversesScores()
    {
        var bins = ScoreBins.FromThresholds([30, 90, 180], ScoreDirection.LowerIsBetter);
        Assert.Equal(4, bins.Score(7));
        Assert.Equal(3, bins.Score(60));
        Assert.Equal(1, bins.Score(365));
    }

    [Fact]
    public void FromThresholds_NotAscending_ThrowsNamingTheEdge()
    {
        var ex = Assert.Throws<ArgumentException>(() => ScoreBins.FromThresholds([10, 10]));
        Assert.Contains("edge 1 = 10 must be greater than edge 0 = 10", ex.Message, StringComparison.Ordinal);
        var nan = Assert.Throws<ArgumentException>(() => ScoreBins.FromThresholds([double.NaN]));
        Assert.Contains("edge 0 = NaN must be a finite number", nan.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScoreBins_Score_NaN_Throws()
    {
        var bins = ScoreBins.FromThresholds([1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => bins.Score(double.NaN));
        Assert.Throws<ArgumentException>(() => bins.Score([1, double.PositiveInfinity], new byte[2]));
    }

    [Fact]
    public void Score_LargeInput_MatchesAComparisonSortReference()
    {
        var random = new Random(11);
        var values = new double[5_000];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.Next(50) * 1.5; // many ties
        }

        var (scores, _) = Run(values, 7, TiePolicy.RankFirst);
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ThenBy(i => i).ToArray();
        for (var p = 0; p < order.Length; p++)
        {
            Assert.Equal(1 + (p * 7 / values.Length), scores[order[p]]);
        }
    }

    [Theory]
    [InlineData(0)] // reals over many magnitudes, both signs, zeros of both signs
    [InlineData(1)] // small integers (few differing bits)
    [InlineData(2)] // values sharing a long common prefix of bits (differences only in the last mantissa bits)
    public void Score_RadixSortedColumns_MatchAComparisonSort(int shape)
    {
        var random = new Random(20 + shape);
        var values = new double[20_000];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = shape switch
            {
                0 => random.Next(10) switch
                {
                    0 => 0.0,
                    1 => -0.0,
                    _ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300)),
                },
                1 => random.Next(0, 40),
                _ => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(1234.5) + random.Next(0, 5000)),
            };
        }

        var (scores, bins) = Run(values, 9, TiePolicy.RankFirst);
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i] == 0 ? 0.0 : values[i]).ThenBy(i => i).ToArray();
        for (var p = 0; p < order.Length; p++)
        {
            Assert.Equal(1 + (p * 9 / values.Length), scores[order[p]]);
        }

        var sorted = values.Select(v => v == 0 ? 0.0 : v).Order().ToArray();
        Assert.Equal(sorted[((values.Length + 8) / 9) - 1], bins.Edges[0]); // last position of bin 1: ceil(n / 9) - 1
    }

    [Fact]
    public void ToString_DescribesTheBins()
    {
        var (_, bins) = Run([1, 2, 3, 4], 2, TiePolicy.RankFirst);
        Assert.Equal("2 bins (HigherIsBetter, RankFirst), edges [2]", bins.ToString());
    }
}
