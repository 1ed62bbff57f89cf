using System.Globalization;
using Lifecycle.Stages;
using Npgsql;
using NpgsqlTypes;

namespace Lifecycle.Store;

/// <summary>An <see cref="IJourneyStore"/> in PostgreSQL: batched commits with binary COPY, optimistic concurrency per customer.</summary>
/// <remarks>
/// <para>The schema (tables in one PostgreSQL schema, <c>public</c> by default) is created and migrated by
/// <see cref="OpenAsync"/> under an advisory lock, so several processes may open the same database at once; its
/// version is in <c>lifecycle_schema</c>. See docs/store.md for tables, keys and indexes.</para>
/// <para>A commit copies the batch's customers into a temporary table (COPY), locks the stored rows in id order, updates
/// those whose version still matches and inserts the new ones (each returning the ids it wrote), so conflicts are
/// known exactly; the events, transitions and outbox messages are then written with COPY in the same transaction.
/// A deadlock or serialization failure with another writer is reported as a conflict of the whole batch.</para>
/// <para>Thread safety: safe to share; each call takes its own connection from the data source's pool.</para>
/// </remarks>
public sealed class PostgreSqlJourneyStore : IJourneyStore, IAsyncDisposable
{
    /// <summary>The schema version this library creates and reads.</summary>
    public const int SchemaVersion = 2;

    private readonly NpgsqlDataSource _source;
    private readonly string _s;

    private PostgreSqlJourneyStore(NpgsqlDataSource source, string schema)
    {
        _source = source;
        Schema = schema;
        _s = "\"" + schema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\".";
    }

    /// <summary>Gets the PostgreSQL schema that holds the tables.</summary>
    public string Schema { get; }

    /// <summary>Opens (creating or migrating) a store.</summary>
    /// <param name="connection">An Npgsql connection string (<c>Host=…;Username=…</c>) or a URL (<c>postgres://user:password@host:port/database</c>).</param>
    /// <param name="schema">The PostgreSQL schema for the tables; created when missing.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentException">The connection string is empty or malformed.</exception>
    /// <exception cref="JourneyStoreException">The server cannot be reached, or the store's schema is newer than this library.</exception>
    public static async Task<PostgreSqlJourneyStore> OpenAsync(string connection, string schema = "public", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        var builder = new NpgsqlConnectionStringBuilder(ToConnectionString(connection));
        var store = new PostgreSqlJourneyStore(NpgsqlDataSource.Create(builder), schema);
        var where = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database} schema '{schema}'";
        try
        {
            await store.MigrateAsync(where, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw new JourneyStoreException($"{where}: cannot open the journey store: {e.Message}", e);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return store;
    }

    /// <summary>Turns a <c>postgres://</c> or <c>postgresql://</c> URL into an Npgsql connection string; other text is returned as it is.</summary>
    /// <param name="connection">The URL or connection string.</param>
    /// <returns>An Npgsql connection string.</returns>
    /// <exception cref="ArgumentException">The URL is malformed.</exception>
    public static string ToConnectionString(string connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!connection.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) && !connection.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return connection;
        }

        if (!Uri.TryCreate(connection, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"'{connection}' is not a valid PostgreSQL URL; write postgres://user:password@host:port/database.", nameof(connection));
        }

