using System.Globalization;
using Lifecycle.Engagement;

namespace Lifecycle.Tests.Engagement;

public sealed class ControlGroupsTests
{
    [Fact]
    public void StableHash_Fnv1aCore_MatchesPublishedVectorAfterTheFinalizerIsUndone()
    {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (Fowler/Noll/Vo test vectors); our hash adds one 0xFF separator
        // byte, so the pre-finalizer state is that value ^ 0xFF times the prime.
        const ulong fnvA = 0xaf63dc4c8601ec8cUL;
        var expected = StableHash.Mix(unchecked((fnvA ^ 0xFF) * 1099511628211UL));
        Assert.Equal(expected, StableHash.Hash("a"));
    }

    [Fact]
    public void StableHash_PartsAreSeparated()
    {
        Assert.NotEqual(StableHash.Hash("ab", "c"), StableHash.Hash("a", "bc"));
        Assert.Equal(StableHash.Hash("ab", "c"), StableHash.Hash("ab", "c"));
    }

    [Fact]
    public void StableHash_ReplayValue_IsPinned()
    {
        // Replays depend on this value never changing across processes, machines and .NET versions.
        Assert.Equal("5452b30c86ec1bc5", StableHash.Hash("customer-1", "salt", "0", "holdout").ToString("x16", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(0.05, 0.10)]
    [InlineData(0.20, 0.50)]
    [InlineData(0.01, 0.02)]
    public void Shares_OverManyCustomers_AreWithinFourBinomialStandardErrors(double holdout, double control)
    {
        // Tolerance: 4 standard errors of a binomial share, sqrt(p(1-p)/n); a correct uniform hash fails this with
        // probability about 6e-5 per check.
        const int n = 40_000;
        var groups = new ControlGroups("spring", 3, holdout);
        int inHoldout = 0, inControl = 0, both = 0;
        for (var i = 0; i < n; i++)
        {
            var id = "C" + i.ToString(CultureInfo.InvariantCulture);
            var h = groups.IsInHoldout(id);
            var c = groups.IsInControl(id, "win-back", control);
            inHoldout += h ? 1 : 0;
            inControl += c ? 1 : 0;
            both += h && c ? 1 : 0;
        }

        AssertShare(inHoldout, n, holdout);
        AssertShare(inControl, n, control);

        // Independence: the overlap is the product of the shares.
        AssertShare(both, n, holdout * control);
    }

    [Fact]
    public void Arms_DependOnSaltAndEpoch_AndReplayIdentically()
    {
        var a = new ControlGroups("s", 0, 0.5);
        var b = new ControlGroups("s", 1, 0.5);
        var ids = Enumerable.Range(0, 2000).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var first = ids.Select(a.IsInHoldout).ToArray();
        Assert.Equal(first, ids.Select(new ControlGroups("s", 0, 0.5).IsInHoldout).ToArray());
        var changed = ids.Where((id, i) => b.IsInHoldout(id) != first[i]).Count();

        // A new epoch re-draws: about half the customers change group (binomial(2000, 0.5), ±4 SE ≈ ±90).
        Assert.InRange(changed, 1000 - 90, 1000 + 90);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Constructor_ShareOutOfRange_Throws(double share)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ControlGroups("s", 0, share));
        Assert.Contains("holdoutShare", e.Message, StringComparison.Ordinal);
    }

    private static void AssertShare(int count, int n, double p)
    {
        var se = Math.Sqrt(p * (1 - p) / n);
        Assert.InRange((double)count / n, p - (4 * se), p + (4 * se));
    }
}
