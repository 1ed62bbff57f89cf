using System.Globalization;
using Lifecycle.Analysis;
using Lifecycle.Stages;

namespace Lifecycle.Tests.Analysis;

public sealed class CustomerAnalysisTests
{
    private static readonly Lazy<Transaction<int>[]> Cdnow = new(() =>
    [
        .. TestData.ReadLines("CDNOW_sample.txt").Select(line => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Select(f =>
            new Transaction<int>(int.Parse(f[1], CultureInfo.InvariantCulture), DateTimeOffset.ParseExact(f[2], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), decimal.Parse(f[4], CultureInfo.InvariantCulture))),
    ]);

    [Fact]
    public void Run_CdnowWithoutOptions_HoldsOutAndRanksThreeModels()
    {
        var r = CustomerAnalysis.Run(Cdnow.Value, cancellationToken: TestContext.Current.CancellationToken);

        // The span 1997-01-01..1998-06-30 is 545 days; a third (182 days) is held out.
        Assert.NotNull(r.Holdout);
        Assert.True(r.Holdout.Automatic);
        Assert.Equal(new DateTimeOffset(1997, 12, 30, 0, 0, 0, TimeSpan.Zero), r.Holdout.CalibrationEnd);
        Assert.Equal(3, r.Holdout.Rankings.Count);
        Assert.Equal(r.Holdout.Rankings[0].Name, r.TransactionFit!.Name);
        Assert.True(r.TransactionFit.Usable);
        Assert.Equal(2357, r.Summaries.Count);
    }

    [Fact]
    public void Run_Cdnow_NoChurnedCustomerAboveTheAliveThreshold()
    {
        var r = CustomerAnalysis.Run(Cdnow.Value, cancellationToken: TestContext.Current.CancellationToken);
        var churned = Enumerable.Range(0, r.Summaries.Count).Where(i => r.Stages[i] == StageModels.Ids.Churned).ToArray();
        Assert.NotEmpty(churned);
        Assert.All(churned, i => Assert.True(r.PAlive[i] < r.Options.AliveThreshold, r.PAlive[i].ToString(CultureInfo.InvariantCulture)));
        Assert.All(churned, i => Assert.True((r.ObservationEnd - r.Summaries.LastPurchase[i]).TotalDays >= r.Options.ChurnedAfter.TotalDays));
    }

    [Fact]
    public void Run_NoDropout_TriesEveryModelOnAllDataAndSaysWhyNoneIsUsed()
    {
        // 400 customers buying at random days until the end, nobody leaves: on the calibration period only some models
        // converge, and on all data every model runs to the no-dropout boundary. Each model must still be fitted on all
        // data (not only the holdout-ranked ones), and the skip note must name each verdict.
        var random = new Random(5);
        var start = new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var tx = new List<Transaction<int>>();
        for (var c = 0; c < 400; c++)
        {
            var first = random.Next(0, 300);
            tx.Add(new Transaction<int>(c, start.AddDays(first), 20m));
            for (var k = random.Next(0, 9); k > 0; k--)
            {
                tx.Add(new Transaction<int>(c, start.AddDays(random.Next(first, 540)), 20m));
            }
        }

        var r = CustomerAnalysis.Run(tx, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(3, r.TransactionFits.Count);
        if (r.TransactionFit is null)
        {
            var note = Assert.Single(r.Notes, n => n.Section == AnalysisSection.Models && n.Skipped);
            Assert.All(r.TransactionFits, f => Assert.Contains(f.DisplayName, note.Message, StringComparison.Ordinal));
            Assert.All(r.TransactionFits, f => Assert.False(f.Usable));
        }
        else
        {
            Assert.True(r.TransactionFit.Usable);
        }
    }

    [Fact]
    public void Run_IdenticalCustomers_GetIdenticalScoresAndOneSegment()
    {
        var day = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var tx = Enumerable.Range(0, 200).Select(c => new Transaction<int>(c, day, 25m)).ToArray();
        var r = CustomerAnalysis.Run(tx, cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotNull(r.Rfm);
        Assert.Single(r.Rfm.R.ToArray().Distinct());
        Assert.Single(r.Rfm.F.ToArray().Distinct());
        Assert.Single(r.Rfm.M.ToArray().Distinct());
        Assert.Single(r.SegmentTotals);
        Assert.True(r.IsSkipped(AnalysisSection.Models));
        Assert.Null(r.TransactionFit);
        Assert.Empty(r.PAlive);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Run_TooFewCustomers_SkipsWithNotesInsteadOfThrowing(int customers)
    {
        var tx = Enumerable.Range(0, customers).Select(c => new Transaction<int>(c, new DateTimeOffset(2024, 1, 1 + c, 0, 0, 0, TimeSpan.Zero), 10m)).ToArray();
        var r = CustomerAnalysis.Run(tx, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(r.IsSkipped(AnalysisSection.Models));
        Assert.Equal(customers == 1, r.IsSkipped(AnalysisSection.Segments));
        Assert.Equal(customers, r.Stages.Count);
        Assert.All(r.Notes, n => Assert.DoesNotContain("(Parameter", n.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void AverageOrderValue_IncludesTheFirstPurchase()
    {
        DateTimeOffset D(int d) => new(2024, 1, d, 0, 0, 0, TimeSpan.Zero);
        var r = CustomerAnalysis.Run<int>([new(1, D(1), 10m), new(1, D(5), 30m), new(2, D(2), 40m)], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal([20.0, 40.0], r.AverageOrderValue);
    }

    [Fact]
    public void TimeUnitConversions_OneMonthEverywhere()
    {
        Assert.Equal(365.2425 / 12, TimeUnit.Days.UnitsPerMonth());
        Assert.Equal(365.2425 / 12 / 7, TimeUnit.Weeks.UnitsPerMonth());
        Assert.Equal(4.345, TimeUnit.Weeks.UnitsPerMonth(MonthLength.Lifetimes));
        Assert.Equal(30, TimeUnit.Days.UnitsPerMonth(MonthLength.Lifetimes));
        Assert.Equal(365.2425, AnalysisOptions.Default.HorizonUnits, 12);
        Assert.Equal(365.2425 / 7, (AnalysisOptions.Default with { Unit = TimeUnit.Weeks }).HorizonUnits, 12);
    }
}
