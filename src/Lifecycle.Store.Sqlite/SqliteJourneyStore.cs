using System.Globalization;
using Lifecycle.Stages;
using Microsoft.Data.Sqlite;

namespace Lifecycle.Store;

/// <summary>An <see cref="IJourneyStore"/> in one SQLite file: the embedded default, no server.</summary>
/// <remarks>
/// <para>The schema is created and migrated by <see cref="OpenAsync"/> (version in <c>lifecycle_schema</c>; see
/// docs/store.md for tables, keys and indexes). A store written by a newer library (a higher schema version) is
/// refused with an error naming the file and both versions.</para>
/// <para>The file runs in WAL mode with <c>synchronous=NORMAL</c>: a killed process loses nothing committed; a power
/// loss may lose the last commits but never leaves a half-written one. Commits take the write lock up front
/// (<c>BEGIN IMMEDIATE</c>), so concurrent writers serialize and versions decide, not timing.</para>
/// <para>Thread safety: safe to share; each call opens its own (pooled) connection.</para>
/// </remarks>
public sealed class SqliteJourneyStore : IJourneyStore
{
    /// <summary>The schema version this library creates and reads.</summary>
    public const int SchemaVersion = 2;

    private static readonly string[] Migrations =
    [
        // 1: the first schema.
        """
        CREATE TABLE lifecycle_customers (
            customer_id TEXT NOT NULL PRIMARY KEY,
            version INTEGER NOT NULL,
            stage TEXT NOT NULL,
            as_of_ticks INTEGER NOT NULL,
            snapshot BLOB NOT NULL);
        CREATE INDEX lifecycle_customers_stage ON lifecycle_customers (stage);
        CREATE TABLE lifecycle_events (
            customer_id TEXT NOT NULL,
            event_id TEXT NOT NULL,
            at_ticks INTEGER NOT NULL,
            kind TEXT NOT NULL,
            PRIMARY KEY (customer_id, event_id)) WITHOUT ROWID;
        CREATE TABLE lifecycle_transitions (
            customer_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            from_stage TEXT,
            to_stage TEXT NOT NULL,
            at_ticks INTEGER NOT NULL,
            rule TEXT NOT NULL,
            event_id TEXT,
            PRIMARY KEY (customer_id, seq)) WITHOUT ROWID;
        CREATE INDEX lifecycle_transitions_at ON lifecycle_transitions (at_ticks);
        CREATE TABLE lifecycle_outbox (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            customer_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            from_stage TEXT,
            to_stage TEXT NOT NULL,
            at_ticks INTEGER NOT NULL,
            rule TEXT NOT NULL,
            event_id TEXT);
        CREATE TABLE lifecycle_checkpoints (
            source TEXT NOT NULL PRIMARY KEY,
            position INTEGER NOT NULL,
            digest INTEGER NOT NULL);
        """,

        // 2: events keep their content (snapshots of format version 2 no longer hold them), so a commit writes a
        // customer's small snapshot and new events instead of rewriting the whole history.
        """
        ALTER TABLE lifecycle_events ADD COLUMN offset_minutes INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE lifecycle_events ADD COLUMN amount TEXT;
        ALTER TABLE lifecycle_events ADD COLUMN score REAL;
        ALTER TABLE lifecycle_events ADD COLUMN attributes TEXT;
        """,
    ];

    private readonly string _connectionString;

    private SqliteJourneyStore(string path, string connectionString)
    {
        Path = path;
        _connectionString = connectionString;
    }

