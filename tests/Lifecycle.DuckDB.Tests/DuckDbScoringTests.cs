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
    public void Score_WithGammaGammaAndDiscounting_EqualsTheInMemoryClv()
    {
        var rows = TestSupport.Cdnow();
        var options = new SummarizerOptions(TestSupport.CdnowEnd) { Unit = TimeUnit.Weeks };
        var s = TestSupport.InMemory(rows, options);
        var model = BgNbdModel.Fit(s).Model;
        var repeat = Enumerable.Range(0, s.Count).Where(i => s.Frequency[i] > 0 && s.MonetaryValue[i] > 0).ToArray();
        var spend = GammaGammaModel.Fit([.. repeat.Select(i => s.Frequency[i])], [.. repeat.Select(i => s.MonetaryValue[i])], [], null, constrainQAboveOne: true).Model;
        var discounting = DiscreteDiscounting.Monthly(TimeUnit.Weeks, 12, 0.01);
        var expectedSpend = new double[s.Count];
        var clv = new double[s.Count];
        spend.ConditionalExpectedSpend(s.Frequency, s.MonetaryValue, expectedSpend);
        CustomerLifetimeValue.Discrete(model, spend, s.Frequency, s.Recency, s.T, s.MonetaryValue, discounting, clv);
        var path = Path.Combine(Path.GetTempPath(), $"scores-{Environment.ProcessId}-clv.parquet");
        try
        {
            using var duck = new DuckDbSummarizer();
            TestSupport.Load(duck.Connection, "tx", rows);
            Assert.Equal(2357, duck.ScoreWithValue(DuckDbSource.Table("tx"), options, model, 52, spend, discounting, path, ScoreFileFormat.Parquet));
            using var read = duck.Connection.CreateCommand();
            read.CommandText = $"SELECT customer_id, monetary_value, expected_spend, clv FROM read_parquet('{path}')";
            using var reader = read.ExecuteReader();
            var seen = 0;
            while (reader.Read())
            {
                var i = s.Ids.IndexOf(reader.GetString(0));

                // The monetary value is the summarizer's decimal arithmetic on exact totals: identical. Spend and CLV run the
                // same batch kernels on identical inputs; 1e-13 relative (as above) allows for a different vector split.
                Assert.Equal(s.MonetaryValue[i], reader.GetDouble(1));
                Assert.True(Math.Abs(reader.GetDouble(2) - expectedSpend[i]) <= 1e-13 * Math.Abs(expectedSpend[i]), $"{s.Ids[i]}: spend");
                Assert.True(Math.Abs(reader.GetDouble(3) - clv[i]) <= 1e-13 * Math.Abs(clv[i]), $"{s.Ids[i]}: CLV {reader.GetDouble(3)} vs {clv[i]}");
                seen++;
            }

            Assert.Equal(s.Count, seen);
            Assert.True(clv.Sum() > 0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Score_MoreCustomersThanABatch_ScoresEveryoneOnce()
    {
        // 70,000 customers > one 65,536 batch, so appends happen while DuckDB is still streaming customers.
        var path = Path.Combine(Path.GetTempPath(), $"scores-{Environment.ProcessId}-many.csv");
        try
        {
            using var duck = new DuckDbSummarizer();
            using (var create = duck.Connection.CreateCommand())
            {
                create.CommandText = "CREATE TABLE tx AS SELECT 'c' || i AS customer_id, TIMESTAMP '2024-01-01' + to_days(CAST(i % 300 AS INTEGER)) AS date, 1.5 AS amount FROM range(70000) t(i) UNION ALL SELECT 'c' || i, TIMESTAMP '2024-11-01', 2.0 FROM range(0, 70000, 7) t(i)";
                create.ExecuteNonQuery();
            }

            var options = new SummarizerOptions(new DateTimeOffset(2024, 12, 31, 0, 0, 0, TimeSpan.Zero)) { Unit = TimeUnit.Weeks };
            var model = new BgNbdModel(0.24, 4.41, 0.79, 2.43, TimeUnit.Weeks);
            Assert.Equal(70_000, duck.Score(DuckDbSource.Table("tx"), options, model, 13, path, ScoreFileFormat.Csv));
            using var read = duck.Connection.CreateCommand();
            read.CommandText = $"SELECT COUNT(*), COUNT(DISTINCT customer_id), MIN(p_alive), MAX(p_alive) FROM read_csv('{path}', header = true)";
            using var reader = read.ExecuteReader();
            reader.Read();
            Assert.Equal(70_000L, reader.GetInt64(0));
            Assert.Equal(70_000L, reader.GetInt64(1));
            Assert.InRange(reader.GetDouble(2), 0.0, 1.0);
            Assert.InRange(reader.GetDouble(3), 0.0, 1.0);
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