        var b = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port };
        var user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0)
        {
            b.Username = Uri.UnescapeDataString(user[0]);
        }

        if (user.Length == 2)
        {
            b.Password = Uri.UnescapeDataString(user[1]);
        }

        var db = uri.AbsolutePath.Trim('/');
        if (db.Length > 0)
        {
            b.Database = Uri.UnescapeDataString(db);
        }

        return b.ConnectionString;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _source.DisposeAsync();

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, StoredState>> ReadStatesAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerIds);
        var result = new Dictionary<string, StoredState>(customerIds.Count, StringComparer.Ordinal);
        if (customerIds.Count == 0)
        {
            return result;
        }

        var c = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            // One snapshot of the database for both reads, so the events are exactly those the snapshot reflects.
            var tx = await c.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            var cmd = Command(c, tx, $"SELECT customer_id, version, snapshot FROM {_s}lifecycle_customers WHERE customer_id = ANY($1);");
            await using (cmd.ConfigureAwait(false))
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = customerIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (r.ConfigureAwait(false))
                {
                    while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var id = r.GetString(0);
                        result[id] = new StoredState(id, r.GetInt64(1), (byte[])r.GetValue(2));
                    }
                }
            }

            var events = new Dictionary<string, List<StoredEvent>>(result.Count, StringComparer.Ordinal);
            var ev = Command(c, tx, $"SELECT customer_id, event_id, at_ticks, offset_minutes, kind, amount, score, attributes FROM {_s}lifecycle_events WHERE customer_id = ANY($1);");
            await using (ev.ConfigureAwait(false))
            {
                ev.Parameters.Add(new NpgsqlParameter { Value = result.Keys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                var r = await ev.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (r.ConfigureAwait(false))
                {
                    while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var id = r.GetString(0);
                        if (!events.TryGetValue(id, out var list))
                        {
                            events.Add(id, list = []);
                        }

                        var offset = TimeSpan.FromMinutes(r.GetInt32(3));
                        list.Add(new StoredEvent(r.GetString(1), new DateTimeOffset(r.GetInt64(2) + offset.Ticks, offset), r.GetString(4))
                        {
                            Amount = r.IsDBNull(5) ? null : r.GetDecimal(5),
                            Score = r.IsDBNull(6) ? null : r.GetDouble(6),
                            Attributes = r.IsDBNull(7) ? null : r.GetString(7),
                        });
                    }
                }
            }

            foreach (var (id, list) in events)
            {
                result[id] = result[id] with { Events = list };
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task<CommitResult> CommitAsync(JourneyBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var c = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                try
                {
                    var conflicts = await WriteCustomersAsync(c, tx, batch, cancellationToken).ConfigureAwait(false);
                    if (conflicts.Count > 0)
                    {
                        await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
                        return new CommitResult(false, conflicts);
                    }

                    await WriteHistoryAsync(c, tx, batch, cancellationToken).ConfigureAwait(false);
                    await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return CommitResult.Success;
                }
                catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
                {
                    // Another writer holds some of these customers in the other order: nothing was written, recompute from the stored states.
                    return new CommitResult(false, batch.Customers.Select(x => x.CustomerId).ToList());
                }
            }
        }
    }

    /// <inheritdoc/>
    public async Task<SourceCheckpoint?> ReadCheckpointAsync(string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        SourceCheckpoint? result = null;
        await QueryAsync($"SELECT position, digest FROM {_s}lifecycle_checkpoints WHERE source = $1;", [source], r => result = new SourceCheckpoint(source, r.GetInt64(0), r.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ListCustomersAsOfBeforeAsync(DateTimeOffset before, string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var ids = new List<string>();
        await QueryAsync($"SELECT customer_id FROM {_s}lifecycle_customers WHERE as_of_ticks < $1 AND ($2::text IS NULL OR customer_id COLLATE \"C\" > $2::text) ORDER BY customer_id COLLATE \"C\" LIMIT $3;", [before.UtcTicks, (object?)afterId ?? DBNull.Value, limit], r => ids.Add(r.GetString(0)), cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StageTransition>> ReadJourneyAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        var list = new List<StageTransition>();
        await QueryAsync($"SELECT from_stage, to_stage, at_ticks, rule, event_id FROM {_s}lifecycle_transitions WHERE customer_id = $1 ORDER BY seq;", [customerId],
            r => list.Add(new StageTransition(r.IsDBNull(0) ? null : r.GetString(0), r.GetString(1), new DateTimeOffset(r.GetInt64(2), TimeSpan.Zero), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4))), cancellationToken).ConfigureAwait(false);
        return list;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, long>> CountStagesAsync(CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await QueryAsync($"SELECT stage, COUNT(*) FROM {_s}lifecycle_customers GROUP BY stage;", [], r => counts.Add(r.GetString(0), r.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        return counts;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StageFlowCount>> CountDailyFlowsAsync(CancellationToken cancellationToken = default)
    {
        var flows = new List<StageFlowCount>();
        await QueryAsync(FormattableString.Invariant($"SELECT at_ticks / {TimeSpan.TicksPerDay} AS day, from_stage, to_stage, COUNT(*) FROM {_s}lifecycle_transitions GROUP BY day, from_stage, to_stage;"), [],
            r => flows.Add(new StageFlowCount(new DateTimeOffset(r.GetInt64(0) * TimeSpan.TicksPerDay, TimeSpan.Zero), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetInt64(3))), cancellationToken).ConfigureAwait(false);
        return flows;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var list = new List<OutboxMessage>();
        await QueryAsync($"SELECT sequence, customer_id, seq, from_stage, to_stage, at_ticks, rule, event_id FROM {_s}lifecycle_outbox ORDER BY sequence LIMIT $1;", [limit], r =>
        {
            var t = new StageTransition(r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), new DateTimeOffset(r.GetInt64(5), TimeSpan.Zero), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7));
            list.Add(new OutboxMessage(r.GetInt64(0), r.GetString(1), r.GetInt32(2), t));
        }, cancellationToken).ConfigureAwait(false);
        return list;
    }

    /// <inheritdoc/>
    public async Task AcknowledgeOutboxAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        await QueryAsync($"DELETE FROM {_s}lifecycle_outbox WHERE sequence = ANY($1);", [sequences.ToArray()], _ => { }, cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlCommand Command(NpgsqlConnection c, NpgsqlTransaction? tx, string sql)
    {
#pragma warning disable CA2100 // The SQL is constant text of this class plus the quoted schema name; values go in parameters.
        return new NpgsqlCommand(sql, c, tx);
#pragma warning restore CA2100
    }

    private static async Task ExecAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken)
    {
        var cmd = Command(c, tx, sql);
        await using (cmd.ConfigureAwait(false))
        {
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task QueryAsync(string sql, object[] args, Action<NpgsqlDataReader> row, CancellationToken cancellationToken)
    {
        var c = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var cmd = Command(c, null, sql);
            await using (cmd.ConfigureAwait(false))
            {
                foreach (var a in args)
                {
                    cmd.Parameters.Add(new NpgsqlParameter { Value = a });
                }

                var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (r.ConfigureAwait(false))
                {
                    while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        row(r);
                    }
                }
            }
        }
    }

    private async Task MigrateAsync(string where, CancellationToken cancellationToken)
    {
        var c = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                // One migrator at a time per database; others wait and then find the schema current.
                await ExecAsync(c, tx, "SELECT pg_advisory_xact_lock(7311500116);", cancellationToken).ConfigureAwait(false);
                await ExecAsync(c, tx, $"CREATE SCHEMA IF NOT EXISTS {_s[..^1]}; CREATE TABLE IF NOT EXISTS {_s}lifecycle_schema (version integer NOT NULL);", cancellationToken).ConfigureAwait(false);
                int current;
                var cmd = Command(c, tx, $"SELECT COALESCE(MAX(version), 0) FROM {_s}lifecycle_schema;");
                await using (cmd.ConfigureAwait(false))
                {
                    current = Convert.ToInt32(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                }

                if (current > SchemaVersion)
                {
                    throw new JourneyStoreException(FormattableString.Invariant($"{where}: the journey store has schema version {current}, but this library knows versions 1 to {SchemaVersion}; open it with a newer Lifecycle.Store.PostgreSql."));
                }

                var migrations = Migrations();
                for (var v = current; v < SchemaVersion; v++)
                {
                    await ExecAsync(c, tx, migrations[v], cancellationToken).ConfigureAwait(false);
                    await ExecAsync(c, tx, FormattableString.Invariant($"DELETE FROM {_s}lifecycle_schema; INSERT INTO {_s}lifecycle_schema (version) VALUES ({v + 1});"), cancellationToken).ConfigureAwait(false);
                }

                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private string[] Migrations() =>
    [
        // 1: the first schema.
        $"""
        CREATE TABLE {_s}lifecycle_customers (
            customer_id text NOT NULL PRIMARY KEY,
            version bigint NOT NULL,
            stage text NOT NULL,
            as_of_ticks bigint NOT NULL,
            snapshot bytea NOT NULL);
        CREATE INDEX lifecycle_customers_stage ON {_s}lifecycle_customers (stage);
        CREATE TABLE {_s}lifecycle_events (
            customer_id text NOT NULL,
            event_id text NOT NULL,
            at_ticks bigint NOT NULL,
            kind text NOT NULL,
            PRIMARY KEY (customer_id, event_id));
        CREATE TABLE {_s}lifecycle_transitions (
            customer_id text NOT NULL,
            seq integer NOT NULL,
            from_stage text,
            to_stage text NOT NULL,
            at_ticks bigint NOT NULL,
            rule text NOT NULL,
            event_id text,
            PRIMARY KEY (customer_id, seq));
        CREATE INDEX lifecycle_transitions_at ON {_s}lifecycle_transitions (at_ticks);
        CREATE TABLE {_s}lifecycle_outbox (
            sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            customer_id text NOT NULL,
            seq integer NOT NULL,
            from_stage text,
            to_stage text NOT NULL,
            at_ticks bigint NOT NULL,
            rule text NOT NULL,
            event_id text);
        CREATE TABLE {_s}lifecycle_checkpoints (
            source text NOT NULL PRIMARY KEY,
            position bigint NOT NULL,
            digest bigint NOT NULL);
        """,

        // 2: events keep their content (snapshots of format version 2 no longer hold them), so a commit writes a
        // customer's small snapshot and new events instead of rewriting the whole history.
        $"""
        ALTER TABLE {_s}lifecycle_events ADD COLUMN offset_minutes integer NOT NULL DEFAULT 0, ADD COLUMN amount numeric,
            ADD COLUMN score double precision, ADD COLUMN attributes text;
        """,
    ];

    private async Task<List<string>> WriteCustomersAsync(NpgsqlConnection c, NpgsqlTransaction tx, JourneyBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Customers.Count == 0)
        {
            return [];
        }

        await ExecAsync(c, tx, "CREATE TEMP TABLE IF NOT EXISTS lifecycle_commit (customer_id text NOT NULL, expected bigint NOT NULL, stage text NOT NULL, as_of_ticks bigint NOT NULL, snapshot bytea NOT NULL, journey_from integer NOT NULL, stored_length integer NOT NULL) ON COMMIT DELETE ROWS;", cancellationToken).ConfigureAwait(false);
        var w = await c.BeginBinaryImportAsync("COPY lifecycle_commit (customer_id, expected, stage, as_of_ticks, snapshot, journey_from, stored_length) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (w.ConfigureAwait(false))
        {
            foreach (var cc in batch.Customers)
            {
                await w.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await w.WriteAsync(cc.CustomerId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await w.WriteAsync(cc.ExpectedVersion, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await w.WriteAsync(cc.Stage, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await w.WriteAsync(cc.AsOf.UtcTicks, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await w.WriteAsync(cc.Snapshot.ToArray(), NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                await w.WriteAsync(cc.JourneyFrom, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await w.WriteAsync(cc.StoredJourneyLength, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            }

            await w.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        var written = new HashSet<string>(StringComparer.Ordinal);
        var sql = $"""
            SELECT 1 FROM {_s}lifecycle_customers x JOIN lifecycle_commit t USING (customer_id) ORDER BY x.customer_id FOR UPDATE OF x;
            UPDATE {_s}lifecycle_customers x SET version = x.version + 1, stage = t.stage, as_of_ticks = t.as_of_ticks, snapshot = t.snapshot
                FROM lifecycle_commit t WHERE t.expected > 0 AND x.customer_id = t.customer_id AND x.version = t.expected RETURNING x.customer_id;
            INSERT INTO {_s}lifecycle_customers (customer_id, version, stage, as_of_ticks, snapshot)
                SELECT customer_id, 1, stage, as_of_ticks, snapshot FROM lifecycle_commit WHERE expected = 0 ORDER BY customer_id
                ON CONFLICT (customer_id) DO NOTHING RETURNING customer_id;
            """;
        var cmd = Command(c, tx, sql);
        await using (cmd.ConfigureAwait(false))
        {
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
            {
                await r.NextResultAsync(cancellationToken).ConfigureAwait(false);
                do
                {
                    while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        written.Add(r.GetString(0));
                    }
                }
                while (await r.NextResultAsync(cancellationToken).ConfigureAwait(false));
            }
        }

        return batch.Customers.Where(x => !written.Contains(x.CustomerId)).Select(x => x.CustomerId).ToList();
    }

    private async Task WriteHistoryAsync(NpgsqlConnection c, NpgsqlTransaction tx, JourneyBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Customers.Count > 0)
        {
            await ExecAsync(c, tx, $"DELETE FROM {_s}lifecycle_transitions x USING lifecycle_commit t WHERE t.expected > 0 AND t.journey_from < t.stored_length AND x.customer_id = t.customer_id AND x.seq >= t.journey_from;", cancellationToken).ConfigureAwait(false);
            // Copied into a temporary table, then inserted: an existing key gets its content written again, never a
            // second row (how the events of a customer read from a version-1 snapshot gain their content).
            await ExecAsync(c, tx, "CREATE TEMP TABLE IF NOT EXISTS lifecycle_commit_events (customer_id text NOT NULL, event_id text NOT NULL, at_ticks bigint NOT NULL, kind text NOT NULL, offset_minutes integer NOT NULL, amount numeric, score double precision, attributes text) ON COMMIT DELETE ROWS;", cancellationToken).ConfigureAwait(false);
            var ev = await c.BeginBinaryImportAsync("COPY lifecycle_commit_events (customer_id, event_id, at_ticks, kind, offset_minutes, amount, score, attributes) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            await using (ev.ConfigureAwait(false))
            {
                foreach (var cc in batch.Customers)
                {
                    foreach (var e in cc.Events)
                    {
                        await ev.StartRowAsync(cancellationToken).ConfigureAwait(false);
                        await ev.WriteAsync(cc.CustomerId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                        await ev.WriteAsync(e.EventId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                        await ev.WriteAsync(e.Timestamp.UtcTicks, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                        await ev.WriteAsync(e.Kind, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                        await ev.WriteAsync((int)e.Timestamp.Offset.TotalMinutes, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                        await ev.WriteAsync(e.Amount is { } amount ? amount : (object)DBNull.Value, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                        await ev.WriteAsync(e.Score is { } score ? score : (object)DBNull.Value, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                        await ev.WriteAsync((object?)e.Attributes ?? DBNull.Value, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    }
                }

                await ev.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            await ExecAsync(c, tx, $"""
                INSERT INTO {_s}lifecycle_events (customer_id, event_id, at_ticks, kind, offset_minutes, amount, score, attributes)
                    SELECT customer_id, event_id, at_ticks, kind, offset_minutes, amount, score, attributes FROM lifecycle_commit_events
                ON CONFLICT (customer_id, event_id) DO UPDATE SET at_ticks = excluded.at_ticks, kind = excluded.kind, offset_minutes = excluded.offset_minutes,
                    amount = excluded.amount, score = excluded.score, attributes = excluded.attributes;
                """, cancellationToken).ConfigureAwait(false);
            await CopyTransitionsAsync(c, $"COPY {_s}lifecycle_transitions (customer_id, seq, from_stage, to_stage, at_ticks, rule, event_id) FROM STDIN (FORMAT BINARY)", batch, cancellationToken).ConfigureAwait(false);
            if (batch.Publish)
            {
                await CopyTransitionsAsync(c, $"COPY {_s}lifecycle_outbox (customer_id, seq, from_stage, to_stage, at_ticks, rule, event_id) FROM STDIN (FORMAT BINARY)", batch, cancellationToken).ConfigureAwait(false);
            }
        }

        if (batch.Checkpoint is { } cp)
        {
            var cmd = Command(c, tx, $"INSERT INTO {_s}lifecycle_checkpoints (source, position, digest) VALUES ($1, $2, $3) ON CONFLICT (source) DO UPDATE SET position = excluded.position, digest = excluded.digest;");
            await using (cmd.ConfigureAwait(false))
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = cp.Source });
                cmd.Parameters.Add(new NpgsqlParameter { Value = cp.Position });
                cmd.Parameters.Add(new NpgsqlParameter { Value = cp.Digest });
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task CopyTransitionsAsync(NpgsqlConnection c, string copy, JourneyBatch batch, CancellationToken cancellationToken)
    {
        var w = await c.BeginBinaryImportAsync(copy, cancellationToken).ConfigureAwait(false);
        await using (w.ConfigureAwait(false))
        {
            foreach (var cc in batch.Customers)
            {
                for (var i = 0; i < cc.Transitions.Count; i++)
                {
                    var t = cc.Transitions[i];
                    await w.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await w.WriteAsync(cc.CustomerId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await w.WriteAsync(cc.JourneyFrom + i, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                    await w.WriteAsync((object?)t.From ?? DBNull.Value, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await w.WriteAsync(t.To, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await w.WriteAsync(t.At.UtcTicks, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await w.WriteAsync(t.Rule, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await w.WriteAsync((object?)t.EventId ?? DBNull.Value, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                }
            }

            await w.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
