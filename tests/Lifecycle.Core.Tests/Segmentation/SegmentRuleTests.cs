using Lifecycle.Segmentation;

namespace Lifecycle.Tests.Segmentation;

public sealed class SegmentRuleTests
{
    private static readonly SegmentRule<int> Even = SegmentRule.Create<int>("even", "divisible by 2", x => x % 2 == 0);
    private static readonly SegmentRule<int> Big = SegmentRule.Create<int>("big", "at least 10", x => x >= 10);

    private static CustomerProfile Profile(double x, double tx, double t, double? pAlive = null, double? value = null, string? plan = null) => new()
    {
        Summary = new CustomerSummary(x, tx, t, 10),
        ProbabilityAlive = pAlive,
        Value = value,
        Facts = plan is null ? null : new Dictionary<string, string> { ["plan"] = plan },
    };

    [Fact]
    public void Combinators_EvaluateAndNameAsDocumented()
    {
        var evenAndBig = Even.And(Big);
        var evenOrBig = Even.Or(Big);
        var odd = Even.Not();
        Assert.Equal("(even and big)", evenAndBig.Name);
        Assert.Equal("(even or big)", evenOrBig.Name);
        Assert.Equal("not even", odd.Name);
        Assert.True(evenAndBig.Matches(12));
        Assert.False(evenAndBig.Matches(4));
        Assert.True(evenOrBig.Matches(11));
        Assert.False(evenOrBig.Matches(3));
        Assert.True(odd.Matches(3));
        Assert.Equal("custom", Even.And(Big, "custom", "why").Name);
        Assert.Equal("why", Even.And(Big, "custom", "why").Description);
    }

    private sealed class OddRule : ISegmentRule<int>
    {
        public string Name => "odd";

        public string Description => "not divisible by 2";

        public bool Matches(int customer) => customer % 2 != 0;
    }

    [Fact]
    public void CustomRule_ComposesAndJoinsAPriorityList()
    {
        var odd = new OddRule();
        var oddAndBig = SegmentRule.From(odd).And(Big);
        Assert.Equal("(odd and big)", oddAndBig.Name);
        Assert.True(oddAndBig.Matches(11));
        Assert.True(Big.Or(odd).Matches(3));
        var list = new SegmentRuleList<int>([odd, Big], "rest");
        Assert.Equal("odd", list.SegmentOf(11));
        Assert.Equal("big", list.SegmentOf(12));
        Assert.Equal("rest", list.SegmentOf(4));
        Assert.Same(Even, SegmentRule.From(Even));
    }

    [Fact]
    public void AllAndAny_MatchLikeAndAndOr()
    {
        var all = SegmentRule.All("all", string.Empty, Even, Big);
        var any = SegmentRule.Any("any", string.Empty, Even, Big);
        foreach (var x in new[] { 3, 4, 11, 12 })
        {
            Assert.Equal(Even.Matches(x) && Big.Matches(x), all.Matches(x));
            Assert.Equal(Even.Matches(x) || Big.Matches(x), any.Matches(x));
        }

        Assert.Throws<ArgumentException>(() => SegmentRule.All<int>("none", string.Empty));
    }

    [Fact]
    public void RuleList_FirstMatchWins_AndTheRestFallThrough()
    {
        var list = new SegmentRuleList<int>([Big, Even], "other", "neither big nor even");
        Assert.Equal(new[] { "big", "even", "other" }, list.SegmentNames);
        Assert.Equal("big", list.SegmentOf(12)); // both match: priority
        Assert.Equal("even", list.SegmentOf(4));
        Assert.Equal("other", list.SegmentOf(3));
        var assignment = list.Assign([12, 4, 3, 5, 20]);
        Assert.Equal(new[] { 2, 1, 2 }, assignment.Counts.ToArray());
        Assert.Equal(0, assignment.Unassigned);
    }

