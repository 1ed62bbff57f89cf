using BenchmarkDotNet.Running;

namespace Lifecycle.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project benchmarks/Lifecycle.Benchmarks -- --filter '*'
    // dotnet run -c Release --project benchmarks/Lifecycle.Benchmarks -- generate-csv tx.csv 1000000 10000000 42
    // dotnet run -c Release --project benchmarks/Lifecycle.Benchmarks -- stages-cpu 1000000 30000
    // dotnet run -c Release --project benchmarks/Lifecycle.Benchmarks -- store-cpu 1000000 50000 both
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "generate-csv")
        {
            return GenerateCsv(args);
        }

        if (args.Length > 0 && args[0] == "stages-cpu")
        {
            return StagesCpuRun.Run(args);
        }

        if (args.Length > 0 && args[0] == "store-cpu")
        {
            return StoreCpuRun.RunAsync(args).GetAwaiter().GetResult();
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    private static int GenerateCsv(string[] args)
    {
        if (args.Length != 5)
        {
            Console.Error.WriteLine("usage: generate-csv FILE CUSTOMERS TRANSACTIONS SEED");
            return 2;
        }

        var path = args[1];
        var customers = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        var transactions = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
        var seed = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);
        SyntheticData.WriteTransactionsCsv(path, customers, transactions, seed);
        Console.WriteLine($"wrote {transactions:N0} transactions of {customers:N0} customers to {path}");
        return 0;
    }
}
