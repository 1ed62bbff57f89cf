namespace Lifecycle.Tests.Numerics;

/// <summary>Assertions with relative (and, near zero, absolute) tolerances that say by how much a value missed.</summary>
internal static class Tolerance
{
    public static void Close(double expected, double actual, double relative, double absolute = 0)
    {
        var error = Math.Abs(expected - actual);
        var allowed = Math.Max(absolute, relative * Math.Abs(expected));
        Assert.True(error <= allowed, FormattableString.Invariant($"expected {expected:R}, got {actual:R}: error {error:E3} > allowed {allowed:E3} (relative {relative:E1}, absolute {absolute:E1})"));
    }
}
