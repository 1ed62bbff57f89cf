using Lifecycle.Segmentation;

namespace Lifecycle.Tests.Segmentation;

public sealed class SegmentMapTests
{
    [Theory]
    [InlineData(5, 5, "Champions")]
    [InlineData(5, 4, "Champions")]
    [InlineData(4, 5, "Loyal Customers")]
    [InlineData(3, 4, "Loyal Customers")]
    [InlineData(5, 2, "Potential Loyalists")]
    [InlineData(4, 3, "Potential Loyalists")]
    [InlineData(5, 1, "New Customers")]
    [InlineData(4, 1, "Promising")]
    [InlineData(3, 3, "Need Attention")]
    [InlineData(3, 2, "About to Sleep")]
    [InlineData(2, 3, "At Risk")]
    [InlineData(1, 4, "At Risk")]
    [InlineData(1, 5, "Can't Lose Them")]
    [InlineData(2, 5, "Can't Lose Them")]
    [InlineData(1, 1, "Hibernating")]
    [InlineData(2, 2, "Hibernating")]
    public void RecencyFrequency_PublishedCells_MapAsPublished(byte r, byte f, string segment)
    {
        // M is irrelevant to the R×F map: vary it to prove it.
        Assert.Equal(segment, SegmentMap.RecencyFrequency.SegmentOf(new RfmScore(r, f, 1)));
        Assert.Equal(segment, SegmentMap.RecencyFrequency.SegmentOf(new RfmScore(r, f, 5)));
    }

    [Theory]
    [InlineData(5, 5, 5, "Champions")]
    [InlineData(4, 4, 3, "Champions")] // FM = (4 + 3 + 1) / 2 = 4
    [InlineData(3, 5, 4, "Loyal Customers")]
    [InlineData(5, 5, 1, "Potential Loyalists")] // FM = 3
    [InlineData(5, 1, 1, "New Customers")]
    [InlineData(4, 1, 1, "Promising")]
    [InlineData(3, 2, 3, "Need Attention")]
    [InlineData(3, 1, 1, "About to Sleep")]
    [InlineData(1, 5, 5, "Can't Lose Them")]
    [InlineData(2, 5, 5, "At Risk")]
    [InlineData(1, 3, 3, "At Risk")]
    [InlineData(2, 2, 1, "Hibernating")]
    [InlineData(1, 2, 2, "Lost")]
    [InlineData(1, 1, 1, "Lost")]
    public void RecencyFrequencyMonetary_Cells_MapAsDocumented(byte r, byte f, byte m, string segment) =>
        Assert.Equal(segment, SegmentMap.RecencyFrequencyMonetary.SegmentOf(new RfmScore(r, f, m)));

    [Fact]
    public void BuiltInMaps_CoverAll25PairsWithoutDeadCells()
    {
        foreach (var map in new[] { SegmentMap.RecencyFrequency, SegmentMap.RecencyFrequencyMonetary })
        {
            var coverage = map.CheckCoverage(5);
            Assert.True(coverage.IsComplete);
            Assert.Empty(coverage.ShadowedCells);
            map.EnsureCovers(5);
        }

        Assert.Equal(10, SegmentMap.RecencyFrequency.SegmentNames.Count);
        Assert.Equal(11, SegmentMap.RecencyFrequencyMonetary.SegmentNames.Count);
        Assert.Contains("Lost", SegmentMap.RecencyFrequencyMonetary.SegmentNames);
    }

    [Fact]
    public void RecencyFrequency_CellCounts_MatchThePublishedGrid()
    {
        // Champions 2, Loyal 4, Potential 4, New 1, Promising 1, Need Attention 1, About to Sleep 2, At Risk 4,
        // Can't Lose 2, Hibernating 4 = 25 pairs.
        var map = SegmentMap.RecencyFrequency;
        var counts = new Dictionary<string, int>();
        for (byte r = 1; r <= 5; r++)
        {
            for (byte f = 1; f <= 5; f++)
            {
                var name = map.SegmentOf(new RfmScore(r, f, 1))!;
                counts[name] = counts.GetValueOrDefault(name) + 1;
            }
        }

        Assert.Equal(2, counts["Champions"]);
        Assert.Equal(4, counts["Loyal Customers"]);
        Assert.Equal(4, counts["Potential Loyalists"]);
        Assert.Equal(1, counts["New Customers"]);
        Assert.Equal(1, counts["Promising"]);
        Assert.Equal(1, counts["Need Attention"]);
        Assert.Equal(2, counts["About to Sleep"]);
        Assert.Equal(4, counts["At Risk"]);
        Assert.Equal(2, counts["Can't Lose Them"]);
        Assert.Equal(4, counts["Hibernating"]);
    }

