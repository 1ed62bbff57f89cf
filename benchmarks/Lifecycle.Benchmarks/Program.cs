using BenchmarkDotNet.Running;

namespace Lifecycle.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project benchmarks/Lifecycle.Benchmarks -- --filter '*'
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
