using System.Collections.ObjectModel;

namespace Lifecycle.Segmentation;

/// <summary>Options for k-means clustering.</summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record KMeansOptions
{
    private readonly int _seed;
    private readonly int _maxIterations = 300;
    private readonly double _tolerance = 1e-4;
    private readonly int _silhouetteSampleSize = 5_000;

    /// <summary>Gets the seed for k-means++ initialisation and silhouette sampling.</summary>
    /// <value>0. Any value; the same seed and data give the same clusters.</value>
    public int Seed
    {
        get => _seed;
        init => _seed = value;
    }

    /// <summary>Gets the cap on Lloyd iterations.</summary>
    /// <value>300. At least 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int MaxIterations
    {
        get => _maxIterations;
        init
        {
            if (value < 1)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(MaxIterations), value, "must be at least 1", "allow the algorithm some iterations (300 is plenty)");
            }

            _maxIterations = value;
        }
    }

    /// <summary>Gets the convergence tolerance: stop when the total squared centroid movement falls to
    /// <c>Tolerance × mean per-dimension variance</c> of the data (as scikit-learn), or no label changes.</summary>
    /// <value>1e-4. Finite and &gt;= 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set to NaN, infinity or a negative number.</exception>
    public double Tolerance
    {
        get => _tolerance;
        init
        {
            ThrowHelper.ThrowIfNegativeOrNotFinite(value, nameof(Tolerance));
            _tolerance = value;
        }
    }

    /// <summary>Gets the number of customers sampled (seeded, without replacement) for the silhouette score when there are more.</summary>
    /// <value>5,000: the silhouette costs O(s²) distance evaluations. At least 2.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set below 2.</exception>
    public int SilhouetteSampleSize
    {
        get => _silhouetteSampleSize;
        init
        {
            if (value < 2)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(SilhouetteSampleSize), value, "must be at least 2", "sample a few thousand customers");
            }

            _silhouetteSampleSize = value;
        }
    }
}

/// <summary>A fitted k-means clustering.</summary>
/// <remarks>Centroids live in the space the points were given in (standardised log-RFM for <see cref="KMeans.FitRfm(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, KMeansOptions?)"/>).
/// Immutable and thread-safe.</remarks>
public sealed class KMeansResult
{
    private readonly double[] _centroids;
    private readonly int[] _labels;
    private readonly int[] _sizes;

    internal KMeansResult(int k, int dimensions, double[] centroids, int[] labels, int[] sizes, double inertia, int iterations, bool converged)
    {
        K = k;
        Dimensions = dimensions;
        _centroids = centroids;
        _labels = labels;
        _sizes = sizes;
        Inertia = inertia;
        Iterations = iterations;
        Converged = converged;
    }

    /// <summary>Gets the number of clusters.</summary>
    public int K { get; }

    /// <summary>Gets the number of dimensions.</summary>
    public int Dimensions { get; }

    /// <summary>Gets the centroids, row-major <c>K × Dimensions</c>.</summary>
    public ReadOnlySpan<double> Centroids => _centroids;

    /// <summary>Gets each point's cluster, 0..K−1.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Gets the number of points per cluster.</summary>
    public ReadOnlySpan<int> Sizes => _sizes;

    /// <summary>Gets the within-cluster sum of squared distances.</summary>
    public double Inertia { get; }

    /// <summary>Gets the number of Lloyd iterations run.</summary>
    public int Iterations { get; }

    /// <summary>Gets a value indicating whether the tolerance was met before <see cref="KMeansOptions.MaxIterations"/>.</summary>
    public bool Converged { get; }

    /// <summary>Returns the nearest centroid of a point (ties go to the lower index).</summary>
    /// <param name="point">A point with <see cref="Dimensions"/> coordinates.</param>
    /// <returns>The cluster index.</returns>
    /// <exception cref="ArgumentException">The point has the wrong length or a non-finite coordinate.</exception>
    public int Predict(ReadOnlySpan<double> point)
    {
        if (point.Length != Dimensions)
        {
            ThrowHelper.Argument(nameof(point), FormattableString.Invariant($"point has {point.Length} coordinates but the clustering has {Dimensions}; pass one coordinate per dimension."));
        }

        QuantileScoring.EnsureFinite(point, nameof(point));
        return KMeans.Nearest(point, _centroids, K, out _);
    }
}

