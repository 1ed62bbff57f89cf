using System.Globalization;
using Lifecycle;

// Usage: PARTITION.csv STATE.bin END [CALIBRATION_END]
// The CSV has a header and rows customer_id,timestamp (round-trip "O" format),amount; the options are the test's.
if (args.Length is < 3 or > 4)
{
    Console.Error.WriteLine("usage: Lifecycle.Core.PartialHost PARTITION.csv STATE.bin END [CALIBRATION_END]");
    return 2;
}

var options = new SummarizerOptions(DateTimeOffset.Parse(args[2], CultureInfo.InvariantCulture))
{
    CalibrationEnd = args.Length == 4 ? DateTimeOffset.Parse(args[3], CultureInfo.InvariantCulture) : null,
    Unit = TimeUnit.Weeks,
    Refunds = RefundPolicy.Exclude,
};
var summarizer = new TransactionSummarizer<string>(options);
foreach (var line in File.ReadLines(args[0]).Skip(1))
{
    var f = line.Split(',');
    summarizer.Add(f[0], DateTimeOffset.ParseExact(f[1], "O", CultureInfo.InvariantCulture), decimal.Parse(f[2], CultureInfo.InvariantCulture));
}

using (var state = File.Create(args[1]))
{
    summarizer.WriteState(state);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{summarizer.CustomerCount} customers, {summarizer.Counts.Transactions} transactions"));
return 0;