    [Fact]
    public void RuleList_DuplicateNames_ReportsEveryProblemAtOnce()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SegmentRuleList<int>([Even, Even, Big], "big"));
        Assert.Contains("rule 1 repeats the name 'even'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the catch-all name 'big' is also a rule's name", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SegmentRuleList<int>([Even], " "));
    }

    [Fact]
    public void RuleSet_CustomersMayBelongToSeveralSegmentsOrNone()
    {
        var set = new SegmentRuleSet<int>([Even, Big]);
        Assert.Equal(new[] { "even", "big" }, set.SegmentsOf(12));
        Assert.Empty(set.SegmentsOf(3));
        var membership = new bool[4 * 2];
        var counts = set.Match([12, 3, 4, 11], membership);
        Assert.Equal(new[] { 2, 2 }, counts);
        Assert.Equal(new[] { true, true, false, false, true, false, false, true }, membership);
        Assert.Throws<ArgumentException>(() => set.Match([1], new bool[3]));
        Assert.Throws<ArgumentException>(() => new SegmentRuleSet<int>([Even, Even]));
        Assert.Throws<ArgumentException>(() => new SegmentRuleSet<int>([]));
    }

    [Fact]
    public void CustomerRules_ReadSummariesPredictionsAndFacts()
    {
        var lapsedVip = CustomerRules.ProbabilityAliveBelow(0.3).And(CustomerRules.ValueAtLeast(500), "Lapsed VIP");
        var list = new SegmentRuleList<CustomerProfile>(
            [
                lapsedVip,
                CustomerRules.FactEquals("plan", "gold"),
                CustomerRules.FrequencyAtLeast(5).And(CustomerRules.InactiveLongerThan(10).Not(), "Active regular"),
            ],
            "Everyone else");

        Assert.Equal("Lapsed VIP", list.SegmentOf(Profile(3, 5, 40, pAlive: 0.1, value: 900)));
        Assert.Equal("plan = gold", list.SegmentOf(Profile(3, 5, 40, pAlive: 0.9, value: 900, plan: "gold")));
        Assert.Equal("Active regular", list.SegmentOf(Profile(6, 35, 40)));
        Assert.Equal("Everyone else", list.SegmentOf(Profile(6, 20, 40))); // 20 units since the last purchase
        Assert.Equal("Everyone else", list.SegmentOf(Profile(1, 1, 40))); // no predictions: prediction rules do not match
        Assert.Equal("P(alive) < 0.3", CustomerRules.ProbabilityAliveBelow(0.3).Name);
    }

    [Fact]
    public void CustomerRules_InRfmSegment_UsesTheMap()
    {
        var rule = CustomerRules.InRfmSegment(SegmentMap.RecencyFrequency, "Champions");
        Assert.True(rule.Matches(new CustomerProfile { Rfm = new RfmScore(5, 5, 1) }));
        Assert.False(rule.Matches(new CustomerProfile { Rfm = new RfmScore(1, 5, 1) }));
        Assert.False(rule.Matches(default));
        var ex = Assert.Throws<ArgumentException>(() => CustomerRules.InRfmSegment(SegmentMap.RecencyFrequency, "Whales"));
        Assert.Contains("'Whales' is not a segment of the map", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CustomerProfile_BadPredictions_Throw()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CustomerProfile { ProbabilityAlive = 1.5 });
        Assert.Contains("must be a finite probability in [0, 1]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CustomerProfile { ProbabilityAlive = double.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new CustomerProfile { ExpectedPurchases = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new CustomerProfile { Value = double.PositiveInfinity });
        Assert.Throws<ArgumentOutOfRangeException>(() => CustomerRules.ProbabilityAliveBelow(2));
    }

    [Fact]
    public void Profiles_FromColumns_CarryPredictionsAndScores()
    {
        var set = SegmentationData.Ladder();
        var scores = Rfm.Score(set);
        var profiles = CustomerRules.Profiles(set, scores, [0.1, 0.2, 0.3, 0.4, 0.5], [], [1, 2, 3, 4, 5]);
        Assert.Equal(5, profiles.Length);
        Assert.Equal(0.3, profiles[2].ProbabilityAlive);
        Assert.Null(profiles[2].ExpectedPurchases);
        Assert.Equal(new RfmScore(3, 3, 3), profiles[2].Rfm);
        Assert.Equal(2, profiles[2].Summary.Frequency);
        Assert.Throws<ArgumentException>(() => CustomerRules.Profiles(set, null, [0.1], [], []));
    }
}