    [Fact]
    public void EditedMap_WithACellRemoved_ReportsTheUncoveredPairs()
    {
        var map = SegmentMap.RecencyFrequency.ToBuilder().Remove("Hibernating").Build();
        var coverage = map.CheckCoverage();
        Assert.False(coverage.IsComplete);
        Assert.Equal(new (byte, byte)[] { (1, 1), (1, 2), (2, 1), (2, 2) }, coverage.Uncovered);
        Assert.Equal(SegmentMap.Unassigned, map.Assign(new RfmScore(1, 1, 1)));
        Assert.Null(map.SegmentOf(new RfmScore(2, 2, 2)));

        var ex = Assert.Throws<ArgumentException>(() => map.EnsureCovers());
        Assert.Contains("leaves 4 of 25 score pairs", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(R=1, F=1), (R=1, F=2), (R=2, F=1), (R=2, F=2)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("catch-all cell", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_OnALargerScale_ReportsPairsBeyondItsCells()
    {
        var coverage = SegmentMap.RecencyFrequency.CheckCoverage(6);
        Assert.Equal(11, coverage.Uncovered.Count); // row R=6 and column F=6
        Assert.Equal(SegmentMap.Unassigned, SegmentMap.RecencyFrequency.Assign(new RfmScore(6, 1, 1)));
    }

    [Fact]
    public void Map_CellAfterACatchAll_IsReportedShadowed()
    {
        var map = new SegmentMapBuilder(SegmentAxis.Frequency)
            .Add("Everyone", 1, 5, 1, 5)
            .Add("Never", 5, 5, 5, 5)
            .Build();
        var coverage = map.CheckCoverage();
        Assert.True(coverage.IsComplete);
        Assert.Equal(new[] { 1 }, coverage.ShadowedCells);
    }

    [Fact]
    public void Builder_InsertAtTop_WinsFirst()
    {
        var map = SegmentMap.RecencyFrequency.ToBuilder()
            .Insert(0, new SegmentCell("VIP", 5, 5, 5, 5, "Top corner"))
            .Rename("Hibernating", "Dormant")
            .Build();
        Assert.Equal("VIP", map.SegmentOf(new RfmScore(5, 5, 5)));
        Assert.Equal("Champions", map.SegmentOf(new RfmScore(5, 4, 5)));
        Assert.Equal("Dormant", map.SegmentOf(new RfmScore(1, 1, 1)));
        Assert.Equal("Hibernating", SegmentMap.RecencyFrequency.SegmentOf(new RfmScore(1, 1, 1))); // original untouched
    }

    [Fact]
    public void Builder_BadCells_ThrowWithTheRule()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SegmentCell("X", 3, 2, 1, 1));
        Assert.Contains("R range [3, 2] must satisfy 1 <= min <= max", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SegmentCell("", 1, 1, 1, 1));
        Assert.Throws<ArgumentException>(() => new SegmentCell("X", 1, 1, 0, 1));
        Assert.Throws<ArgumentException>(() => new SegmentMapBuilder(SegmentAxis.Frequency).Add(default(SegmentCell)));
        Assert.Throws<InvalidOperationException>(() => new SegmentMapBuilder(SegmentAxis.Frequency).Build());
        Assert.Throws<ArgumentException>(() => new SegmentMapBuilder(SegmentAxis.Frequency).Rename("nope", "x"));
    }

    [Fact]
    public void Assign_Spans_CountsUnassignedAndDefaultScores()
    {
        var map = SegmentMap.RecencyFrequency;
        var segments = new int[3];
        var unassigned = map.Assign([5, 0, 1], [5, 1, 1], [], segments);
        Assert.Equal(1, unassigned); // R = 0 is "not scored"
        Assert.Equal("Champions", map.SegmentNames[segments[0]]);
        Assert.Equal(SegmentMap.Unassigned, segments[1]);
        Assert.Equal(SegmentMap.Unassigned, map.Assign(default(RfmScore)));
    }

    [Fact]
    public void Assign_RfmScores_CountsSegments()
    {
        var assignment = SegmentMap.RecencyFrequency.Assign(Rfm.Score(SegmentationData.Ladder()));
        // Scores 111, 222, 333, 444, 555.
        Assert.Equal(new[] { "Hibernating", "Hibernating", "Need Attention", "Loyal Customers", "Champions" }, Enumerable.Range(0, 5).Select(assignment.NameOf));
        Assert.Equal(2, assignment.Counts[assignment.Names.ToList().IndexOf("Hibernating")]);
        Assert.Equal(0, assignment.Unassigned);
    }

    [Fact]
    public void Assign_Cdnow_EveryCustomerGetsASegment()
    {
        var scores = Rfm.Score(SegmentationData.Cdnow());
        foreach (var map in new[] { SegmentMap.RecencyFrequency, SegmentMap.RecencyFrequencyMonetary })
        {
            var assignment = map.Assign(scores);
            Assert.Equal(0, assignment.Unassigned);
            Assert.Equal(2357, assignment.Counts.ToArray().Sum());
        }
    }
}