/// <summary>The log-and-standardise transform used to cluster RFM values.</summary>
/// <remarks>
/// Each of time since last purchase (<c>T − t_x</c>), frequency and monetary value becomes <c>z = (log(1 + v) − mean) / sd</c>,
/// with the population mean and standard deviation of <c>log(1 + v)</c> (a column with sd 0 is only centred).
/// <c>log(1 + v)</c> keeps zeros (one-time buyers) finite and tames the long right tails of frequency and spend.
/// Immutable and thread-safe.
/// </remarks>
public sealed class RfmFeatures
{
    /// <summary>The number of features: time since last purchase, frequency, monetary.</summary>
    public const int Dimensions = 3;

    private readonly double[] _means;
    private readonly double[] _scales;

    private RfmFeatures(double[] means, double[] scales)
    {
        _means = means;
        _scales = scales;
    }

    /// <summary>Gets the means of <c>log(1 + v)</c> per feature.</summary>
    public ReadOnlySpan<double> Means => _means;

    /// <summary>Gets the divisors per feature (the standard deviation, or 1 when it is 0).</summary>
    public ReadOnlySpan<double> Scales => _scales;

    /// <summary>Fits the transform on a population.</summary>
    /// <param name="timeSinceLastPurchase">T − t_x per customer, &gt;= 0.</param>
    /// <param name="frequency">Repeat frequency per customer, &gt;= 0.</param>
    /// <param name="monetary">Monetary value per customer, &gt;= 0.</param>
    /// <returns>The transform.</returns>
    /// <exception cref="ArgumentException">Lengths differ, the population is empty, or a value is NaN, infinite or negative.</exception>
    public static RfmFeatures Fit(ReadOnlySpan<double> timeSinceLastPurchase, ReadOnlySpan<double> frequency, ReadOnlySpan<double> monetary)
    {
        var n = Check(timeSinceLastPurchase, frequency, monetary);
        if (n == 0)
        {
            ThrowHelper.Argument(nameof(timeSinceLastPurchase), "the population is empty; clustering needs customers.");
        }

        var means = new double[Dimensions];
        var scales = new double[Dimensions];
        Moments(timeSinceLastPurchase, out means[0], out scales[0]);
        Moments(frequency, out means[1], out scales[1]);
        Moments(monetary, out means[2], out scales[2]);
        return new RfmFeatures(means, scales);
    }

    /// <summary>Transforms customers into standardised log-RFM points.</summary>
    /// <param name="timeSinceLastPurchase">T − t_x per customer, &gt;= 0.</param>
    /// <param name="frequency">Repeat frequency per customer, &gt;= 0.</param>
    /// <param name="monetary">Monetary value per customer, &gt;= 0.</param>
    /// <param name="points">Receives <c>n × 3</c> coordinates, row-major.</param>
    /// <exception cref="ArgumentException">Lengths differ or a value is NaN, infinite or negative.</exception>
    public void Transform(ReadOnlySpan<double> timeSinceLastPurchase, ReadOnlySpan<double> frequency, ReadOnlySpan<double> monetary, Span<double> points)
    {
        var n = Check(timeSinceLastPurchase, frequency, monetary);
        if (points.Length != (long)n * Dimensions)
        {
            ThrowHelper.Argument(nameof(points), FormattableString.Invariant($"points has length {points.Length} but needs {n} customers × 3 = {(long)n * Dimensions}; pass a row-major buffer."));
        }

        for (var i = 0; i < n; i++)
        {
            points[(3 * i) + 0] = (Math.Log(1 + timeSinceLastPurchase[i]) - _means[0]) / _scales[0];
            points[(3 * i) + 1] = (Math.Log(1 + frequency[i]) - _means[1]) / _scales[1];
            points[(3 * i) + 2] = (Math.Log(1 + monetary[i]) - _means[2]) / _scales[2];
        }
    }

    private static void Moments(ReadOnlySpan<double> values, out double mean, out double scale)
    {
        double sum = 0;
        foreach (var v in values)
        {
            sum += Math.Log(1 + v);
        }

        mean = sum / values.Length;
        double ss = 0;
        foreach (var v in values)
        {
            var d = Math.Log(1 + v) - mean;
            ss += d * d;
        }

        var sd = Math.Sqrt(ss / values.Length);
        scale = sd > 0 ? sd : 1;
    }

