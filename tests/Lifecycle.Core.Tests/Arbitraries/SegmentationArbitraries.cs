using FsCheck;
using FsCheck.Fluent;
using Lifecycle.Segmentation;

namespace Lifecycle.Tests.Arbitraries;

/// <summary>A column of values (possibly with many ties), a number of bins no larger than the column, and a tie policy.</summary>
public sealed record ScoringCase(double[] Values, int Bins, TiePolicy Ties, ScoreDirection Direction)
{
    /// <inheritdoc/>
    public override string ToString() => $"k={Bins} {Ties} {Direction} [{string.Join(", ", Values)}]";
}

/// <summary>Distinct values, a number of bins and a seed for a permutation of the values.</summary>
public sealed record DistinctCase(double[] Values, int Bins, int PermutationSeed)
{
    /// <inheritdoc/>
    public override string ToString() => $"k={Bins} seed={PermutationSeed} [{string.Join(", ", Values)}]";
}

/// <summary>Customers as (frequency, value) pairs and threshold rules over them.</summary>
public sealed record RuleCase((int Frequency, int Value)[] Customers, (bool OnFrequency, int Threshold, bool Negate)[] Rules)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Rules.Length} rules over {Customers.Length} customers";
}

/// <summary>FsCheck generators for the segmentation area.</summary>
public static class SegmentationArbitraries
{
    /// <summary>Columns of 1..300 values: small integers (heavy ties), or wide reals with occasional zeros.</summary>
    public static Arbitrary<ScoringCase> ScoringCase() =>
        (from n in Gen.Choose(1, 300)
         from tieHeavy in Gen.Elements(true, false)
         from values in (tieHeavy
             ? Gen.Choose(0, 6).Select(i => (double)i)
             : Gen.Frequency((1, Gen.Constant(0.0)), (6, Gen.Choose(-1_000_000, 1_000_000).Select(i => i / 100.0)))).ArrayOf(n)
         from k in Gen.Choose(1, Math.Min(n, 12))
         from ties in Gen.Elements(TiePolicy.RankFirst, TiePolicy.AverageRank, TiePolicy.DropDuplicateEdges)
         from direction in Gen.Elements(ScoreDirection.HigherIsBetter, ScoreDirection.LowerIsBetter)
         select new ScoringCase(values, k, ties, direction)).ToArbitrary();

    /// <summary>1..200 distinct values in random order.</summary>
    public static Arbitrary<DistinctCase> DistinctCase() =>
        (from n in Gen.Choose(1, 200)
         from raw in Gen.Choose(-100_000, 100_000).ArrayOf(n)
         from k in Gen.Choose(1, Math.Min(n, 10))
         from seed in Gen.Choose(0, int.MaxValue - 1)
         let values = raw.Distinct().Select(i => i / 7.0).ToArray()
         where values.Length >= k
         select new DistinctCase(values, k, seed)).ToArbitrary();

    /// <summary>0..100 customers and 0..6 threshold rules (some negated).</summary>
    public static Arbitrary<RuleCase> RuleCase() =>
        (from n in Gen.Choose(0, 100)
         from customers in (from f in Gen.Choose(0, 20) from v in Gen.Choose(0, 1000) select (f, v)).ArrayOf(n)
         from m in Gen.Choose(0, 6)
         from rules in (from onF in Gen.Elements(true, false) from t in Gen.Choose(0, 1000) from neg in Gen.Elements(true, false) select (onF, t, neg)).ArrayOf(m)
         select new RuleCase(customers, rules)).ToArbitrary();
}
