namespace Lifecycle.DuckDB;

/// <summary>Resource limits of the embedded DuckDB engine.</summary>
public sealed record DuckDbEngineOptions
{
    private readonly long _memoryLimitBytes = 2L << 30;
    private readonly int _threads;

    /// <summary>Gets DuckDB's memory limit in bytes; above it, DuckDB spills to <see cref="TempDirectory"/>.</summary>
    /// <value>Default 2 GiB. At least 64 MiB.</value>
    /// <exception cref="ArgumentOutOfRangeException">The limit is below 64 MiB.</exception>
    public long MemoryLimitBytes
    {
        get => _memoryLimitBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 64L << 20);
            _memoryLimitBytes = value;
        }
    }

    /// <summary>Gets the number of DuckDB worker threads, or 0 for one per processor.</summary>
    /// <value>Default 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative.</exception>
    public int Threads
    {
        get => _threads;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _threads = value;
        }
    }

    /// <summary>Gets the folder DuckDB spills to, or <c>null</c> for DuckDB's default (<c>.tmp</c> beside a database file; the system temp folder here).</summary>
    public string? TempDirectory { get; init; }
}
