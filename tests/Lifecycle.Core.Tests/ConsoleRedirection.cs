namespace Lifecycle.Tests;

/// <summary>Tests that redirect the process-wide <see cref="Console.Out"/> run one at a time, never in parallel with each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleRedirection
{
    public const string Name = "Console.Out";
}
