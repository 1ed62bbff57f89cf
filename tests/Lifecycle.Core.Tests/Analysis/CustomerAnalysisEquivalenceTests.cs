using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lifecycle.Analysis;
using Lifecycle.Metrics;
using Lifecycle.Stages;

namespace Lifecycle.Tests.Analysis;

/// <summary>
/// The analysis keeps only compact per-customer activity (per period: first and last instant and the total; per week:
/// a bit per purchase day). These tests prove that what it computes from that equals what the public metrics compute
/// from the full transaction log: churn, revenue, cohorts, survival, the tracking plot's weekly counts and the summaries.
/// </summary>
public sealed class CustomerAnalysisEquivalenceTests
{
    private static readonly DateTimeOffset Start = new(2022, 12, 30, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, false, PeriodGranularity.Month)]
    [InlineData(2, true, PeriodGranularity.Month)]
    [InlineData(3, true, PeriodGranularity.Week)]
    [InlineData(4, false, PeriodGranularity.Quarter)]
    public void Run_GeneratedLog_EqualsTheMetricsOnTheFullLog(int seed, bool shuffled, PeriodGranularity period)
    {
        var log = Generate(seed, customers: 300, days: 700, shuffled);
        AssertEquivalent(log, AnalysisOptions.Default with { Period = period });
    }

    /// <summary>22 customers whose Pareto/NBD fit ran s to e^-700 before the boundary face pushed it 1e-12 further, to 0 (found
    /// by CI: "s = 0 must be greater than zero" from the model built at the face).</summary>
    [Fact]
    public void Run_ParetoFaceBeyondTheSmallestDouble_StillEqualsTheMetrics()
    {
        var log = Generate(194467882, 22, days: 500, shuffled: false);
        AssertEquivalent(log, AnalysisOptions.Default with { Period = PeriodGranularity.Quarter, ChurnedAfter = TimeSpan.FromDays(150), AtRiskAfter = TimeSpan.FromDays(30) });
    }

    /// <summary>Any log (any order, several purchases a day, time of day, offsets, zero amounts), any period and churn window: identical to the metrics on the full log.</summary>
    [Property(MaxTest = 40)]
    public Property Run_AnyLog_EqualsTheMetricsOnTheFullLog() => Prop.ForAll(
        Gen.Choose(1, int.MaxValue - 1).Zip(Gen.Choose(2, 60)).Zip(Gen.Elements(PeriodGranularity.Week, PeriodGranularity.Month, PeriodGranularity.Quarter)).Zip(Gen.Choose(31, 200)).Zip(Gen.Elements(true, false)).ToArbitrary(),
        x =>
        {
            var ((((seed, customers), period), window), shuffled) = x;
            var log = Generate(seed, customers, days: 500, shuffled);
            AssertEquivalent(log, AnalysisOptions.Default with { Period = period, ChurnedAfter = TimeSpan.FromDays(window), AtRiskAfter = TimeSpan.FromDays(30) });
        });

    private static void AssertEquivalent(Transaction<int>[] log, AnalysisOptions options)
    {
        var r = CustomerAnalysis.Run(log, options, cancellationToken: TestContext.Current.CancellationToken);
        var end = r.ObservationEnd;
        var exclusiveEnd = end.AddDays(1);
        var calendar = new PeriodCalendar(options.Period);

        // Summaries: the analysis's pass against one summarizer fed directly.
        var summaries = TransactionSummarizer.Summarize<int>(log, new SummarizerOptions(end) { Unit = options.Unit }, 1);
        Assert.Equal(summaries.Ids.ToArray(), r.Summaries.Ids.ToArray());
        Assert.Equal(summaries.Frequency.ToArray(), r.Summaries.Frequency.ToArray());
        Assert.Equal(summaries.Recency.ToArray(), r.Summaries.Recency.ToArray());
        Assert.Equal(summaries.T.ToArray(), r.Summaries.T.ToArray());
        Assert.Equal(summaries.TotalSpend.ToArray(), r.Summaries.TotalSpend.ToArray());

        // Churn and revenue: the public metric on every transaction.
        var churn = ChurnAnalysis.Analyze<int>(log, calendar, exclusiveEnd, new InactivityChurn<int>(options.ChurnedAfter));
        Assert.NotNull(r.Churn);
        Assert.Equal(churn.Customers, r.Churn.Customers);
        Assert.Equal(churn.Periods, r.Churn.Periods);
        Assert.Equal(churn.Revenue, r.Churn.Revenue);
        var lifetimes = churn.Lifetimes(options.Unit);
        var ours = r.Churn.Lifetimes(options.Unit);
        Assert.Equal(lifetimes.OrderBy(l => l.Exit).ThenBy(l => l.ObservedEvent).ThenBy(l => l.Entry), ours.OrderBy(l => l.Exit).ThenBy(l => l.ObservedEvent).ThenBy(l => l.Entry));

        // Cohorts: every cell of the triangle.
        var cohorts = CohortMatrix.FromTransactions<int>(log, calendar, exclusiveEnd);
        Assert.NotNull(r.Cohorts);
        Assert.Equal(cohorts.CohortCount, r.Cohorts.CohortCount);
        Assert.Equal(cohorts.CustomersInIncompletePeriod, r.Cohorts.CustomersInIncompletePeriod);
        for (var c = 0; c < cohorts.CohortCount; c++)
        {
            Assert.Equal(cohorts.Cohort(c), r.Cohorts.Cohort(c));
            Assert.Equal(cohorts.CohortSize(c), r.Cohorts.CohortSize(c));
            Assert.Equal(cohorts.Ages(c), r.Cohorts.Ages(c));
            for (var k = 0; k < cohorts.Ages(c); k++)
            {
                Assert.Equal(cohorts.Customers(c, k), r.Cohorts.Customers(c, k));
                Assert.Equal(cohorts.Revenue(c, k), r.Cohorts.Revenue(c, k));
            }
        }

        // Survival: Kaplan–Meier on the full log's lifetimes.
        Assert.NotNull(r.Survival);
        var km = KaplanMeier.Fit(lifetimes);
        Assert.Equal(km.Times.ToArray(), r.Survival.Times.ToArray());
        Assert.Equal(km.AtRisk.ToArray(), r.Survival.AtRisk.ToArray());
        Assert.Equal(km.Survival.ToArray(), r.Survival.Survival.ToArray());

        // Tracking: repeat purchase days per week, counted on the full log.
        if (r.Tracking is { Count: > 0 } tracking)
        {
            var origin = r.TrackingOrigin.UtcDateTime;
            var days = log.Select(t => (t.CustomerId, Day: t.Timestamp.UtcDateTime.Date)).Distinct().ToArray();
            var firstDay = days.GroupBy(d => d.CustomerId).ToDictionary(g => g.Key, g => g.Min(d => d.Day));
            var weekly = new double[tracking.Count];
            foreach (var (customer, day) in days)
            {
                var k = (int)((day - origin).TotalDays / 7);
                if (day != firstDay[customer] && k < weekly.Length)
                {
                    weekly[k]++;
                }
            }

            Assert.Equal(weekly, tracking.Select(p => p.ActualIncremental).ToArray());
        }
    }

    /// <summary>
    /// The stage section streams each folded state into the funnel and counts current stages instead of keeping a million
    /// states: it must equal the sequential fold kept in memory, with StageAnalytics on all states (the code before issue 14).
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void Run_Stages_EqualTheSequentialFoldWithAllStatesKept(int seed)
    {
        var log = Generate(seed, customers: 40_000 / seed, days: 600, shuffled: false);
        var r = CustomerAnalysis.Run(log, AnalysisOptions.Default with { Models = [TransactionModelKind.BgNbd] }, cancellationToken: TestContext.Current.CancellationToken);
        var s = r.Summaries;
        var o = r.Options;
        var model = r.TransactionFit?.Model;
        var stageModel = StageModels.ReachToLoyalty(new DefaultRuleOptions
        {
            AtRiskAfter = o.AtRiskAfter,
            ChurnedAfter = o.ChurnedAfter,
            AliveModel = model is null ? null : AliveProbability.FromSummaryModel(c => model.ProbabilityAlive(c.Frequency, c.Recency, c.T), o.Unit),
            AliveThreshold = o.AliveThreshold,
            ChurnNeedsLowAlive = true,
        });
        var engine = new LifecycleEngine(stageModel);
        var states = new CustomerState[s.Count];
        for (var i = 0; i < s.Count; i++)
        {
            var id = s.Ids[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
            var first = s.FirstPurchase[i];
            var last = s.LastPurchase[i];
            var repeats = (int)s.Frequency[i];
            var amount = s.TotalSpend[i] / Math.Max(1, s.TransactionCount[i]);
            var state = engine.Start(id);
            var firstDay = first.UtcDateTime.Date;
            var span = (last.UtcDateTime.Date - firstDay).Days;
            for (var k = 0; k <= repeats; k++)
            {
                var at = k == 0 ? first : k == repeats ? last : new DateTimeOffset(firstDay.AddDays((long)k * span / repeats).AddHours(12), TimeSpan.Zero);
                state = engine.Apply(state, new LifecycleEvent(id + "#" + k.ToString(System.Globalization.CultureInfo.InvariantCulture), id, at, EventKind.Purchase, amount)).State;
            }

            states[i] = engine.Evaluate(state, r.ObservationEnd < last ? last : r.ObservationEnd).State;
        }

        Assert.Equal(states.Select(st => st.CurrentStage!.Value.Id), r.Stages);
        Assert.Equal(StageAnalytics.Distribution(stageModel, states, r.ObservationEnd), r.StageDistribution);
        Assert.Equal(StageAnalytics.Funnel(stageModel, states, r.ObservationEnd), r.Funnel);
    }

    /// <summary>Customers with 1–12 purchases over <paramref name="days"/> days: several on one day, random times of day and UTC offsets, some zero amounts.</summary>
    private static Transaction<int>[] Generate(int seed, int customers, int days, bool shuffled)
    {
        var random = new Random(seed);
        var log = new List<Transaction<int>>();
        for (var c = 0; c < customers; c++)
        {
            var first = random.Next(days);
            var n = random.Next(1, 13);
            for (var k = 0; k < n; k++)
            {
                var day = k == 0 ? first : first + random.Next(days - first);
                var offset = TimeSpan.FromHours(random.Next(-5, 10));
                var at = new DateTimeOffset(Start.AddDays(day).AddMinutes(random.Next(24 * 60)).UtcDateTime.Ticks + offset.Ticks, offset);
                log.Add(new Transaction<int>(c, at, random.Next(5) == 0 ? 0m : random.Next(1, 50000) / 100m));
            }
        }

        var result = log.OrderBy(t => t.Timestamp).ToArray();
        if (shuffled)
        {
            random.Shuffle(result);
        }

        return result;
    }
}
