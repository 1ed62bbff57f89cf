using FsCheck.Xunit;
using Lifecycle.Segmentation;
using Lifecycle.Tests.Arbitraries;

namespace Lifecycle.Tests.Segmentation;

public sealed class SegmentationPropertyTests
{
    private static byte[] Score(double[] values, int k, TiePolicy ties, ScoreDirection direction, out ScoreBins bins)
    {
        var scores = new byte[values.Length];
        bins = QuantileScoring.Score(values, scores, k, ties, direction);
        return scores;
    }

    [Property(Arbitrary = [typeof(SegmentationArbitraries)])]
    public bool Score_AnyPolicy_StaysWithin1ToBinCount(ScoringCase c)
    {
        var scores = Score(c.Values, c.Bins, c.Ties, c.Direction, out var bins);
        return bins.BinCount <= c.Bins && bins.BinCount >= 1
            && (c.Ties == TiePolicy.DropDuplicateEdges || bins.BinCount == c.Bins)
            && scores.All(s => s >= 1 && s <= bins.BinCount);
    }

    [Property(Arbitrary = [typeof(SegmentationArbitraries)])]
    public bool Score_AnyPolicy_MatchesANaiveReference(ScoringCase c)
    {
        var scores = Score(c.Values, c.Bins, c.Ties, c.Direction, out var bins);
        return scores.SequenceEqual(Reference(c.Values, c.Bins, c.Ties, c.Direction));
    }

    /// <summary>The definitions of docs/segmentation.md, written the slow, obvious way (comparison sort, LINQ).</summary>
    private static byte[] Reference(double[] values, int k, TiePolicy ties, ScoreDirection direction)
    {
        var n = values.Length;
        var v = values.Select(x => x == 0 ? 0.0 : x).ToArray();
        var ascending = new int[n];
        var order = Enumerable.Range(0, n).OrderBy(i => v[i]).ThenBy(i => i).ToArray();
        var m = k;
        switch (ties)
        {
            case TiePolicy.RankFirst:
                for (var p = 0; p < n; p++)
                {
                    ascending[order[p]] = 1 + (int)((long)p * k / n);
                }

                break;
            case TiePolicy.AverageRank:
                for (var i = 0; i < n; i++)
                {
                    var less = v.Count(x => x < v[i]);
                    var equal = v.Count(x => x == v[i]);
                    var mean = less + ((equal - 1) / 2.0);
                    ascending[i] = 1 + (int)Math.Floor(k * mean / n);
                }

                break;
            default:
                var sorted = v.Order().ToArray();
                var q = Enumerable.Range(0, k + 1).Select(j =>
                {
                    var h = (n - 1) * (double)j / k;
                    var lo = (int)Math.Floor(h);
                    return lo + 1 < n ? sorted[lo] + ((h - lo) * (sorted[lo + 1] - sorted[lo])) : sorted[lo];
                }).Distinct().ToArray();
                var interior = q.Length <= 2 ? [] : q[1..^1];
                m = interior.Length + 1;
                for (var i = 0; i < n; i++)
                {
                    ascending[i] = 1 + interior.Count(e => e < v[i]);
                }

                break;
        }

        return ascending.Select(a => (byte)(direction == ScoreDirection.HigherIsBetter ? a : m + 1 - a)).ToArray();
    }

    [Property(Arbitrary = [typeof(SegmentationArbitraries)])]
    public bool Score_RankFirst_EachBinHoldsNOverKWithinOne(ScoringCase c)
    {
        var scores = Score(c.Values, c.Bins, TiePolicy.RankFirst, c.Direction, out _);
        var n = c.Values.Length;
        var lo = n / c.Bins;
        var hi = (n + c.Bins - 1) / c.Bins;
        return Enumerable.Range(1, c.Bins).All(s =>
        {
            var count = scores.Count(x => x == s);
            return count >= lo && count <= hi;
        });
    }

    [Property(Arbitrary = [typeof(SegmentationArbitraries)])]
    public bool Score_IsMonotoneInTheValue(ScoringCase c)
    {
        // A strictly better value never gets a worse score (for every policy; rank-first may split equal values).
        var scores = Score(c.Values, c.Bins, c.Ties, c.Direction, out _);
        var sign = c.Direction == ScoreDirection.HigherIsBetter ? 1 : -1;
        var order = Enumerable.Range(0, c.Values.Length).OrderBy(i => sign * c.Values[i]).ToArray();
        for (var p = 1; p < order.Length; p++)
        {
            if (sign * c.Values[order[p]] > sign * c.Values[order[p - 1]] && scores[order[p]] < scores[order[p - 1]])
            {
                return false;
            }
        }

        return true;
    }

