using System.Buffers;
using System.Globalization;
using System.Text.Unicode;

namespace Lifecycle.IO;

/// <summary>
/// A read-only stream over UTF-8 bytes that lets through only what is valid: a byte order mark only at the very start
/// (skipped), no other U+FEFF, no NUL, no invalid or truncated sequence. Each violation is a
/// <see cref="CsvReadException"/> with its line and byte column. It passes complete sequences only, so a check never
/// straddles two reads; the vectorized <see cref="Utf8.IsValid(ReadOnlySpan{byte})"/> and span searches keep it at
/// memory speed.
/// </summary>
internal sealed class StrictUtf8Stream : Stream
{
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    private readonly Stream _inner;
    private readonly string _name;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private readonly byte[] _tail = new byte[4];
    private int _tailLength;
    private bool _atStart = true;
    private bool _eof;
    private long _line = 1;
    private long _column = 1;

    public StrictUtf8Stream(Stream inner, string name)
    {
        _inner = inner;
        _name = name;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_start == _end && !_eof)
        {
            var carried = Load();
            Fill(carried, _inner.Read(_buffer.AsSpan(carried)));
        }

        return Drain(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_start == _end && !_eof)
        {
            var carried = Load();
            Fill(carried, await _inner.ReadAsync(_buffer.AsMemory(carried), cancellationToken).ConfigureAwait(false));
        }

        return Drain(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Drain(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, n).CopyTo(destination);
        _start += n;
        return n;
    }

    // Fill runs only when the last region was drained: the kept tail (an incomplete sequence) moves to the front first.
    private int Load()
    {
        _tail.AsSpan(0, _tailLength).CopyTo(_buffer);
        return _tailLength;
    }

    private void Fill(int carried, int read)
    {
        var total = carried + read;
        _tailLength = 0;
        if (read == 0)
        {
            _eof = true;
            if (total > 0)
            {
                throw Error(_buffer.AsSpan(0, total), 0, "the file ends inside a UTF-8 sequence (it is cut, or not UTF-8)");
            }

            _start = _end = 0;
            return;
        }

        var skip = 0;
        if (_atStart)
        {
            if (total < 3 && Bom.StartsWith(_buffer.AsSpan(0, total)))
            {
                Keep(0, total); // maybe a byte order mark still arriving
                _start = _end = 0;
                return;
            }

            _atStart = false;
            if (_buffer.AsSpan(0, total).StartsWith(Bom))
            {
                skip = 3;
            }
        }

        var complete = total - IncompleteTail(_buffer.AsSpan(skip, total - skip));
        Check(_buffer.AsSpan(skip, complete - skip));
        Keep(complete, total - complete);
        _start = skip;
        _end = complete;
    }

    private void Keep(int from, int length)
    {
        _buffer.AsSpan(from, length).CopyTo(_tail);
        _tailLength = length;
    }

    private void Check(ReadOnlySpan<byte> chunk)
    {
        var bad = -1;
        string? problem = null;
        if (!Utf8.IsValid(chunk))
        {
            Utf8.ToUtf16(chunk, new char[chunk.Length], out var valid, out _, replaceInvalidSequences: false);
            bad = valid;
            problem = string.Create(CultureInfo.InvariantCulture, $"byte 0x{chunk[valid]:X2} is not valid UTF-8; save the file as UTF-8");
        }

        var nul = chunk.IndexOf((byte)0);
        if (nul >= 0 && (bad < 0 || nul < bad))
        {
            bad = nul;
            problem = "a NUL character (byte 0x00) is not allowed in a CSV; remove it (trailing NULs often come from a cut or padded export)";
        }

        var bom = chunk.IndexOf(Bom);
        if (bom >= 0 && (bad < 0 || bom < bad))
        {
            bad = bom;
            problem = "a byte order mark (U+FEFF) is allowed only at the very start of the file; remove it (files joined with 'cat' carry one per part)";
        }

        if (bad >= 0)
        {
            throw Error(chunk, bad, problem!);
        }

        var newlines = chunk.Count((byte)'\n');
        if (newlines > 0)
        {
            _line += newlines;
            _column = chunk.Length - chunk.LastIndexOf((byte)'\n');
        }
        else
        {
            _column += chunk.Length;
        }
    }

    private CsvReadException Error(ReadOnlySpan<byte> chunk, int index, string problem)
    {
        var before = chunk[..index];
        var newlines = before.Count((byte)'\n');
        var line = _line + newlines;
        var column = newlines > 0 ? index - before.LastIndexOf((byte)'\n') : _column + index;
        return CsvReadException.At(_name, line, (int)Math.Min(column, int.MaxValue), string.Create(CultureInfo.InvariantCulture, $"{problem} (at byte {column} of the line)"));
    }

    private static int IncompleteTail(ReadOnlySpan<byte> bytes)
    {
        // Look back at most 3 bytes for a lead byte whose sequence is not complete.
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // continuation byte: keep looking for the lead
            }

            var need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return need > back ? back : 0;
        }

        return 0;
    }
}
