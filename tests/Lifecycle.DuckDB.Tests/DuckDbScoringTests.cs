using Lifecycle.Clv;

namespace Lifecycle.DuckDB.Tests;

public sealed class DuckDbScoringTests
{
    [Theory]
    [InlineData(ScoreFileFormat.Csv)]
    [InlineData(ScoreFileFormat.Parquet)]
    public void Score_Cdnow_EqualsTheModelOnInMemorySummaries(ScoreFileFormat format)
    {
        var rows = TestSupport.Cdnow();
        var options = new SummarizerOptions(TestSupport.CdnowEnd) { CalibrationEnd = TestSupport.CdnowCalibrationEnd, Unit = TimeUnit.Weeks };
        var summaries = TestSupport.InMemory(rows, options);
        var model = BgNbdModel.Fit(summaries).Model;
        var path = Path.Combine(Path.GetTempPath(), $"scores-{Environment.ProcessId}-{format}.{format.ToString().ToLowerInvariant()}");
        try
        {
            using var duck = new DuckDbSummarizer();
            TestSupport.Load(duck.Connection, "tx", rows);
            Assert.Equal(2357, duck.Score(DuckDbSource.Table("tx"), options, model, 39, path, format));

            using var read = duck.Connection.CreateCommand();
            read.CommandText = format == ScoreFileFormat.Csv
                ? $"SELECT * FROM read_csv('{path}', header = true, types = {{'customer_id': 'VARCHAR', 'p_alive': 'DOUBLE', 'expected_purchases': 'DOUBLE'}})"
                : $"SELECT * FROM read_parquet('{path}')";
            using var reader = read.ExecuteReader();
            var scored = new Dictionary<string, (double Alive, double Expected)>(StringComparer.Ordinal);
            while (reader.Read())
            {
                scored.Add(reader.GetString(0), (reader.GetDouble(1), reader.GetDouble(2)));
            }

            Assert.Equal(summaries.Count, scored.Count);
            for (var i = 0; i < summaries.Count; i++)
            {
                var (alive, expected) = scored[summaries.Ids[i]];

                // Same inputs (whole periods finished in .NET, doubles round-trip through both files), but scoring calls the
                // batch kernels, which are vectorised and differ from the scalar ones in the last bits (3e-17 seen);
                // 1e-13 relative is far below any decision and far above a few ulps.
                var a = model.ProbabilityAlive(summaries.Frequency[i], summaries.Recency[i], summaries.T[i]);
                var e = model.ConditionalExpectedTransactions(39, summaries.Frequency[i], summaries.Recency[i], summaries.T[i]);
                Assert.True(Math.Abs(alive - a) <= 1e-13 * Math.Abs(a), FormattableString.Invariant($"{summaries.Ids[i]}: P(alive) {alive:R} vs {a:R}"));
                Assert.True(Math.Abs(expected - e) <= 1e-13 * Math.Abs(e), FormattableString.Invariant($"{summaries.Ids[i]}: E[Y] {expected:R} vs {e:R}"));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Score_UnitMismatch_ThrowsNamingBoth()
    {
        using var duck = new DuckDbSummarizer();
        var model = new BgNbdModel(0.24, 4.41, 0.79, 2.43, TimeUnit.Weeks);
        var options = new SummarizerOptions(TestSupport.CdnowEnd) { Unit = TimeUnit.Days };
        var e = Assert.Throws<ArgumentException>(() => duck.Score(DuckDbSource.Table("tx"), options, model, 1, "x.csv", ScoreFileFormat.Csv));
        Assert.Contains(model.TimeUnit.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains(options.Unit.ToString(), e.Message, StringComparison.Ordinal);
    }
}