    private static int Check(ReadOnlySpan<double> since, ReadOnlySpan<double> frequency, ReadOnlySpan<double> monetary)
    {
        if (frequency.Length != since.Length || monetary.Length != since.Length)
        {
            ThrowHelper.Argument(nameof(frequency), FormattableString.Invariant($"time since last purchase ({since.Length}), frequency ({frequency.Length}) and monetary ({monetary.Length}) must have the same length; pass one value per customer."));
        }

        CheckColumn(since, "timeSinceLastPurchase");
        CheckColumn(frequency, nameof(frequency));
        CheckColumn(monetary, nameof(monetary));
        return since.Length;
    }

    private static void CheckColumn(ReadOnlySpan<double> values, string name)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]) || values[i] < 0)
            {
                ThrowHelper.Argument(name, FormattableString.Invariant($"{name}[{i}] = {values[i]:R} must be finite and >= 0; log-RFM features need non-negative values."));
            }
        }
    }
}

/// <summary>k-means on standardised log-RFM features: the transform and the clusters.</summary>
/// <param name="Features">The transform, to place new customers.</param>
/// <param name="Clusters">The clustering in feature space.</param>
public sealed record RfmClustering(RfmFeatures Features, KMeansResult Clusters);

/// <summary>The quality of one k when choosing the number of clusters.</summary>
/// <param name="K">The number of clusters.</param>
/// <param name="Inertia">The within-cluster sum of squares.</param>
/// <param name="Silhouette">The mean silhouette, in [−1, 1] (on a sample when the population is large).</param>
/// <param name="Converged">Whether k-means converged.</param>
public readonly record struct KCandidate(int K, double Inertia, double Silhouette, bool Converged);

/// <summary>The outcome of choosing k by the silhouette score.</summary>
/// <param name="BestK">The k with the highest silhouette (the smallest such k on a tie).</param>
/// <param name="Candidates">Every k tried, ascending.</param>
/// <param name="Best">The clustering for <paramref name="BestK"/>.</param>
public sealed record KSelection(int BestK, IReadOnlyList<KCandidate> Candidates, KMeansResult Best);

/// <summary>k-means clustering (Lloyd's algorithm with k-means++ seeding) and the silhouette score.</summary>
/// <remarks>
/// <para>Seeding: Arthur &amp; Vassilvitskii (2007), k-means++ — the first centre uniformly at random, each next one with
/// probability proportional to D(x)², the squared distance to the nearest centre so far. Seeded and deterministic: the
/// same data, k and seed (or the same <see cref="Random"/> state) give the same clusters. Sums are accumulated over a
/// fixed partition of the points and combined in order, so results do not depend on thread scheduling.</para>
/// <para>An emptied cluster is re-seeded at the point farthest from its centroid. Assignment ties go to the lower cluster
/// index. Cost O(n·k·d) per iteration; no per-point allocation.</para>
/// <para>Silhouette (Rousseeuw 1987): s(i) = (b − a) / max(a, b) with Euclidean distances, a = mean distance to the
/// own cluster, b = the lowest mean distance to another cluster, s = 0 for a singleton; the score is the mean over
/// points. Above <see cref="KMeansOptions.SilhouetteSampleSize"/> points it is computed on a seeded uniform sample
/// without replacement, against that sample only (as scikit-learn's <c>sample_size</c>).</para>
/// <para>Thread-safe: no shared state.</para>
/// </remarks>
public static class KMeans
{
    private const int Chunks = 64;

    /// <summary>Clusters points with a seed from <paramref name="options"/>.</summary>
    /// <param name="points">Row-major <c>n × dimensions</c> finite coordinates.</param>
    /// <param name="dimensions">Coordinates per point, &gt;= 1.</param>
    /// <param name="k">Clusters, 1..n (and no more than the distinct points).</param>
    /// <param name="options">Seed, iteration cap and tolerance; <c>null</c> for defaults.</param>
    /// <returns>The clustering.</returns>
    /// <exception cref="ArgumentException">The points are empty, ragged or not finite; k exceeds the points or the distinct points.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> or <paramref name="k"/> is below 1.</exception>
    public static KMeansResult Fit(ReadOnlySpan<double> points, int dimensions, int k, KMeansOptions? options)
    {
        options ??= new KMeansOptions();
        return Fit(points, dimensions, k, new Random(options.Seed), options);
    }

