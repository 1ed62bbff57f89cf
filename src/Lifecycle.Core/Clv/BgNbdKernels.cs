namespace Lifecycle.Clv;

/// <summary>Batch kernels for <see cref="BgNbdModel"/>: validation per row, parallel chunks over cores.</summary>
internal static class BgNbdKernels
{
    private const int ParallelThreshold = 16_384;

    public static void ProbabilityAlive(BgNbdModel model, ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, Span<double> destination)
    {
        var n = frequency.Length;
        for (var i = 0; i < n; i++)
        {
            Clv.ClvValidation.CountRow(i, frequency[i], recency[i], t[i], "BG/NBD");
            destination[i] = model.ProbabilityAliveCore(frequency[i], recency[i], t[i]);
        }
    }

    public static void ConditionalExpected(BgNbdModel model, double horizon, ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, Span<double> destination)
    {
        var n = frequency.Length;
        for (var i = 0; i < n; i++)
        {
            Clv.ClvValidation.CountRow(i, frequency[i], recency[i], t[i], "BG/NBD");
            destination[i] = model.ConditionalExpectedCore(horizon, frequency[i], recency[i], t[i]);
        }
    }
}
