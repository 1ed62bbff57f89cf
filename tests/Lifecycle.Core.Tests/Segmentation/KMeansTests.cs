using Lifecycle.Segmentation;

namespace Lifecycle.Tests.Segmentation;

public sealed class KMeansTests
{
    private static double[] Blobs(int perBlob, int seed, params (double X, double Y)[] centres)
    {
        var random = new Random(seed);
        var points = new List<double>();
        foreach (var (x, y) in centres)
        {
            for (var i = 0; i < perBlob; i++)
            {
                points.Add(x + (random.NextDouble() - 0.5));
                points.Add(y + (random.NextDouble() - 0.5));
            }
        }

        return [.. points];
    }

    [Fact]
    public void Fit_TwoPairs_FindsTheHandComputedCentroids()
    {
        var result = KMeans.Fit([0, 1, 10, 11], 1, 2, new KMeansOptions { Seed = 3 });
        var centroids = result.Centroids.ToArray().Order().ToArray();
        Assert.Equal(new[] { 0.5, 10.5 }, centroids);
        Assert.Equal(1.0, result.Inertia, 12); // 4 × 0.5²
        Assert.True(result.Converged);
        Assert.Equal(result.Labels[0], result.Labels[1]);
        Assert.Equal(result.Labels[2], result.Labels[3]);
        Assert.NotEqual(result.Labels[0], result.Labels[2]);
        Assert.Equal(new[] { 2, 2 }, result.Sizes.ToArray());
        Assert.Equal(result.Labels[0], result.Predict([-3]));
    }

    [Fact]
    public void Fit_SameSeed_SameClusters_AndRandomOverloadMatches()
    {
        var points = Blobs(200, 5, (0, 0), (5, 5), (0, 6), (7, 0));
        var a = KMeans.Fit(points, 2, 4, new KMeansOptions { Seed = 42 });
        var b = KMeans.Fit(points, 2, 4, new KMeansOptions { Seed = 42 });
        var c = KMeans.Fit(points, 2, 4, new Random(42), null);
        Assert.Equal(a.Labels.ToArray(), b.Labels.ToArray());
        Assert.Equal(a.Centroids.ToArray(), b.Centroids.ToArray());
        Assert.Equal(a.Centroids.ToArray(), c.Centroids.ToArray());
        Assert.Equal(a.Inertia, b.Inertia);
    }

    [Fact]
    public void Fit_SeparatedBlobs_RecoversTheBlobs()
    {
        var points = Blobs(100, 9, (0, 0), (10, 0), (0, 10));
        var result = KMeans.Fit(points, 2, 3, new KMeansOptions { Seed = 1 });
        for (var blob = 0; blob < 3; blob++)
        {
            var labels = result.Labels.Slice(blob * 100, 100).ToArray();
            Assert.All(labels, l => Assert.Equal(labels[0], l));
        }

        Assert.Equal(new[] { 100, 100, 100 }, result.Sizes.ToArray());
    }

    [Fact]
    public void Silhouette_TwoPairs_MatchesTheHandComputation()
    {
        // s = (9.5/10.5 + 8.5/9.5) / 2 (two points each).
        var s = KMeans.Silhouette([0, 1, 10, 11], 1, [0, 0, 1, 1], null);
        Assert.Equal(((9.5 / 10.5) + (8.5 / 9.5)) / 2, s, 12);
    }

    [Fact]
    public void Silhouette_Singleton_CountsAsZero()
    {
        // s(0) = 0 (alone), s(10) = (10 − 1)/10, s(11) = (11 − 1)/11.
        var s = KMeans.Silhouette([0, 10, 11], 1, [0, 1, 1], null);
        Assert.Equal((0 + 0.9 + (10.0 / 11)) / 3, s, 12);
    }

