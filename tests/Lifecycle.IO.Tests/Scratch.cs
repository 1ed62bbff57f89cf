using System.Text;

namespace Lifecycle.IO.Tests;

/// <summary>Scratch files and byte streams for the reader tests.</summary>
/// <remarks>Everything goes into one directory per test run, removed when the test process exits, so runs leave nothing in /tmp.</remarks>
internal static class Scratch
{
    private static readonly string Root = CreateRoot();

    public static string File(string content) => File(Encoding.UTF8.GetBytes(content));

    public static string File(byte[] content)
    {
        var path = Path.Combine(Root, "lifecycle-io-" + Path.GetRandomFileName() + ".csv");
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public static string Directory()
    {
        var path = Path.Combine(Root, "lifecycle-io-" + Path.GetRandomFileName());
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    private static string CreateRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "lifecycle-io-tests-" + Path.GetRandomFileName());
        System.IO.Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // a file still open at exit: nothing more to do
            }
            catch (UnauthorizedAccessException)
            {
                // a test made a file read-only: nothing more to do
            }
        };
        return root;
    }

    public static byte[] Bytes(params object[] parts)
    {
        var buffer = new List<byte>();
        foreach (var part in parts)
        {
            buffer.AddRange(part switch
            {
                string s => Encoding.UTF8.GetBytes(s),
                byte[] b => b,
                _ => throw new ArgumentException("strings and byte arrays only", nameof(parts)),
            });
        }

        return [.. buffer];
    }

    public static List<TransactionRecord> Transactions(string content, TransactionCsvOptions? options = null) =>
        [.. TransactionCsv.ReadFile(File(content), options)];

    public static CsvReadException Fails(byte[] content, TransactionCsvOptions? options = null)
    {
        var path = File(content);
        return Assert.Throws<CsvReadException>(() => TransactionCsv.ReadFile(path, options).ToList());
    }

    public static CsvReadException Fails(string content, TransactionCsvOptions? options = null) => Fails(Encoding.UTF8.GetBytes(content), options);
}

/// <summary>A stream that hands out at most <c>chunk</c> bytes per read, to put every boundary inside a sequence.</summary>
internal sealed class TrickleStream(byte[] data, int chunk) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = Math.Min(Math.Min(count, chunk), data.Length - _position);
        Array.Copy(data, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