    /// <summary>Gets the database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating or migrating) a store file.</summary>
    /// <param name="path">The database file; created when missing.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="JourneyStoreException">The file is not a journey store, or its schema is newer than this library.</exception>
    public static Task<SqliteJourneyStore> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Open(path));
    }

    private static SqliteJourneyStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        var cs = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 60 }.ToString();
        var store = new SqliteJourneyStore(full, cs);
        try
        {
            using var c = store.Connect();
            Exec(c, null, "PRAGMA journal_mode=WAL;");
            using var tx = c.BeginTransaction(deferred: false);
            Exec(c, tx, "CREATE TABLE IF NOT EXISTS lifecycle_schema (version INTEGER NOT NULL);");
            var current = Convert.ToInt32(Scalar(c, tx, "SELECT COALESCE(MAX(version), 0) FROM lifecycle_schema;"), CultureInfo.InvariantCulture);
            if (current > SchemaVersion)
            {
                throw new JourneyStoreException(FormattableString.Invariant($"{full}: the journey store has schema version {current}, but this library knows versions 1 to {SchemaVersion}; open it with a newer Lifecycle.Store.Sqlite."));
            }

            for (var v = current; v < SchemaVersion; v++)
            {
                Exec(c, tx, Migrations[v]);
                Exec(c, tx, FormattableString.Invariant($"DELETE FROM lifecycle_schema; INSERT INTO lifecycle_schema (version) VALUES ({v + 1});"));
            }

            tx.Commit();
        }
        catch (SqliteException e)
        {
            throw new JourneyStoreException($"{full}: cannot open the journey store: {e.Message}", e);
        }

        return store;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, StoredState>> ReadStatesAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyDictionary<string, StoredState>>(ReadStates(customerIds));
    }

    private Dictionary<string, StoredState> ReadStates(IReadOnlyCollection<string> customerIds)
    {
        ArgumentNullException.ThrowIfNull(customerIds);
        var result = new Dictionary<string, StoredState>(customerIds.Count, StringComparer.Ordinal);
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        using var cmd = Command(c, tx, "SELECT version, snapshot FROM lifecycle_customers WHERE customer_id = $id;");
        var id = cmd.Parameters.Add("$id", SqliteType.Text);
        using var ev = Command(c, tx, "SELECT event_id, at_ticks, offset_minutes, kind, amount, score, attributes FROM lifecycle_events WHERE customer_id = $id;");
        var evId = ev.Parameters.Add("$id", SqliteType.Text);
        foreach (var customer in customerIds)
        {
            id.Value = customer;
            long version;
            byte[] snapshot;
            using (var r = cmd.ExecuteReader())
            {
                if (!r.Read())
                {
                    continue;
                }

                (version, snapshot) = (r.GetInt64(0), (byte[])r.GetValue(1));
            }

            var events = new List<StoredEvent>();
            evId.Value = customer;
            using (var r = ev.ExecuteReader())
            {
                while (r.Read())
                {
                    var offset = TimeSpan.FromMinutes(r.GetInt32(2));
                    events.Add(new StoredEvent(r.GetString(0), new DateTimeOffset(r.GetInt64(1) + offset.Ticks, offset), r.GetString(3))
                    {
                        Amount = r.IsDBNull(4) ? null : decimal.Parse(r.GetString(4), NumberStyles.Number, CultureInfo.InvariantCulture),
                        Score = r.IsDBNull(5) ? null : r.GetDouble(5),
                        Attributes = r.IsDBNull(6) ? null : r.GetString(6),
                    });
                }
            }

            result[customer] = new StoredState(customer, version, snapshot) { Events = events };
        }

        return result;
    }

    /// <inheritdoc/>
    public Task<CommitResult> CommitAsync(JourneyBatch batch, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<CommitResult>(Commit(batch));
    }

    private CommitResult Commit(JourneyBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: false);
        using var insert = Command(c, tx, "INSERT INTO lifecycle_customers (customer_id, version, stage, as_of_ticks, snapshot) VALUES ($id, 1, $stage, $asof, $snapshot) ON CONFLICT (customer_id) DO NOTHING;");
        using var update = Command(c, tx, "UPDATE lifecycle_customers SET version = version + 1, stage = $stage, as_of_ticks = $asof, snapshot = $snapshot WHERE customer_id = $id AND version = $expected;");
        var pInsert = (Id: insert.Parameters.Add("$id", SqliteType.Text), Stage: insert.Parameters.Add("$stage", SqliteType.Text), AsOf: insert.Parameters.Add("$asof", SqliteType.Integer), Snapshot: insert.Parameters.Add("$snapshot", SqliteType.Blob));
        var pUpdate = (Id: update.Parameters.Add("$id", SqliteType.Text), Stage: update.Parameters.Add("$stage", SqliteType.Text), AsOf: update.Parameters.Add("$asof", SqliteType.Integer), Snapshot: update.Parameters.Add("$snapshot", SqliteType.Blob), Expected: update.Parameters.Add("$expected", SqliteType.Integer));
        // In key order: each b-tree page is then touched once per commit, in sequence, instead of at random (at 1M
        // events the tables outgrow the page cache and random order made every commit re-read and re-write them).
        var customers = batch.Customers.OrderBy(cc => cc.CustomerId, StringComparer.Ordinal).ToArray();
        var conflicts = new List<string>();
        foreach (var cc in customers)
        {
            int rows;
            if (cc.ExpectedVersion == 0)
            {
                (pInsert.Id.Value, pInsert.Stage.Value, pInsert.AsOf.Value, pInsert.Snapshot.Value) = (cc.CustomerId, cc.Stage, cc.AsOf.UtcTicks, cc.Snapshot.ToArray());
                rows = insert.ExecuteNonQuery();
            }
            else
            {
                (pUpdate.Id.Value, pUpdate.Stage.Value, pUpdate.AsOf.Value, pUpdate.Snapshot.Value, pUpdate.Expected.Value) = (cc.CustomerId, cc.Stage, cc.AsOf.UtcTicks, cc.Snapshot.ToArray(), cc.ExpectedVersion);
                rows = update.ExecuteNonQuery();
            }

            if (rows != 1)
            {
                conflicts.Add(cc.CustomerId);
            }
        }

        if (conflicts.Count > 0)
        {
            tx.Rollback();
            return new CommitResult(false, conflicts);
        }

        // Rows go in multi-row INSERTs of up to RowsPerInsert rows: SQLite's cost is mostly per statement, not per row.
        // An existing event key gets its content written again (never a second row): how a version-1 customer's events gain theirs.
        using var events = new RowInserter(c, tx, "INSERT INTO lifecycle_events (customer_id, event_id, at_ticks, kind, offset_minutes, amount, score, attributes) VALUES ",
            8, " ON CONFLICT (customer_id, event_id) DO UPDATE SET at_ticks = excluded.at_ticks, kind = excluded.kind, offset_minutes = excluded.offset_minutes, amount = excluded.amount, score = excluded.score, attributes = excluded.attributes;");
        using var transitions = new RowInserter(c, tx, "INSERT INTO lifecycle_transitions (customer_id, seq, from_stage, to_stage, at_ticks, rule, event_id) VALUES ", 7, ";");
        using var outbox = new RowInserter(c, tx, "INSERT INTO lifecycle_outbox (customer_id, seq, from_stage, to_stage, at_ticks, rule, event_id) VALUES ", 7, ";");
        using var del = Command(c, tx, "DELETE FROM lifecycle_transitions WHERE customer_id = $c AND seq >= $s;");
        var pd = (C: del.Parameters.Add("$c", SqliteType.Text), S: del.Parameters.Add("$s", SqliteType.Integer));
        foreach (var cc in customers)
        {
            foreach (var e in cc.Events.OrderBy(e => e.EventId, StringComparer.Ordinal))
            {
                events.Add(cc.CustomerId, e.EventId, e.Timestamp.UtcTicks, e.Kind, (int)e.Timestamp.Offset.TotalMinutes,
                    e.Amount is { } amount ? amount.ToString(CultureInfo.InvariantCulture) : null, e.Score, e.Attributes);
            }

            if (cc.ExpectedVersion > 0 && cc.JourneyFrom < cc.StoredJourneyLength)
            {
                (pd.C.Value, pd.S.Value) = (cc.CustomerId, cc.JourneyFrom);
                del.ExecuteNonQuery();
            }

            for (var i = 0; i < cc.Transitions.Count; i++)
            {
                var t = cc.Transitions[i];
                transitions.Add(cc.CustomerId, cc.JourneyFrom + i, t.From, t.To, t.At.UtcTicks, t.Rule, t.EventId);
                if (batch.Publish)
                {
                    outbox.Add(cc.CustomerId, cc.JourneyFrom + i, t.From, t.To, t.At.UtcTicks, t.Rule, t.EventId);
                }
            }
        }

        events.Flush();
        transitions.Flush();
        outbox.Flush();

        if (batch.Checkpoint is { } cp)
        {
            using var ck = Command(c, tx, "INSERT INTO lifecycle_checkpoints (source, position, digest) VALUES ($s, $p, $d) ON CONFLICT (source) DO UPDATE SET position = excluded.position, digest = excluded.digest;");
            ck.Parameters.AddWithValue("$s", cp.Source);
            ck.Parameters.AddWithValue("$p", cp.Position);
            ck.Parameters.AddWithValue("$d", cp.Digest);
            ck.ExecuteNonQuery();
        }

        tx.Commit();
        return CommitResult.Success;
    }

    /// <inheritdoc/>
    public Task<SourceCheckpoint?> ReadCheckpointAsync(string source, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<SourceCheckpoint?>(ReadCheckpoint(source));
    }

    private SourceCheckpoint? ReadCheckpoint(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var c = Connect();
        using var cmd = Command(c, null, "SELECT position, digest FROM lifecycle_checkpoints WHERE source = $s;");
        cmd.Parameters.AddWithValue("$s", source);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new SourceCheckpoint(source, r.GetInt64(0), r.GetInt64(1)) : null;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> ListCustomersAsOfBeforeAsync(DateTimeOffset before, string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<string>>(ListCustomersAsOfBefore(before, afterId, limit));
    }

    private List<string> ListCustomersAsOfBefore(DateTimeOffset before, string? afterId, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        using var c = Connect();
        using var cmd = Command(c, null, "SELECT customer_id FROM lifecycle_customers WHERE as_of_ticks < $t AND ($a IS NULL OR customer_id > $a) ORDER BY customer_id LIMIT $n;");
        cmd.Parameters.AddWithValue("$t", before.UtcTicks);
        cmd.Parameters.AddWithValue("$a", (object?)afterId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$n", limit);
        var ids = new List<string>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            ids.Add(r.GetString(0));
        }

        return ids;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StageTransition>> ReadJourneyAsync(string customerId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<StageTransition>>(ReadJourney(customerId));
    }

    private List<StageTransition> ReadJourney(string customerId)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        using var c = Connect();
        using var cmd = Command(c, null, "SELECT from_stage, to_stage, at_ticks, rule, event_id FROM lifecycle_transitions WHERE customer_id = $c ORDER BY seq;");
        cmd.Parameters.AddWithValue("$c", customerId);
        var list = new List<StageTransition>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new StageTransition(r.IsDBNull(0) ? null : r.GetString(0), r.GetString(1), new DateTimeOffset(r.GetInt64(2), TimeSpan.Zero), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4)));
        }

        return list;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, long>> CountStagesAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyDictionary<string, long>>(CountStages());
    }

    private Dictionary<string, long> CountStages()
    {
        using var c = Connect();
        using var cmd = Command(c, null, "SELECT stage, COUNT(*) FROM lifecycle_customers GROUP BY stage;");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            counts.Add(r.GetString(0), r.GetInt64(1));
        }

        return counts;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StageFlowCount>> CountDailyFlowsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<StageFlowCount>>(CountDailyFlows());
    }

    private List<StageFlowCount> CountDailyFlows()
    {
        using var c = Connect();
        using var cmd = Command(c, null, FormattableString.Invariant($"SELECT at_ticks / {TimeSpan.TicksPerDay} AS day, from_stage, to_stage, COUNT(*) FROM lifecycle_transitions GROUP BY day, from_stage, to_stage;"));
        var flows = new List<StageFlowCount>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            flows.Add(new StageFlowCount(new DateTimeOffset(r.GetInt64(0) * TimeSpan.TicksPerDay, TimeSpan.Zero), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetInt64(3)));
        }

        return flows;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(int limit, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<OutboxMessage>>(ReadOutbox(limit));
    }

    private List<OutboxMessage> ReadOutbox(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        using var c = Connect();
        using var cmd = Command(c, null, "SELECT sequence, customer_id, seq, from_stage, to_stage, at_ticks, rule, event_id FROM lifecycle_outbox ORDER BY sequence LIMIT $n;");
        cmd.Parameters.AddWithValue("$n", limit);
        var list = new List<OutboxMessage>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var t = new StageTransition(r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), new DateTimeOffset(r.GetInt64(5), TimeSpan.Zero), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7));
            list.Add(new OutboxMessage(r.GetInt64(0), r.GetString(1), r.GetInt32(2), t));
        }

        return list;
    }

    /// <inheritdoc/>
    public Task AcknowledgeOutboxAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        AcknowledgeOutbox(sequences);
        return Task.CompletedTask;
    }

    private void AcknowledgeOutbox(IReadOnlyCollection<long> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: false);
        using var cmd = Command(c, tx, "DELETE FROM lifecycle_outbox WHERE sequence = $s;");
        var p = cmd.Parameters.Add("$s", SqliteType.Integer);
        foreach (var s in sequences)
        {
            p.Value = s;
            cmd.ExecuteNonQuery();
        }

        tx.Commit();
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
#pragma warning disable CA2100 // The SQL is constant text of this class; values go in parameters.
        cmd.CommandText = sql;
