using System.CommandLine;
using System.Globalization;
using Lifecycle.Cli.Analyze;
using Lifecycle.Cli.IO;
using Lifecycle.IO;

namespace Lifecycle.Cli.Commands;

/// <summary><c>lifecycle analyze [TRANSACTIONS]</c>: the main job, end to end, with report.html, customers.csv and summary.json.</summary>
internal static class AnalyzeCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string?>("TRANSACTIONS") { Description = "Transactions CSV (customer_id,date,amount). Omit to analyse the embedded CDNOW sample.", Arity = ArgumentArity.ZeroOrOne };
        var input = new TransactionInputOptions();
        var unit = CommonOptions.Unit();
        var end = CommonOptions.Date("--end", "Observation end; default the last transaction date");
        var calibrationEnd = CommonOptions.Date("--calibration-end", "Also fit on purchases up to this date and check the predictions against the rest");
        var horizon = new Option<double?>("--horizon") { Description = "Horizon of expected purchases in model time units (default one year: 365 days or 52 weeks)." };
        var months = new Option<int>("--months") { Description = "CLV horizon in months.", DefaultValueFactory = _ => 12 };
        var discount = new Option<double>("--discount-rate") { Description = "Discount rate per month for CLV.", DefaultValueFactory = _ => 0.01 };
        var margin = new Option<double>("--margin") { Description = "Profit margin applied to spend in CLV (1 = revenue).", DefaultValueFactory = _ => 1.0 };
        var period = new Option<string>("--period") { Description = "Churn and cohort period: week, month or quarter.", DefaultValueFactory = _ => "month" }.WithValues("week", "month", "quarter");
        var atRisk = new Option<int>("--at-risk-days") { Description = "Days without a purchase before a customer is At risk.", DefaultValueFactory = _ => 90 };
        var churned = new Option<int>("--churned-days") { Description = "Days without a purchase before a customer is Churned (also the churn window).", DefaultValueFactory = _ => 180 };
        var output = new Option<string>("--out") { Description = "Output directory for report.html, customers.csv and summary.json.", DefaultValueFactory = _ => "lifecycle-report" };
        var excludeAfterEnd = new Option<bool>("--exclude-after-end") { Description = "Leave out (and count) transactions after --end instead of stopping with an error." };
        var model = new Option<string>("--model") { Description = "Transaction models: auto (BG/NBD, plus Pareto/NBD when --calibration-end lets the holdout choose), bgnbd or pareto-nbd.", DefaultValueFactory = _ => "auto" }.WithValues("auto", "bgnbd", "pareto-nbd");
        var json = CommonOptions.Json();
        var command = new Command("analyze", "The main job: summarize, fit models, predict P(alive), purchases and CLV, score segments, assign stages, compute churn; write a report.") { file };
        input.AddTo(command);
        foreach (var option in new Option[] { unit, end, calibrationEnd, horizon, months, discount, margin, period, atRisk, churned, excludeAfterEnd, model, output, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            var path = parse.GetValue(file);
            var fileOptions = input.Read(parse);
            if (path is null)
            {
                fileOptions = fileOptions with { Format = "cdnow" };
            }

            var settings = new AnalysisSettings
            {
                Source = new TransactionSource(path, fileOptions),
                ObservationEnd = CommonOptions.ParseDate(parse.GetValue(end), "--end"),
                CalibrationEnd = CommonOptions.ParseDate(parse.GetValue(calibrationEnd), "--calibration-end") ?? (path is null && parse.GetValue(end) is null ? SampleData.CalibrationEnd : null),
                Unit = CommonOptions.ParseUnit(parse.GetValue(unit)!),
                Horizon = Positive(parse.GetValue(horizon), "--horizon"),
                Months = (int)Positive(parse.GetValue(months), "--months")!.Value,
                DiscountRate = NonNegative(parse.GetValue(discount), "--discount-rate"),
                Margin = Positive(parse.GetValue(margin), "--margin")!.Value,
                Period = parse.GetValue(period) switch { "week" => Metrics.PeriodGranularity.Week, "quarter" => Metrics.PeriodGranularity.Quarter, _ => Metrics.PeriodGranularity.Month },
                AtRiskDays = (int)Positive(parse.GetValue(atRisk), "--at-risk-days")!.Value,
                ChurnedDays = (int)Positive(parse.GetValue(churned), "--churned-days")!.Value,
                Refunds = fileOptions.AllowNegativeAmounts ? RefundPolicy.Exclude : RefundPolicy.Reject,
                ExcludeAfterEnd = parse.GetValue(excludeAfterEnd),
                Model = parse.GetValue(model)!,
            };
            if (settings.ChurnedDays <= settings.AtRiskDays)
            {
                throw new CliInputException($"--churned-days {settings.ChurnedDays} must be greater than --at-risk-days {settings.AtRiskDays}: a customer is At risk before being Churned.");
            }

            var result = AnalysisRunner.Run(settings, context.Progress);
            var directory = parse.GetValue(output)!;
            WriteAtomically(directory, result);
            if (parse.GetValue(json))
            {
                DataWriters.WriteSummary(context.Out, result);
            }
            else
            {
                ConsoleSummary.Write(context.Out, result, directory);
            }

            return CliApp.Success;
        });
        return command;
    }

    /// <summary>
    /// Writes the three files, each atomically (Lifecycle.IO's <see cref="AtomicFile"/>: a temporary file beside it, then
    /// a rename), so an interrupted or failed run leaves each file old or new and complete. Temporaries of killed runs
    /// (and the <c>.NAME.tmp-PID</c> staging directories older versions left) are removed first.
    /// </summary>
    private static void WriteAtomically(string directory, AnalysisResult result)
    {
        var full = Path.GetFullPath(directory);
        if (File.Exists(full))
        {
            throw new CliInputException($"--out {directory} is a file; analyze writes a directory (report.html, customers.csv, summary.json): give a directory path.");
        }

        var parent = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(parent))
        {
            throw new CliInputException($"--out {directory}: the directory {parent} does not exist; create it first or choose another path.");
        }

        RemoveStaleStaging(parent, Path.GetFileName(full));
        Directory.CreateDirectory(full);
        var files = new (string Name, Action<TextWriter> Write)[]
        {
            ("report.html", w => w.Write(ReportWriter.Render(result))),
            ("customers.csv", w => DataWriters.WriteCustomers(w, result)),
            ("summary.json", w => DataWriters.WriteSummary(w, result)),
        };
        foreach (var (name, write) in files)
        {
            AtomicFile.RemoveStale(full, name);
            AtomicFile.WriteText(Path.Combine(full, name), write);
        }
    }

    // Before atomic files, analyze staged into ".NAME.tmp-PID" beside the output; a kill left them behind for good.
    private static void RemoveStaleStaging(string parent, string name)
    {
        foreach (var staging in Directory.EnumerateDirectories(parent, "." + name + ".tmp-*"))
        {
            var pid = Path.GetFileName(staging)[(name.Length + 6)..];
            if (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && !IsRunning(id))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static double? Positive(double? value, string name)
    {
        if (value is { } v && (!double.IsFinite(v) || v <= 0))
        {
            throw new CliInputException($"{name} {v.ToString(CultureInfo.InvariantCulture)} must be a positive number.");
        }

        return value;
    }

    private static double NonNegative(double value, string name) =>
        double.IsFinite(value) && value >= 0 ? value : throw new CliInputException($"{name} {value.ToString(CultureInfo.InvariantCulture)} must be zero or positive.");
}
