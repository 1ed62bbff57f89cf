using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;

namespace Lifecycle.IO;

/// <summary>
/// The fast path of summarizing a transactions CSV: the file is cut into one byte range per core at line starts, each
/// range is parsed from its bytes (no strings per row, ids looked up as UTF-8 in a <see cref="Utf8IdTable"/>, the last
/// timestamp text remembered) and folded into its own <see cref="TransactionSummarizer{TKey}.DenseFold"/>, and the folds
/// are merged in file order. It takes only what it can read exactly like <see cref="TransactionCsv"/>: rows without
/// quotes, NULs, lone carriage returns or byte order marks, every field valid. Anything else (an error too) makes it
/// answer "not applicable", and the caller reads the file with the sequential reader, which gives the same summaries
/// or reports the first error in the file with its line and column. Errors are the rare path, so they cost a re-read.
/// </summary>
internal static class ParallelTransactionCsv
{
    private const int BufferSize = 1 << 22;
    private const int Buckets = 256;
    private static readonly SearchValues<byte> QuoteOrNul = SearchValues.Create([0, (byte)'"']);

    /// <summary>Summarizes a transactions file in parallel, or says it cannot (then read it with <see cref="TransactionCsv"/>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The layout (CSV only).</param>
    /// <param name="summarizer">The summarizer options; with <paramref name="endFromData"/> the observation end is replaced by the last transaction.</param>
    /// <param name="endFromData">Whether the observation end is the last transaction's timestamp (as a first pass would find it).</param>
    /// <param name="order">The order of the customers in the result.</param>
    /// <param name="summaries">The summaries, or <c>null</c> when the end comes from the data and the file has no rows.</param>
    /// <param name="workers">Byte ranges read in parallel; 0 for one per processor.</param>
    /// <param name="cancellationToken">Stops the read between buffers.</param>
    /// <returns><c>false</c> when the fast path does not apply (the summaries are then <c>null</c>).</returns>
    /// <exception cref="CsvReadException">The header is missing, malformed or lacks a column (as the sequential reader reports it).</exception>
    public static bool TrySummarize(string path, TransactionCsvOptions options, SummarizerOptions summarizer, bool endFromData, IComparer<string>? order, out SummarySet<string>? summaries, int workers = 0, CancellationToken cancellationToken = default) =>
        TrySummarize(path, options, summarizer, endFromData, order, out summaries, workers, 1 << 20, BufferSize, cancellationToken);

    /// <summary>As above, with the range and buffer sizes exposed so tests put chunk and buffer edges anywhere.</summary>
    internal static bool TrySummarize(string path, TransactionCsvOptions options, SummarizerOptions summarizer, bool endFromData, IComparer<string>? order, out SummarySet<string>? summaries, int workers, long minimumPerWorker, int bufferSize, CancellationToken cancellationToken)
    {
        summaries = null;
        if (options.Layout != TransactionLayout.Csv
            || (endFromData && summarizer.TimeZone is not null && !ReferenceEquals(summarizer.TimeZone, TimeZoneInfo.Utc))
            || (!endFromData && summarizer.CalibrationEnd is { } calibrationEnd && summarizer.PeriodOf(calibrationEnd) > summarizer.PeriodOf(summarizer.ObservationEnd)))
        {
            return false; // the summarizer's own constructor reports a calibration end after the end
        }

        TransactionCsv.Columns columns;
        int width;
        using (var csv = CsvFile.Open(CsvFile.OpenFile(path, options.Expected), path, options.Expected))
        {
            columns = TransactionCsv.Columns.Of(csv, options);
            width = csv.Header.Length;
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(handle);
        var dataStart = DataStart(handle, length);
        if (dataStart < 0 || width < 2 || columns.Id == columns.Date)
        {
            return false;
        }

        workers = workers > 0 ? workers : Environment.ProcessorCount;
        workers = (int)Math.Clamp((length - dataStart) / minimumPerWorker, 1, workers);
        var bounds = new long[workers + 1];
        bounds[0] = dataStart;
        bounds[workers] = length;
        for (var w = 1; w < workers; w++)
        {
            bounds[w] = Math.Max(bounds[w - 1], LineStartAfter(handle, dataStart + ((length - dataStart) * w / workers), length));
        }

        var parts = new Part[workers];
        var endFound = endFromData;
        var declined = new StrongBox<bool>(); // set by the first range that declines: the others stop at their next buffer
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken }, w =>
        {
            var part = new Part(options, columns, width, summarizer, endFound);
            part.Read(handle, bounds[w], bounds[w + 1], bufferSize, declined, cancellationToken);
            parts[w] = part;
        });