#pragma warning restore CA2100
        return cmd;
    }

    private static void Exec(SqliteConnection c, SqliteTransaction? tx, string sql)
    {
        using var cmd = Command(c, tx, sql);
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection c, SqliteTransaction? tx, string sql)
    {
        using var cmd = Command(c, tx, sql);
        return cmd.ExecuteScalar();
    }

    private SqliteConnection Connect()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        // A 256 MB page cache keeps the tables of a million events (about 250 MB) in memory across commits.
        using (var cmd = Command(c, null, "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;"))
        {
            cmd.ExecuteNonQuery();
        }

        return c;
    }

    /// <summary>Buffers rows and inserts them <see cref="RowsPerInsert"/> at a time with one prepared multi-row statement (the rest with a statement of their size).</summary>
    private sealed class RowInserter(SqliteConnection connection, SqliteTransaction transaction, string insert, int columns, string suffix) : IDisposable
    {
        private const int RowsPerInsert = 8;

        private readonly object?[] _values = new object?[RowsPerInsert * columns];
        private SqliteCommand? _full;
        private int _rows;

        public void Add(params ReadOnlySpan<object?> row)
        {
            row.CopyTo(_values.AsSpan(_rows * columns));
            if (++_rows == RowsPerInsert)
            {
                _full ??= Build(RowsPerInsert);
                Execute(_full, RowsPerInsert);
            }
        }

        public void Flush()
        {
            if (_rows > 0)
            {
                using var partial = Build(_rows);
                Execute(partial, _rows);
            }
        }

        public void Dispose() => _full?.Dispose();

        private SqliteCommand Build(int rows)
        {
            var sql = new System.Text.StringBuilder(insert);
            for (var r = 0; r < rows; r++)
            {
                sql.Append(r == 0 ? "(" : ",(");
                for (var k = 0; k < columns; k++)
                {
                    sql.Append(k == 0 ? "" : ",").Append("$p").Append((r * columns) + k);
                }

                sql.Append(')');
            }

            var cmd = Command(connection, transaction, sql.Append(suffix).ToString());
            for (var i = 0; i < rows * columns; i++)
            {
                cmd.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), null));
            }

            return cmd;
        }

        private void Execute(SqliteCommand cmd, int rows)
        {
            for (var i = 0; i < rows * columns; i++)
            {
                cmd.Parameters[i].Value = _values[i] ?? DBNull.Value;
            }

            cmd.ExecuteNonQuery();
            _rows = 0;
        }
    }
}
