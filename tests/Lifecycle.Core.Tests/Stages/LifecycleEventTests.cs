using Lifecycle.Stages;
using static Lifecycle.Tests.Stages.StageTestKit;

namespace Lifecycle.Tests.Stages;

public sealed class LifecycleEventTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Constructor_MissingId_ThrowsWithFix(string? id)
    {
        var ex = Assert.Throws<ArgumentException>(() => new LifecycleEvent(id!, "c1", Day(0), EventKind.Touch));
        Assert.Contains("has no id", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unique within its customer's history", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_MissingCustomer_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LifecycleEvent("e1", "", Day(0), EventKind.Touch));
        Assert.Contains("Event 'e1' has no customer id", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_MissingTimestamp_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LifecycleEvent("e1", "c1", default, EventKind.Touch));
        Assert.Contains("has no timestamp", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DefaultKind_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LifecycleEvent("e1", "c1", Day(0), default));
        Assert.Contains("has no kind", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_NonFiniteScore_Throws(double score)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LifecycleEvent.Nps("e1", "c1", Day(0), score));
        Assert.Contains("finite number", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'e1'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    [InlineData(8.5)]
    public void Constructor_NpsOutsideScale_Throws(double score)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LifecycleEvent.Nps("e1", "c1", Day(0), score));
        Assert.Contains("whole number from 0 to 10", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Constructor_CsatOutsideScale_Throws(double score)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LifecycleEvent.Csat("e1", "c1", Day(0), score));
        Assert.Contains("whole number from 1 to 5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_SurveyWithoutScore_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LifecycleEvent("e1", "c1", Day(0), EventKind.NpsResponse));
        Assert.Contains("without a score", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_PurchaseWithoutAmount_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LifecycleEvent("e1", "c1", Day(0), EventKind.Purchase));
        Assert.Contains("purchase without an amount", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NegativeAmount_ThrowsSuggestingRefund()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LifecycleEvent.Purchase("e1", "c1", Day(0), -5m));
        Assert.Contains("refund event", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_Attributes_AreCopied()
    {
        var attributes = new Dictionary<string, string> { ["channel"] = "email" };
        var e = new LifecycleEvent("e1", "c1", Day(0), EventKind.Visit, attributes: attributes);
        attributes["channel"] = "tv";
        Assert.Equal("email", e.Attributes["channel"]);
    }

    [Fact]
    public void Parse_UnknownKind_ListsKindsAndHowToDeclare()
    {
        var ex = Assert.Throws<ArgumentException>(() => EventKind.Parse("webinar"));
        Assert.Contains("Unknown event kind 'webinar'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("lead_captured", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddEventKind(\"webinar\")", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BuiltInAndCustom_AreFound()
    {
        Assert.Equal(EventKind.Purchase, EventKind.Parse("Purchase"));
        Assert.Equal(EventKind.NpsResponse, EventKind.Parse("nps_response"));
        Assert.True(EventKind.Visit.IsTouch);
        Assert.Equal(EventKind.Custom("webinar"), EventKind.Parse("webinar", [EventKind.Custom("webinar")]));
        Assert.Throws<ArgumentException>(() => EventKind.Custom("purchase"));
        Assert.Throws<ArgumentException>(() => EventKind.Custom("two words"));
    }

    [Fact]
    public void CustomKind_DeclaredOnModel_DrivesACustomRule()
    {
        var b = new StageModelBuilder().AddStage("Visitor").AddStage("Trial").AddEventKind("trial_started");
        b.Configure("Visitor").Permit("Trial");
        b.AddRule(LifecycleRule.OnEventOfKind("trial", "Trial", EventKind.Custom("trial_started"), "a trial started"));
        var engine = new LifecycleEngine(b.Build());
        var s = engine.Apply(engine.Start("c1"), new LifecycleEvent("e1", "c1", Day(0), EventKind.Parse("trial_started", engine.Model.CustomEventKinds))).State;
        Assert.Equal("Visitor > Trial", Path(s));
    }

    [Fact]
    public void Facts_FoldEveryKind()
    {
        var f = CustomerFacts.Empty;
        foreach (var e in new[]
        {
            Touch("t", 0), Lead("l", 1), Buy("p1", 2, 30m), Buy("p2", 2.5, 10m), Buy("p3", 9, 20m),
            new LifecycleEvent("r", "c1", Day(10), EventKind.Refund, 5m), Nps("n1", 11, 6), Nps("n2", 12, 10), Csat("s1", 13, 4), Csat("s2", 14, 2),
            Of(EventKind.Referral, "x", 15), Of(EventKind.Review, "y", 16), Of(EventKind.SupportContact, "z", 17), Of(EventKind.Cancellation, "c", 18),
        })
        {
            f = f.Apply(e);
        }

        Assert.Equal(Day(0), f.FirstContact);
        Assert.Equal(Day(18), f.LastContact);
        Assert.Equal(14, f.EventCount);
        Assert.Equal(1, f.TouchCount);
        Assert.Equal(Day(1), f.LeadCaptured);
        Assert.Equal((Day(2), Day(9), 3, 2), (f.FirstPurchase, f.LastPurchase, f.PurchaseCount, f.PurchaseDays));
        Assert.Equal((60m, 5m, 55m), (f.TotalSpend, f.RefundTotal, f.NetSpend));
        Assert.Equal((10, 2), (f.LatestNps, f.NpsResponses));
        Assert.Equal((2, 2, 1), (f.LatestCsat, f.CsatResponses, f.SatisfiedCsatResponses));
        Assert.Equal((1, 1, 1), (f.ReferralCount, f.ReviewCount, f.SupportContactCount));
        Assert.Equal(Day(18), f.CancelledAt);
    }
}
