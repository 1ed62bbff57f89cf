using Lifecycle.Segmentation;

namespace Lifecycle.Tests.Segmentation;

public sealed class SegmentStageMatrixTests
{
    [Fact]
    public void Build_CountsCustomersAndValuePerCell()
    {
        var matrix = SegmentStageMatrix.Build(
            [0, 1, 0, SegmentMap.Unassigned, 1],
            ["Champions", "At Risk"],
            [0, 1, 1, 0, 1],
            ["Active", "Lapsing"],
            [100, 20, 50, 7, 30]);

        Assert.Equal(new[] { 1, 1, 0, 2 }, matrix.CustomerCounts.ToArray());
        Assert.Equal(new double[] { 100, 50, 0, 50 }, matrix.Values.ToArray());
        Assert.Equal(2, matrix.Customers(1, 1));
        Assert.Equal(50, matrix.Value(1, 1));
        Assert.Equal(1, matrix.Customers("Champions", "Lapsing"));
        Assert.Equal(new[] { 2, 2 }, matrix.SegmentTotals());
        Assert.Equal(new[] { 1, 3 }, matrix.StageTotals());
        Assert.Equal(1, matrix.UnassignedCustomers);
        Assert.Equal(7, matrix.UnassignedValue);
        Assert.Equal(4, matrix.TotalCustomers);
        Assert.Equal(200, matrix.TotalValue);
    }

    [Fact]
    public void FromLabels_OrdersRowsAndColumnsByFirstAppearance()
    {
        var matrix = SegmentStageMatrix.FromLabels(["B", "A", null, "B"], ["new", "active", "new", "active"], []);
        Assert.Equal(new[] { "B", "A" }, matrix.Segments);
        Assert.Equal(new[] { "new", "active" }, matrix.Stages);
        Assert.Equal(new[] { 1, 1, 0, 1 }, matrix.CustomerCounts.ToArray());
        Assert.Equal(1, matrix.UnassignedCustomers);
        Assert.Equal(0, matrix.TotalValue);
    }

    [Fact]
    public void Build_BadInput_ThrowsNamingThePosition()
    {
        var ex = Assert.Throws<ArgumentException>(() => SegmentStageMatrix.Build([0, 3], ["a"], [0, 0], ["s"], []));
        Assert.Contains("segments[1] = 3 is not an index into the 1 segment names", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SegmentStageMatrix.Build([0], ["a"], [2], ["s"], []));
        Assert.Throws<ArgumentException>(() => SegmentStageMatrix.Build([0], ["a"], [0], ["s"], [double.NaN]));
        Assert.Throws<ArgumentException>(() => SegmentStageMatrix.Build([0], ["a"], [0, 0], ["s"], []));
        Assert.Throws<ArgumentException>(() => SegmentStageMatrix.FromLabels(["a"], [null!], []));
        var matrix = SegmentStageMatrix.Build([0], ["a"], [0], ["s"], []);
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.Customers(1, 0));
        Assert.Throws<ArgumentException>(() => matrix.Customers("zzz", "s"));
    }

    [Fact]
    public void Build_WithRfmSegmentsAndStageLabels_AddsUpToThePopulation()
    {
        var set = SegmentationData.Cdnow();
        var assignment = SegmentMap.RecencyFrequency.Assign(Rfm.Score(set));

        // Stage labels as plain data (here a simple rule standing in for a stage engine's output).
        string[] stageNames = ["one-time", "repeat"];
        var stages = new int[set.Count];
        for (var i = 0; i < stages.Length; i++)
        {
            stages[i] = set.Frequency[i] == 0 ? 0 : 1;
        }

        var matrix = SegmentStageMatrix.Build(assignment.Segments, assignment.Names, stages, stageNames, set.MonetaryValue);
        Assert.Equal(2357, matrix.TotalCustomers);
        Assert.Equal(1411, matrix.StageTotals()[0]);
        Assert.Equal(assignment.Counts.ToArray(), matrix.SegmentTotals());
        Assert.Equal(set.MonetaryValue.ToArray().Sum(), matrix.TotalValue, 6);
    }
}