    /// <summary>Clusters points drawing the k-means++ seeding from <paramref name="random"/>.</summary>
    /// <param name="points">Row-major <c>n × dimensions</c> finite coordinates.</param>
    /// <param name="dimensions">Coordinates per point, &gt;= 1.</param>
    /// <param name="k">Clusters, 1..n (and no more than the distinct points).</param>
    /// <param name="random">The random source (seeded by the caller); advanced by the seeding.</param>
    /// <param name="options">Iteration cap and tolerance (the seed is ignored); <c>null</c> for defaults.</param>
    /// <returns>The clustering.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    /// <exception cref="ArgumentException">The points are empty, ragged or not finite; k exceeds the points or the distinct points.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> or <paramref name="k"/> is below 1.</exception>
    public static KMeansResult Fit(ReadOnlySpan<double> points, int dimensions, int k, Random random, KMeansOptions? options)
    {
        ArgumentNullException.ThrowIfNull(random);
        options ??= new KMeansOptions();
        var n = CheckPoints(points, dimensions);
        if (k < 1)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(k), k, "must be at least 1", "ask for one or more clusters");
        }

        if (k > n)
        {
            ThrowHelper.Argument(nameof(k), FormattableString.Invariant($"k = {k} clusters cannot be formed from {n} customers; use k <= {n}."));
        }

        var d = dimensions;
        var centroids = new double[k * d];
        SeedPlusPlus(points, d, k, random, centroids);

        var labels = new int[n];
        var sizes = new int[k];
        var threshold = options.Tolerance * MeanVariance(points, d);
        var chunkSums = new double[Chunks * k * d];
        var chunkCounts = new int[Chunks * k];
        var chunkChanged = new int[Chunks];
        var next = new double[k * d];
        Array.Fill(labels, -1);
        var iterations = 0;
        var converged = false;
        var pts = points.ToArray(); // the parallel loop cannot capture a span
        while (iterations < options.MaxIterations)
        {
            iterations++;
            Array.Clear(chunkSums);
            Array.Clear(chunkCounts);
            Array.Clear(chunkChanged);
            var current = centroids;
            Parallel.For(0, Chunks, c => AssignChunk(pts, d, k, current, labels, chunkSums, chunkCounts, chunkChanged, c));

            Array.Clear(next);
            Array.Clear(sizes);
            var anyChanged = false;
            for (var c = 0; c < Chunks; c++)
            {
                anyChanged |= chunkChanged[c] != 0;
                for (var j = 0; j < k; j++)
                {
                    sizes[j] += chunkCounts[(c * k) + j];
                }

                for (var j = 0; j < k * d; j++)
                {
                    next[j] += chunkSums[(c * k * d) + j];
                }
            }

            for (var j = 0; j < k; j++)
            {
                if (sizes[j] > 0)
                {
                    for (var t = 0; t < d; t++)
                    {
                        next[(j * d) + t] /= sizes[j];
                    }
                }
                else
                {
                    ReseedEmpty(pts, d, labels, centroids, next, sizes, j);
                    anyChanged = true;
                }
            }

            double shift = 0;
            for (var j = 0; j < k * d; j++)
            {
                var delta = next[j] - centroids[j];
                shift += delta * delta;
            }

            Array.Copy(next, centroids, next.Length);
            if (!anyChanged || shift <= threshold)
            {
                converged = true;
                break;
            }
        }

        // Final labels and inertia against the final centroids.
        double inertia = 0;
        Array.Clear(sizes);
        for (var i = 0; i < n; i++)
        {
            labels[i] = Nearest(pts.AsSpan(i * d, d), centroids, k, out var dist2);
            sizes[labels[i]]++;
            inertia += dist2;
        }

        return new KMeansResult(k, d, centroids, labels, sizes, inertia, iterations, converged);
    }

    /// <summary>Clusters customers on standardised log-RFM features (see <see cref="RfmFeatures"/>).</summary>
    /// <param name="timeSinceLastPurchase">T − t_x per customer, &gt;= 0.</param>
    /// <param name="frequency">Repeat frequency per customer, &gt;= 0.</param>
    /// <param name="monetary">Monetary value per customer, &gt;= 0.</param>
    /// <param name="k">Clusters.</param>
    /// <param name="options">Seed and iteration settings; <c>null</c> for defaults.</param>
    /// <returns>The transform and the clustering.</returns>
    /// <exception cref="ArgumentException">Bad values, lengths, or k beyond the customers.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    public static RfmClustering FitRfm(ReadOnlySpan<double> timeSinceLastPurchase, ReadOnlySpan<double> frequency, ReadOnlySpan<double> monetary, int k, KMeansOptions? options)
    {
        var features = RfmFeatures.Fit(timeSinceLastPurchase, frequency, monetary);
        var points = new double[timeSinceLastPurchase.Length * RfmFeatures.Dimensions];
        features.Transform(timeSinceLastPurchase, frequency, monetary, points);
        return new RfmClustering(features, Fit(points, RfmFeatures.Dimensions, k, options));
    }

    /// <summary>Clusters the customers of a summary set on standardised log-RFM features.</summary>
    /// <param name="summaries">The customers.</param>
    /// <param name="k">Clusters.</param>
    /// <param name="options">Seed and iteration settings; <c>null</c> for defaults.</param>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <returns>The transform and the clustering.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="summaries"/> is null.</exception>
    /// <exception cref="ArgumentException">The set is empty or k exceeds its (distinct) customers.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    public static RfmClustering FitRfm<TKey>(SummarySet<TKey> summaries, int k, KMeansOptions? options)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var since = new double[summaries.Count];
        Rfm.TimeSinceLastPurchase(summaries.Recency, summaries.T, since);
        return FitRfm(since, summaries.Frequency, summaries.MonetaryValue, k, options);
    }

    /// <summary>The mean silhouette of a labelling (on a seeded sample above <see cref="KMeansOptions.SilhouetteSampleSize"/> points).</summary>
    /// <param name="points">Row-major <c>n × dimensions</c> coordinates.</param>
    /// <param name="dimensions">Coordinates per point.</param>
    /// <param name="labels">Cluster per point, 0..k−1.</param>
    /// <param name="options">Sample size and seed; <c>null</c> for defaults.</param>
    /// <returns>The mean silhouette in [−1, 1]; higher means tighter, better separated clusters.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a label is negative, or the (sampled) points hold fewer than two clusters (the silhouette is undefined).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is below 1.</exception>
    public static double Silhouette(ReadOnlySpan<double> points, int dimensions, ReadOnlySpan<int> labels, KMeansOptions? options)
    {
        options ??= new KMeansOptions();
        var n = CheckPoints(points, dimensions);
        if (labels.Length != n)
        {
            ThrowHelper.Argument(nameof(labels), FormattableString.Invariant($"labels has length {labels.Length} but there are {n} points; pass one label per point."));
        }

        var k = 0;
        for (var i = 0; i < n; i++)
        {
            if (labels[i] < 0)
            {
                ThrowHelper.Argument(nameof(labels), FormattableString.Invariant($"labels[{i}] = {labels[i]} must be >= 0; pass cluster indexes."));
            }

            k = Math.Max(k, labels[i] + 1);
        }

        var sample = Sample(n, options.SilhouetteSampleSize, options.Seed);
        var s = sample.Length;
        var d = dimensions;
        var clusterSizes = new int[k];
        foreach (var i in sample)
        {
            clusterSizes[labels[i]]++;
        }

        if (clusterSizes.Count(c => c > 0) < 2)
        {
            ThrowHelper.Argument(nameof(labels), FormattableString.Invariant($"the {(s < n ? "sampled " : string.Empty)}points hold fewer than two clusters, so the silhouette is undefined; use k >= 2 (and a larger sample if clusters are tiny)."));
        }

        var sums = new double[k];
        double total = 0;
        for (var a = 0; a < s; a++)
        {
            Array.Clear(sums);
            var pa = points.Slice(sample[a] * d, d);
            for (var b = 0; b < s; b++)
            {
                if (a == b)
                {
                    continue;
                }

                var pb = points.Slice(sample[b] * d, d);
                double dist2 = 0;
                for (var t = 0; t < d; t++)
                {
                    var diff = pa[t] - pb[t];
                    dist2 += diff * diff;
                }

                sums[labels[sample[b]]] += Math.Sqrt(dist2);
            }

            var own = labels[sample[a]];
            if (clusterSizes[own] == 1)
            {
                continue; // s(i) = 0 for a singleton
            }

            var inner = sums[own] / (clusterSizes[own] - 1);
            var outer = double.PositiveInfinity;
            for (var c = 0; c < k; c++)
            {
                if (c != own && clusterSizes[c] > 0)
                {
                    outer = Math.Min(outer, sums[c] / clusterSizes[c]);
                }
            }

            var denominator = Math.Max(inner, outer);
            total += denominator > 0 ? (outer - inner) / denominator : 0;
        }

        return total / s;
    }

    /// <summary>Fits k-means for each k in a range and picks the one with the highest silhouette.</summary>
    /// <param name="points">Row-major <c>n × dimensions</c> coordinates.</param>
    /// <param name="dimensions">Coordinates per point.</param>
    /// <param name="minK">The smallest k, &gt;= 2 (the silhouette is undefined for one cluster).</param>
    /// <param name="maxK">The largest k, &gt;= <paramref name="minK"/> and &lt;= n.</param>
    /// <param name="options">Seed, iteration and sample settings; <c>null</c> for defaults. Every k uses the same seed.</param>
    /// <returns>Every candidate and the best clustering.</returns>
    /// <exception cref="ArgumentException">Bad points, or k beyond the (distinct) points.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minK"/> is below 2 or <paramref name="maxK"/> below <paramref name="minK"/>.</exception>
    public static KSelection ChooseK(ReadOnlySpan<double> points, int dimensions, int minK, int maxK, KMeansOptions? options)
    {
        options ??= new KMeansOptions();
        if (minK < 2)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(minK), minK, "must be at least 2", "the silhouette compares clusters, so start at k = 2");
        }

        if (maxK < minK)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(maxK), maxK, FormattableString.Invariant($"must be at least minK = {minK}"), "pass a non-empty range");
        }

        var candidates = new List<KCandidate>();
        KMeansResult? best = null;
        var bestScore = double.NegativeInfinity;
        for (var k = minK; k <= maxK; k++)
        {
            var fit = Fit(points, dimensions, k, options);
            var score = Silhouette(points, dimensions, fit.Labels, options);
            candidates.Add(new KCandidate(k, fit.Inertia, score, fit.Converged));
            if (score > bestScore)
            {
                bestScore = score;
                best = fit;
            }
        }

        return new KSelection(best!.K, new ReadOnlyCollection<KCandidate>(candidates), best);
    }

    private static void AssignChunk(double[] points, int d, int k, double[] centroids, int[] labels, double[] chunkSums, int[] chunkCounts, int[] chunkChanged, int chunk)
    {
        var (from, to) = ChunkRange(chunk, labels.Length);
        var sums = chunkSums.AsSpan(chunk * k * d, k * d);
        var counts = chunkCounts.AsSpan(chunk * k, k);
        var changed = 0;
        for (var i = from; i < to; i++)
        {
            var p = points.AsSpan(i * d, d);
            var best = Nearest(p, centroids, k, out _);
            if (labels[i] != best)
            {
                labels[i] = best;
                changed++;
            }

            counts[best]++;
            var s = sums.Slice(best * d, d);
            for (var j = 0; j < d; j++)
            {
                s[j] += p[j];
            }
        }

        chunkChanged[chunk] = changed;
    }

    internal static int Nearest(ReadOnlySpan<double> point, ReadOnlySpan<double> centroids, int k, out double distance2)
    {
        var d = point.Length;
        var best = 0;
        var bestD = double.PositiveInfinity;
        for (var j = 0; j < k; j++)
        {
            var c = centroids.Slice(j * d, d);
            double s = 0;
            for (var t = 0; t < d; t++)
            {
                var diff = point[t] - c[t];
                s += diff * diff;
            }

            if (s < bestD)
            {
                bestD = s;
                best = j;
            }
        }

        distance2 = bestD;
        return best;
    }

    private static void SeedPlusPlus(ReadOnlySpan<double> points, int d, int k, Random random, double[] centroids)
    {
        var n = points.Length / d;
        var first = random.Next(n);
        points.Slice(first * d, d).CopyTo(centroids.AsSpan(0, d));
        var dist2 = new double[n];
        for (var i = 0; i < n; i++)
        {
            dist2[i] = Distance2(points.Slice(i * d, d), centroids.AsSpan(0, d));
        }

        for (var j = 1; j < k; j++)
        {
            double total = 0;
            foreach (var v in dist2)
            {
                total += v;
            }

            if (total <= 0)
            {
                ThrowHelper.Argument(nameof(k), FormattableString.Invariant($"k = {k} clusters cannot be formed: the customers have only {j} distinct points; use k <= {j}."));
            }

            var target = random.NextDouble() * total;
            var chosen = n - 1;
            double acc = 0;
            for (var i = 0; i < n; i++)
            {
                acc += dist2[i];
                if (acc > target && dist2[i] > 0)
                {
                    chosen = i;
                    break;
                }
            }

            while (dist2[chosen] <= 0)
            {
                chosen--; // rounding at the end of the scan: step back to a point that is not already a centre
            }

            var centre = centroids.AsSpan(j * d, d);
            points.Slice(chosen * d, d).CopyTo(centre);
            for (var i = 0; i < n; i++)
            {
                dist2[i] = Math.Min(dist2[i], Distance2(points.Slice(i * d, d), centre));
            }
        }
    }

    private static void ReseedEmpty(double[] points, int d, int[] labels, double[] centroids, double[] next, int[] sizes, int empty)
    {
        var n = labels.Length;
        var far = -1;
        var farD = -1.0;
        for (var i = 0; i < n; i++)
        {
            if (sizes[labels[i]] <= 1)
            {
                continue; // never empty another cluster
            }

            var dd = Distance2(points.AsSpan(i * d, d), centroids.AsSpan(labels[i] * d, d));
            if (dd > farD)
            {
                farD = dd;
                far = i;
            }
        }

        if (far >= 0)
        {
            points.AsSpan(far * d, d).CopyTo(next.AsSpan(empty * d, d));
            sizes[labels[far]]--;
            sizes[empty] = 1;
        }
    }

    private static double Distance2(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (var t = 0; t < a.Length; t++)
        {
            var diff = a[t] - b[t];
            s += diff * diff;
        }

        return s;
    }

    private static double MeanVariance(ReadOnlySpan<double> points, int d)
    {
        var n = points.Length / d;
        double total = 0;
        for (var t = 0; t < d; t++)
        {
            double mean = 0;
            for (var i = 0; i < n; i++)
            {
                mean += points[(i * d) + t];
            }

            mean /= n;
            double ss = 0;
            for (var i = 0; i < n; i++)
            {
                var diff = points[(i * d) + t] - mean;
                ss += diff * diff;
            }

            total += ss / n;
        }

        return total / d;
    }

    private static (int From, int To) ChunkRange(int chunk, int n) =>
        ((int)((long)chunk * n / Chunks), (int)((long)(chunk + 1) * n / Chunks));

    private static int[] Sample(int n, int size, int seed)
    {
        if (n <= size)
        {
            return [.. Enumerable.Range(0, n)];
        }

        // Floyd's algorithm: a uniform sample without replacement in O(size) draws.
        var random = new Random(seed);
        var chosen = new HashSet<int>(size);
        for (var j = n - size; j < n; j++)
        {
            var t = random.Next(j + 1);
            chosen.Add(chosen.Contains(t) ? j : t);
        }

        var result = chosen.ToArray();
        Array.Sort(result);
        return result;
    }

    private static int CheckPoints(ReadOnlySpan<double> points, int dimensions)
    {
        if (dimensions < 1)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(dimensions), dimensions, "must be at least 1", "pass the number of coordinates per point");
        }

        if (points.Length == 0)
        {
            ThrowHelper.Argument(nameof(points), "the population is empty; clustering needs at least one customer.");
        }

        if (points.Length % dimensions != 0)
        {
            ThrowHelper.Argument(nameof(points), FormattableString.Invariant($"points has {points.Length} values, not a multiple of dimensions = {dimensions}; pass a row-major n × dimensions buffer."));
        }

        QuantileScoring.EnsureFinite(points, nameof(points));
        return points.Length / dimensions;
    }
}