    [Property(Arbitrary = [typeof(SegmentationArbitraries)])]
    public bool Score_AverageAndDrop_TiedValuesShareAScoreAndEdgesReproduceIt(ScoringCase c)
    {
        if (c.Ties == TiePolicy.RankFirst)
        {
            return true;
        }

        var scores = Score(c.Values, c.Bins, c.Ties, c.Direction, out var bins);
        var reapplied = new byte[scores.Length];
        bins.Score(c.Values, reapplied);
        var shared = c.Values.Select((v, i) => (v, s: scores[i])).GroupBy(t => t.v == 0 ? 0.0 : t.v).All(g => g.Select(t => t.s).Distinct().Count() == 1);
        return shared && scores.SequenceEqual(reapplied);
    }

    [Property(Arbitrary = [typeof(SegmentationArbitraries)])]
    public bool Score_RankFirst_ReappliedEdgesNeverScoreHigherOnTheAscendingScale(ScoringCase c)
    {
        var scores = Score(c.Values, c.Bins, TiePolicy.RankFirst, ScoreDirection.HigherIsBetter, out var bins);
        var reapplied = new byte[scores.Length];
        bins.Score(c.Values, reapplied);
        return scores.Zip(reapplied).All(p => p.Second <= p.First);
    }

    [Property(Arbitrary = [typeof(SegmentationArbitraries)])]
    public bool Score_DistinctValues_DoNotDependOnInputOrder(DistinctCase c)
    {
        var permuted = (double[])c.Values.Clone();
        new Random(c.PermutationSeed).Shuffle(permuted);
        foreach (var ties in new[] { TiePolicy.RankFirst, TiePolicy.AverageRank, TiePolicy.DropDuplicateEdges })
        {
            var a = Score(c.Values, c.Bins, ties, ScoreDirection.HigherIsBetter, out var binsA);
            var b = Score(permuted, c.Bins, ties, ScoreDirection.HigherIsBetter, out var binsB);
            var byValue = c.Values.Select((v, i) => (v, a[i])).ToDictionary(t => t.v, t => t.Item2);
            if (!permuted.Select((v, i) => byValue[v] == b[i]).All(x => x) || !binsA.Edges.SequenceEqual(binsB.Edges))
            {
                return false;
            }
        }

        return true;
    }

    [Property(Arbitrary = [typeof(SegmentationArbitraries)])]
    public bool RuleList_EveryCustomerLandsInExactlyOneSegment_TheFirstItMatches(RuleCase c)
    {
        var rules = c.Rules.Select((r, j) =>
        {
            var rule = SegmentRule.Create<(int Frequency, int Value)>($"rule {j}", string.Empty, x => (r.OnFrequency ? x.Frequency * 50 : x.Value) >= r.Threshold);
            return r.Negate ? rule.Not() : rule;
        }).ToArray();
        var list = new SegmentRuleList<(int Frequency, int Value)>(rules, "rest");
        var assignment = list.Assign(c.Customers);
        if (assignment.Unassigned != 0 || assignment.Counts.ToArray().Sum() != c.Customers.Length)
        {
            return false;
        }

        for (var i = 0; i < c.Customers.Length; i++)
        {
            var expected = Array.FindIndex(rules, r => r.Matches(c.Customers[i]));
            var segment = assignment.Segments[i];
            if (segment != (expected < 0 ? rules.Length : expected))
            {
                return false;
            }
        }

        return true;
    }

    [Property(Arbitrary = [typeof(SegmentationArbitraries)])]
    public bool SegmentMap_CompleteMap_AssignsEveryScoredCustomer(ScoringCase c)
    {
        // Score the same column as R, F and M on quintiles: a complete 5-point map leaves nobody out.
        if (c.Values.Length < 5)
        {
            return true;
        }

        var n = c.Values.Length;
        byte[] r = new byte[n], f = new byte[n], m = new byte[n];
        Rfm.Score(c.Values.Select(Math.Abs).ToArray(), c.Values, c.Values, r, f, m, new RfmOptions { Ties = c.Ties });
        var segments = new int[n];
        return SegmentMap.RecencyFrequency.Assign(r, f, m, segments) == 0
            && SegmentMap.RecencyFrequencyMonetary.Assign(r, f, m, segments) == 0;
    }
}
