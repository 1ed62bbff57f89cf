using System.Globalization;
using System.Text;

namespace Lifecycle.IO;

/// <summary>
/// Writes a file so that readers see the old content or the complete new content, never a part: the bytes go to a
/// uniquely named temporary file in the target's directory (same file system), are flushed to disk, and then replace
/// the target in one rename. A failure (an exception, or the process killed at any point) leaves the target as it was;
/// on an exception the temporary file is deleted.
/// </summary>
/// <remarks>
/// Temporary files are named <c>.NAME.PID-N.tmp</c>; <see cref="RemoveStale"/> deletes those left by a process that no
/// longer runs (after a <c>kill -9</c>). Thread-safe.
/// </remarks>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static long _counter;

    /// <summary>Writes <paramref name="path"/> atomically with the bytes <paramref name="write"/> produces.</summary>
    /// <param name="path">The target file; its directory must exist.</param>
    /// <param name="write">Writes the content; the stream is buffered and must not be disposed by it.</param>
    /// <exception cref="DirectoryNotFoundException">The target's directory does not exist.</exception>
    /// <exception cref="IOException">The target is a directory, or the file system refused.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var file = Begin(path);
        write(file.Stream);
        file.Commit();
    }

    /// <summary>Starts an atomic write: write to <see cref="PendingFile.Stream"/>, then <see cref="PendingFile.Commit"/>; disposing without a commit deletes the temporary file.</summary>
    /// <param name="path">The target file; its directory must exist.</param>
    /// <returns>The pending file.</returns>
    /// <exception cref="DirectoryNotFoundException">The target's directory does not exist.</exception>
    /// <exception cref="IOException">The target is a directory, or the file system refused.</exception>
    public static PendingFile Begin(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new IOException($"{path} is a directory; give a file path to write");
        }

        var directory = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"the directory {directory} of {path} does not exist; create it first or write elsewhere");
        }

        var (temp, stream) = CreateTemporary(directory, Path.GetFileName(full));
        return new PendingFile(full, temp, stream);
    }

    /// <summary>Writes <paramref name="path"/> atomically as UTF-8 text (no byte order mark).</summary>
    /// <param name="path">The target file; its directory must exist.</param>
    /// <param name="write">Writes the text; the writer must not be disposed by it.</param>
    /// <exception cref="DirectoryNotFoundException">The target's directory does not exist.</exception>
    /// <exception cref="IOException">The target is a directory, or the file system refused.</exception>
    public static void WriteText(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8, 1 << 16, leaveOpen: true);
            write(writer);
            writer.Flush();
        });
    }

    /// <summary>Deletes temporary files this class left in <paramref name="directory"/> for <paramref name="fileName"/> from processes that no longer run.</summary>
    /// <param name="directory">The directory to clean.</param>
    /// <param name="fileName">The target file name whose temporaries to look for.</param>
    /// <returns>How many files were deleted.</returns>
    public static int RemoveStale(string directory, string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "." + fileName + ".*.tmp"))
        {
            var middle = Path.GetFileName(file)[(fileName.Length + 2)..^4];
            var dash = middle.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(middle.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !IsRunning(pid))
            {
                removed += TryDelete(file) ? 1 : 0;
            }
        }

        return removed;
    }

    internal static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static (string Path, FileStream Stream) CreateTemporary(string directory, string name)
    {
        while (true)
        {
            var n = Interlocked.Increment(ref _counter);
            var temp = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $".{name}.{Environment.ProcessId}-{n}.tmp"));
            try
            {
                return (temp, new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16));
            }
            catch (IOException) when (File.Exists(temp))
            {
                // Taken by a process with a recycled id: try the next number.
            }
        }
    }

    internal static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>An atomic write in progress (from <see cref="AtomicFile.Begin"/>): the target changes only on <see cref="Commit"/>.</summary>
public sealed class PendingFile : IDisposable
{
    private readonly string _temp;
    private readonly FileStream _stream;
    private bool _done;

    internal PendingFile(string target, string temp, FileStream stream)
    {
        Target = target;
        _temp = temp;
        _stream = stream;
    }

    /// <summary>Gets the full path of the file that <see cref="Commit"/> replaces.</summary>
    public string Target { get; }

    /// <summary>Gets the stream to write the new content to.</summary>
    public Stream Stream => _stream;

    /// <summary>Flushes the content to disk and replaces the target with it in one rename.</summary>
    /// <exception cref="InvalidOperationException">Already committed or disposed.</exception>
    public void Commit()
    {
        if (_done)
        {
            throw new InvalidOperationException("the file was already committed or abandoned; start a new write with AtomicFile.Begin");
        }

        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_temp, Target, overwrite: true);
        _done = true;
    }

    /// <summary>Abandons an uncommitted write: the temporary file is deleted and the target stays as it was.</summary>
    public void Dispose()
    {
        if (!_done)
        {
            _done = true;
            _stream.Dispose();
            AtomicFile.TryDelete(_temp);
        }
    }
}
