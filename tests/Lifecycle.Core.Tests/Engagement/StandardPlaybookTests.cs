using System.Globalization;
using Lifecycle.Clv;
using Lifecycle.Engagement;
using Lifecycle.Segmentation;

namespace Lifecycle.Tests.Engagement;

/// <summary>The ready-made playbook on CDNOW (CDNOW_sample.txt, 2,357 customers; see TestData/ATTRIBUTION.md).</summary>
public sealed class StandardPlaybookTests
{
    private static readonly Lazy<(CustomerContext[] Contexts, SummarySet<string> Summaries)> Cdnow = new(Load);

    [Fact]
    public void Standard_OnCdnow_DecidesWithReasonsForEveryAction_AndReplaysIdentically()
    {
        var (contexts, _) = Cdnow.Value;
        var playbook = Playbooks.Standard().Build();
        var decisions = playbook.DecideAll(contexts);
        var again = playbook.DecideAll(contexts);
        Assert.Equal(decisions.Select(d => d.DecisionId + d.Arm), again.Select(d => d.DecisionId + d.Arm));
        Assert.All(decisions, d => Assert.True(d.Reasons.Count >= 2, d.ToString()));

        // On CDNOW (no surveys, no support events) the rules that need transactions only fire: win-back of high
        // deciles with P(alive) < 0.5, loyalty upgrade and upsell of active high deciles.
        var byRule = decisions.GroupBy(d => d.Rule).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(byRule.GetValueOrDefault(Playbooks.RuleNames.WinBackHighValue) > 50, string.Join(", ", byRule));
        Assert.True(byRule.GetValueOrDefault(Playbooks.RuleNames.Upsell) + byRule.GetValueOrDefault(Playbooks.RuleNames.LoyaltyUpgrade) > 20, string.Join(", ", byRule));
        Assert.False(byRule.ContainsKey(Playbooks.RuleNames.ProactiveSupport));
        Assert.All(decisions.Where(d => d.Rule == Playbooks.RuleNames.WinBackHighValue), d => Assert.StartsWith("now P(alive) ", d.ReasonText, StringComparison.Ordinal));

        // Arms: 5 % holdout, then 10 % of the rest per rule; with ~hundreds of decisions the untreated share is
        // 1 − 0.95 × 0.9 = 14.5 %, within 4 binomial standard errors.
        var untreated = decisions.Count(d => !d.IsTreated) / (double)decisions.Count;
        var se = Math.Sqrt(0.145 * 0.855 / decisions.Count);
        Assert.InRange(untreated, 0.145 - (4 * se), 0.145 + (4 * se));

        var act = ActSummary.From(playbook, decisions, contexts.Length);
        Assert.Equal(decisions.Count(d => d.IsTreated), act.Treated);
        Assert.Equal(decisions.Where(d => d.IsTreated).Sum(d => d.Score), act.ExpectedValue, 1e-9);
        Assert.True(act.ExpectedValue > 0);
        Assert.Equal(act.Actions.Sum(a => a.Treated), act.Treated);
    }

    [Fact]
    public void Standard_OnCdnow_SecondRunWithHistory_DoesNotRepeatWithinCooldown()
    {
        var (contexts, _) = Cdnow.Value;
        var playbook = Playbooks.Standard().Build();
        var first = playbook.DecideAll(contexts).ToLookup(d => d.CustomerId);

        // A week later, nothing changed but the history: cooldowns and "becomes" triggers stop every repeat.
        var later = contexts.Select(c => new CustomerContext(c.CustomerId, c.AsOf.AddDays(7))
        {
            Stage = c.Stage, StageEnteredAt = c.StageEnteredAt, Facts = c.Facts, AliveProbability = c.AliveProbability, ExpectedPurchases = c.ExpectedPurchases,
            Value = c.Value, ValueDecile = c.ValueDecile, Segments = c.Segments, Consent = c.Consent, Previous = c,
            History = [.. first[c.CustomerId].Select(d => d.ToRecord())],
        }).ToArray();
        var second = playbook.DecideAll(later);
        Assert.DoesNotContain(second, d => first[d.CustomerId].Any(f => f.Rule == d.Rule));
    }

    private static (CustomerContext[], SummarySet<string>) Load()
    {
        var end = new DateTimeOffset(1998, 6, 30, 0, 0, 0, TimeSpan.Zero);
        var summarizer = new TransactionSummarizer<string>(new SummarizerOptions(end) { Unit = TimeUnit.Weeks });
        foreach (var line in TestData.ReadLines("CDNOW_sample.txt"))
        {
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            summarizer.Add(f[1], DateTimeOffset.ParseExact(f[2], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), decimal.Parse(f[4], CultureInfo.InvariantCulture));
        }

        var s = summarizer.Build(StringComparer.Ordinal);
        var model = BgNbdModel.Fit(s.Compress()).Model;
        var n = s.Count;
        double[] alive = new double[n], expected = new double[n], value = new double[n];
        model.ProbabilityAlive(s.Frequency, s.Recency, s.T, alive);
        model.ConditionalExpectedTransactions(52, s.Frequency, s.Recency, s.T, expected);

        // Value: expected purchases over a year × mean order value (a simple CLV proxy; the CLI uses Gamma-Gamma).
        for (var i = 0; i < n; i++)
        {
            value[i] = expected[i] * (double)(s.TotalSpend[i] / (decimal)(s.Frequency[i] + 1));
        }

        var scores = Rfm.Score(s);
        var segments = new int[n];
        SegmentMap.RecencyFrequency.Assign(scores.R, scores.F, scores.M, segments);
        var names = SegmentMap.RecencyFrequency.SegmentNames;
        var contexts = CustomerContexts.FromSummaries(s, new ContextColumns
        {
            AliveProbability = alive,
            ExpectedPurchases = expected,
            Value = value,
            Segments = [.. segments.Select(k => (IReadOnlyList<string>)(k >= 0 && k < names.Count ? [names[k]] : []))],
            Consent = ConsentChannels.Email,
        });
        return (contexts, s);
    }
}