    [Fact]
    public void Silhouette_OneCluster_ThrowsUndefined()
    {
        var ex = Assert.Throws<ArgumentException>(() => KMeans.Silhouette([0, 1, 2], 1, [0, 0, 0], null));
        Assert.Contains("fewer than two clusters", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Silhouette_Sampled_IsDeterministicAndCloseToExact()
    {
        var points = Blobs(400, 2, (0, 0), (6, 0), (0, 6));
        var fit = KMeans.Fit(points, 2, 3, null);
        var exact = KMeans.Silhouette(points, 2, fit.Labels, new KMeansOptions { SilhouetteSampleSize = 10_000 });
        var sampled = KMeans.Silhouette(points, 2, fit.Labels, new KMeansOptions { SilhouetteSampleSize = 300, Seed = 8 });
        var again = KMeans.Silhouette(points, 2, fit.Labels, new KMeansOptions { SilhouetteSampleSize = 300, Seed = 8 });
        Assert.Equal(sampled, again);
        Assert.Equal(exact, sampled, 0.03); // a 300-point sample of well-separated blobs: observed error well below 0.03
    }

    [Fact]
    public void ChooseK_ThreeBlobs_PicksThree()
    {
        var points = Blobs(80, 4, (0, 0), (8, 0), (4, 7));
        var selection = KMeans.ChooseK(points, 2, 2, 6, new KMeansOptions { Seed = 3 });
        Assert.Equal(3, selection.BestK);
        Assert.Equal(5, selection.Candidates.Count);
        Assert.Equal(3, selection.Best.K);
        Assert.All(selection.Candidates, c => Assert.InRange(c.Silhouette, -1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => KMeans.ChooseK(points, 2, 1, 3, null));
    }

    [Fact]
    public void Fit_KLargerThanCustomers_ThrowsWithTheLimit()
    {
        var ex = Assert.Throws<ArgumentException>(() => KMeans.Fit([1, 2, 3], 1, 5, null));
        Assert.Contains("k = 5 clusters cannot be formed from 3 customers; use k <= 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_FewerDistinctPointsThanK_ThrowsWithTheCount()
    {
        var ex = Assert.Throws<ArgumentException>(() => KMeans.Fit([1, 1, 1, 2, 2], 1, 3, null));
        Assert.Contains("only 2 distinct points", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_BadPoints_Throw()
    {
        Assert.Contains("population is empty", Assert.Throws<ArgumentException>(() => KMeans.Fit([], 2, 1, null)).Message, StringComparison.Ordinal);
        Assert.Contains("not a multiple of dimensions", Assert.Throws<ArgumentException>(() => KMeans.Fit([1, 2, 3], 2, 1, null)).Message, StringComparison.Ordinal);
        Assert.Contains("points[1] = NaN", Assert.Throws<ArgumentException>(() => KMeans.Fit([1, double.NaN], 1, 1, null)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => KMeans.Fit([1, 2], 1, 0, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KMeansOptions { MaxIterations = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new KMeansOptions { Tolerance = double.NaN });
    }

    [Fact]
    public void Fit_OneIteration_ReportsNotConverged()
    {
        var points = Blobs(50, 6, (0, 0), (3, 3), (6, 0));
        var result = KMeans.Fit(points, 2, 3, new KMeansOptions { MaxIterations = 1, Tolerance = 0 });
        Assert.False(result.Converged);
        Assert.Equal(1, result.Iterations);
    }

    [Fact]
    public void RfmFeatures_StandardiseLogValues()
    {
        double[] since = [1, 3, 7, 15];
        double[] f = [0, 0, 0, 0]; // constant: centred only
        double[] m = [9, 99, 9, 99];
        var features = RfmFeatures.Fit(since, f, m);
        var points = new double[12];
        features.Transform(since, f, m, points);

        // log(1 + since) = log 2, log 4, log 8, log 16 = (1, 2, 3, 4)·log 2: mean 2.5·log 2, sd sqrt(1.25)·log 2.
        Assert.Equal(2.5 * Math.Log(2), features.Means[0], 12);
        Assert.Equal(Math.Sqrt(1.25) * Math.Log(2), features.Scales[0], 12);
        Assert.Equal(-1.5 / Math.Sqrt(1.25), points[0], 12);
        Assert.Equal(1, features.Scales[1]);
        Assert.Equal(0, points[1]);
        Assert.Equal(-1, points[2], 12); // log 10 and log 100 standardise to −1 and +1
        Assert.Equal(1, points[5], 12);
        Assert.Throws<ArgumentException>(() => RfmFeatures.Fit([-1], [0], [0]));
    }

    [Fact]
    public void FitRfm_Cdnow_IsDeterministicAndSeparatesRepeatBuyers()
    {
        var set = SegmentationData.Cdnow();
        var a = KMeans.FitRfm(set, 4, new KMeansOptions { Seed = 7 });
        var b = KMeans.FitRfm(set, 4, new KMeansOptions { Seed = 7 });
        Assert.Equal(a.Clusters.Labels.ToArray(), b.Clusters.Labels.ToArray());
        Assert.Equal(2357, a.Clusters.Sizes.ToArray().Sum());
        Assert.True(a.Clusters.Converged);

        // One-time buyers share F = M = 0, so every cluster is either all one-time buyers or all repeat buyers
        // far more often than not: check that clusters are pure on "x = 0" for at least 95% of customers.
        var labels = a.Clusters.Labels.ToArray();
        var x = set.Frequency.ToArray();
        var pure = Enumerable.Range(0, 4).Sum(c =>
        {
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray();
            var zeros = members.Count(i => x[i] == 0);
            return Math.Max(zeros, members.Length - zeros);
        });
        Assert.True(pure >= 0.95 * 2357, $"pure = {pure}");
    }
}