        if (parts.Any(p => p.Failed) || (endFromData && parts.Any(p => p.MixedOffsets)))
        {
            return false;
        }

        var final = summarizer;
        if (endFromData)
        {
            var last = parts.Where(p => p.Any).Select(p => (DateTimeOffset?)p.Last).Max();
            if (last is not { } end)
            {
                return true; // no rows: the caller writes the empty summary
            }

            final = summarizer with { ObservationEnd = end };
            if (final.CalibrationEnd is { } c && final.PeriodOf(c) > final.PeriodOf(end))
            {
                return false; // the sequential path reports it
            }
        }

        // Bucket b of every range holds the customers whose hash falls in b: buckets merge independently, in range order.
        var merged = new Bucket?[Buckets];
        Parallel.For(0, Buckets, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken }, b =>
        {
            Bucket? target = null;
            foreach (var part in parts)
            {
                if (part.ByBucket[b] is not { } source)
                {
                    continue;
                }

                if (target is null)
                {
                    target = source;
                    continue;
                }

                for (var j = 0; j < source.Ids.Count; j++)
                {
                    if (source.Fold.Has(j))
                    {
                        var id = source.Ids[j];
                        target.Fold.MergeCustomer(target.Ids.GetOrAdd(IdKey.Of(id), id), source.Fold, j);
                    }
                }

                target.Fold.MergeCounts(source.Fold);
            }

            if (target is not null)
            {
                target.Strings = new string[target.Fold.Customers];
                for (var i = 0; i < target.Strings.Length; i++)
                {
                    target.Strings[i] = target.Ids.GetString(i);
                }
            }

            merged[b] = target;
        });

        var used = merged.OfType<Bucket>().ToList();
        summaries = TransactionSummarizer<string>.BuildDense(final, [.. used.Select(u => u.Fold)], [.. used.Select(u => u.Strings!)], order);
        return true;
    }

    /// <summary>Where the first data row starts: after the header line (and a byte order mark); -1 when the header is quoted.</summary>
    private static long DataStart(SafeFileHandle handle, long length)
    {
        var buffer = new byte[64 * 1024];
        long at = 0;
        while (at < length)
        {
            var n = RandomAccess.Read(handle, buffer, at);
            if (n == 0)
            {
                break;
            }

            var chunk = buffer.AsSpan(0, n);
            var nl = chunk.IndexOf((byte)'\n');
            var quote = chunk[..(nl < 0 ? n : nl)].IndexOf((byte)'"');
            if (quote >= 0)
            {
                return -1; // a quoted header may hold a newline: leave it to the sequential reader
            }

            if (nl >= 0)
            {
                return at + nl + 1;
            }

            at += n;
        }

        return length;
    }

    private static long LineStartAfter(SafeFileHandle handle, long position, long length)
    {
        var buffer = new byte[64 * 1024];
        var at = position - 1; // a range starting right after a newline starts there
        while (at < length)
        {
            var n = RandomAccess.Read(handle, buffer, at);
            if (n == 0)
            {
                break;
            }

            var nl = buffer.AsSpan(0, n).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                return at + nl + 1;
            }

            at += n;
        }

        return length;
    }

    /// <summary>The customers of one hash bucket: their ids and their fold.</summary>
    private sealed class Bucket(SummarizerOptions summarizer, bool endFromData)
    {
        public Utf8IdTable Ids { get; } = new(256);

        public TransactionSummarizer<string>.DenseFold Fold { get; } = new(summarizer, endFromData, 256);

        public string[]? Strings { get; set; }
    }

    /// <summary>A parsed row waiting in a batch for its bucket.</summary>
    private struct BatchRow
    {
        public IdKey Key;
        public int Length;
        public int LongOffset;
        public DateTimeOffset Timestamp;
        public decimal Amount;
    }

    /// <summary>
    /// One byte range. Rows are parsed into a batch, then folded bucket by bucket (the top byte of the id hash): a bucket
    /// holds 1/256 of the customers, so its id table and accumulators stay in cache while its rows go by, instead of
    /// one random memory access per row into tables of a million customers.
    /// </summary>
    private sealed class Part
    {
        private const int BatchRows = 1 << 16;
        private readonly TransactionCsvOptions _options;
        private readonly TransactionCsv.Columns _columns;
        private readonly int _width;
        private readonly SummarizerOptions _summarizer;
        private readonly bool _endFromData;
        private readonly bool _rejectRefunds;
        private readonly byte[] _lastDate = new byte[64];
        private readonly BatchRow[] _rows = new BatchRow[BatchRows];
        private readonly int[] _order = new int[BatchRows];
        private readonly int[] _offsets = new int[Buckets + 1];
        private byte[] _longIds = new byte[1 << 16];
        private int _longUsed;
        private int _count;
        private int _lastDateLength = -1;
        private DateTimeOffset _lastTimestamp;

        public Part(TransactionCsvOptions options, TransactionCsv.Columns columns, int width, SummarizerOptions summarizer, bool endFromData)
        {
            _options = options;
            _columns = columns;
            _width = width;
            _summarizer = summarizer;
            _endFromData = endFromData;
            _rejectRefunds = summarizer.Refunds == RefundPolicy.Reject;
        }

        public Bucket?[] ByBucket { get; } = new Bucket?[Buckets];

        public bool Failed { get; private set; }

        public bool MixedOffsets { get; private set; }

        public bool Any { get; private set; }

        public DateTimeOffset Last { get; private set; }

        public void Read(SafeFileHandle handle, long start, long end, int bufferSize, StrongBox<bool> declined, CancellationToken cancellationToken)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
            try
            {
                var carried = 0;
                var at = start;
                while (at < end || carried > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (Volatile.Read(ref declined.Value))
                    {
                        Failed = true;
                        return;
                    }

                    var want = (int)Math.Min(bufferSize - carried, end - at);
                    var n = want > 0 ? RandomAccess.Read(handle, buffer.AsSpan(carried, want), at) : 0;
                    at += n;
                    var total = carried + n;
                    var atEnd = at >= end || n == 0;
                    var data = buffer.AsSpan(0, total);
                    var complete = atEnd ? total : data.LastIndexOf((byte)'\n') + 1;
                    if (complete <= 0)
                    {
                        if (total == bufferSize)
                        {
                            Failed = true; // a line longer than the buffer: leave it to the sequential reader
                            Volatile.Write(ref declined.Value, true);
                            return;
                        }

                        carried = total;
                        continue;
                    }

                    if (!Lines(data[..complete]))
                    {
                        Failed = true;
                        Volatile.Write(ref declined.Value, true);
                        return;
                    }

                    data[complete..].CopyTo(buffer);
                    carried = total - complete;
                    if (atEnd)
                    {
                        break;
                    }
                }

                Flush();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private bool Lines(ReadOnlySpan<byte> region)
        {
            if (region.IndexOfAny(QuoteOrNul) >= 0)
            {
                return false;
            }

            var crlf = region.Contains((byte)'\r');

            if (!Ascii.IsValid(region) && (!Utf8.IsValid(region) || region.IndexOf("\uFEFF"u8) >= 0))
            {
                return false;
            }

            while (!region.IsEmpty)
            {
                var nl = region.IndexOf((byte)'\n');
                var line = nl < 0 ? region : region[..nl];
                region = nl < 0 ? default : region[(nl + 1)..];
                if (crlf)
                {
                    if (line.Length > 0 && line[^1] == '\r')
                    {
                        line = line[..^1];
                    }

                    if (line.Contains((byte)'\r'))
                    {
                        return false; // a lone carriage return ends a row for Sep: leave it to the sequential reader
                    }
                }

                if (!Row(line))
                {
                    return false;
                }
            }

            return true;
        }

        private bool Row(ReadOnlySpan<byte> line)
        {
            ReadOnlySpan<byte> id = default, date = default, amount = default;
            var column = 0;
            var pos = 0;
            while (true)
            {
                var comma = line[pos..].IndexOf((byte)',');
                var fieldEnd = comma < 0 ? line.Length : pos + comma;
                if (column == _columns.Id)
                {
                    id = Trim(line[pos..fieldEnd]);
                }
                else if (column == _columns.Date)
                {
                    date = Trim(line[pos..fieldEnd]);
                }
                else if (column == _columns.Amount)
                {
                    amount = Trim(line[pos..fieldEnd]);
                }

                column++;
                if (comma < 0)
                {
                    break;
                }

                pos = fieldEnd + 1;
            }

            if (column != _width)
            {
                return column == 1 && Trim(line).IsEmpty; // a blank line is skipped; anything else is the sequential reader's to report
            }

            if (id.IsEmpty || !Timestamp(date, out var timestamp))
            {
                return false;
            }

            var value = 0m;
            if (_columns.Amount >= 0 && !Amount(amount, out value))
            {
                return false;
            }

            if (value < 0 && (!_options.AllowNegativeAmounts || _rejectRefunds))
            {
                return false;
            }

            if (timestamp.Offset != TimeSpan.Zero)
            {
                MixedOffsets = true;
            }

            if (!Any || timestamp > Last)
            {
                Last = timestamp;
                Any = true;
            }

            ref var row = ref _rows[_count];
            row.Key = IdKey.Of(id);
            row.Length = id.Length;
            if (id.Length > 16)
            {
                if (_longIds.Length - _longUsed < id.Length)
                {
                    Array.Resize(ref _longIds, Math.Max(2 * _longIds.Length, _longUsed + id.Length));
                }

                id.CopyTo(_longIds.AsSpan(_longUsed));
                row.LongOffset = _longUsed;
                _longUsed += id.Length;
            }

            row.Timestamp = timestamp;
            row.Amount = value;
            if (++_count == BatchRows)
            {
                Flush();
            }

            return true;
        }

        /// <summary>Folds the batch: a counting sort by bucket (stable, so each customer's rows keep file order), then bucket by bucket.</summary>
        private void Flush()
        {
            var offsets = _offsets;
            Array.Clear(offsets);
            for (var i = 0; i < _count; i++)
            {
                offsets[(int)(_rows[i].Key.Hash >> 56) + 1]++;
            }

            for (var b = 0; b < Buckets; b++)
            {
                offsets[b + 1] += offsets[b];
            }

            Span<int> next = stackalloc int[Buckets];
            offsets.AsSpan(0, Buckets).CopyTo(next);
            for (var i = 0; i < _count; i++)
            {
                _order[next[(int)(_rows[i].Key.Hash >> 56)]++] = i;
            }

            Span<byte> shortId = stackalloc byte[16];
            for (var b = 0; b < Buckets; b++)
            {
                if (offsets[b] == offsets[b + 1])
                {
                    continue;
                }

                var bucket = ByBucket[b] ??= new Bucket(_summarizer, _endFromData);
                for (var k = offsets[b]; k < offsets[b + 1]; k++)
                {
                    ref readonly var row = ref _rows[_order[k]];
                    scoped ReadOnlySpan<byte> id;
                    if (row.Length <= 16)
                    {
                        BinaryPrimitives.WriteUInt64LittleEndian(shortId, row.Key.A);
                        BinaryPrimitives.WriteUInt64LittleEndian(shortId[8..], row.Key.B);
                        id = shortId[..row.Length];
                    }
                    else
                    {
                        id = _longIds.AsSpan(row.LongOffset, row.Length);
                    }

                    bucket.Fold.Add(bucket.Ids.GetOrAdd(in row.Key, id), string.Empty, row.Timestamp, row.Amount);
                }
            }

            _count = 0;
            _longUsed = 0;
        }

        private bool Timestamp(ReadOnlySpan<byte> text, out DateTimeOffset value)
        {
            if (text.Length == _lastDateLength && text.SequenceEqual(_lastDate.AsSpan(0, _lastDateLength)))
            {
                value = _lastTimestamp;
                return true;
            }

            value = default;
            if (text.Length > _lastDate.Length)
            {
                return false;
            }

            Span<char> chars = stackalloc char[64];
            if (Utf8.ToUtf16(text, chars, out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done
                || !_columns.Timestamps.TryParse(chars[..written], out value, out _))
            {
                return false;
            }

            text.CopyTo(_lastDate);
            _lastDateLength = text.Length;
            _lastTimestamp = value;
            return true;
        }

        private static bool Amount(ReadOnlySpan<byte> text, out decimal value)
        {
            if (FastDecimal(text, out value))
            {
                return true;
            }

            if (text.Length > 128)
            {
                return false;
            }

            Span<char> chars = stackalloc char[128];
            return Utf8.ToUtf16(text, chars, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done
                && InvariantNumber.TryDecimal(chars[..written], out value, out _);
        }

        private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s) => s.Trim(" \t"u8);
    }

    /// <summary>
    /// <c>digits[.digits]</c> with at most 18 digits, as <see cref="decimal.Parse(string)"/> reads it: the same value and
    /// the same scale (trailing zeros kept), so sums print the same. Anything else is left to <see cref="InvariantNumber"/>.
    /// </summary>
    internal static bool FastDecimal(ReadOnlySpan<byte> s, out decimal value)
    {
        value = 0m;
        ulong mantissa = 0;
        var digits = 0;
        var scale = -1;
        foreach (var b in s)
        {
            var d = (uint)(b - '0');
            if (d <= 9)
            {
                if (++digits > 18)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + d;
                if (scale >= 0)
                {
                    scale++;
                }
            }
            else if (b == '.' && scale < 0)
            {
                scale = 0;
            }
            else
            {
                return false;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        value = new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), 0, false, (byte)Math.Max(scale, 0));
        return true;
    }
}
