namespace Lifecycle.Benchmarks;

/// <summary>
/// Problem sizes. CI's smoke run (<c>LIFECYCLE_BENCH_SMOKE=1</c>, <c>--job dry</c>) only checks that every benchmark runs,
/// so it divides the sizes by 1,000; real measurements use the full sizes.
/// </summary>
internal static class BenchmarkSizes
{
    public static bool Smoke { get; } = Environment.GetEnvironmentVariable("LIFECYCLE_BENCH_SMOKE") == "1";

    public static int Scale(int size) => Smoke ? Math.Max(1_000, size / 1_000) : size;

    public static IEnumerable<int> Of(params int[] sizes) => sizes.Select(Scale);
}
