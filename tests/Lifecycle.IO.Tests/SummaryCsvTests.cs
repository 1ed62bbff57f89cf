namespace Lifecycle.IO.Tests;

public sealed class SummaryCsvTests
{
    [Fact]
    public void ReadFile_AcceptsTheLifetimesAliases()
    {
        var t = SummaryCsv.ReadFile(Scratch.File("ID,x,t_x,T,zbar\n1,2,30.43,38.86,22.35\n2,0,0,38.86,0\n"));
        Assert.Equal(["1", "2"], t.Ids);
        Assert.Equal([2.0, 0.0], t.Frequency);
        Assert.Equal(22.35, t.MonetaryValue![0]);
        Assert.Null(t.Weights);
        Assert.Equal([2L, 3L], t.Lines);
    }

    [Fact]
    public void ReadFile_HeaderOnly_IsEmpty() =>
        Assert.Equal(0, SummaryCsv.ReadFile(Scratch.File("customer_id,frequency,recency,T\n")).Count);

    [Theory]
    [InlineData("a,1,5,4", 3, "'5' is greater than T = 4")]
    [InlineData("a,0,1,4", 3, "is not 0 although frequency is 0")]
    [InlineData("a,-1,0,4", 2, "'-1' is negative")]
    [InlineData("a,1e400,0,4", 2, "too large for a double")]
    [InlineData("b,1,1,4", 1, "repeats the id of line 2")]
    public void ReadFile_BrokenRule_IsAnErrorWithPosition(string row, int column, string message)
    {
        var path = Scratch.File("customer_id,frequency,recency,T\nb,1,1,4\n" + row + "\n");
        var e = Assert.Throws<CsvReadException>(() => SummaryCsv.ReadFile(path));
        Assert.StartsWith(path + ":3:" + column + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DiscreteCsv_ReadsDonationsLayout()
    {
        var t = DiscreteCsv.ReadFile(Scratch.File("frequency,recency,periods,weights\n6,6,6,1203\n0,0,6,3464\n"));
        Assert.Equal([1203.0, 3464.0], t.Weights!);
        Assert.Equal([6.0, 6.0], t.Periods);
    }

    [Fact]
    public void CohortCsv_ReadsCohortsInFileOrder()
    {
        var t = CohortCsv.ReadFile(Scratch.File("cohort,period,active\nA,0,1000\nA,1,631\n"));
        Assert.Equal(["A", "A"], t.Cohort);
        Assert.Equal([1000.0, 631.0], t.Active);
        Assert.Equal(2, t.PeriodColumn);
    }
}
