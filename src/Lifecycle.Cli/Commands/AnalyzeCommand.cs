using System.CommandLine;
using System.Globalization;
using Lifecycle.Cli.Analyze;
using Lifecycle.Analysis;
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
        var defaults = AnalysisOptions.Default;
        var unit = CommonOptions.Unit();
        var end = CommonOptions.Date("--end", "Observation end; default the last transaction date");
        var calibrationEnd = CommonOptions.Date("--calibration-end", "Fit the models on purchases up to this date and rank them on the rest (default: the last third of the window is held out when the data span at least 120 days)");
        var noHoldout = new Option<bool>("--no-holdout") { Description = "Do not hold out the end of the window; choose the model by log-likelihood on all data." };
        var horizon = new Option<double?>("--horizon") { Description = "Horizon of expected purchases in model time units (default one year of calendar months: 365.24 days or 52.18 weeks)." };
        var months = new Option<int>("--months") { Description = "CLV horizon in months.", DefaultValueFactory = _ => defaults.ClvMonths };
        var discount = new Option<double>("--discount-rate") { Description = "Discount rate per month for CLV.", DefaultValueFactory = _ => defaults.MonthlyDiscountRate };
        var margin = new Option<double>("--margin") { Description = "Profit margin applied to spend in CLV (1 = revenue).", DefaultValueFactory = _ => defaults.Margin };
        var monthLength = new Option<string>("--month-length") { Description = "Length of a month: calendar (30.44 days) or lifetimes (30 days, 4.345 weeks).", DefaultValueFactory = _ => "calendar" }.WithValues("calendar", "lifetimes");
        var period = new Option<string>("--period") { Description = "Churn and cohort period: week, month or quarter.", DefaultValueFactory = _ => "month" }.WithValues("week", "month", "quarter");
        var atRisk = new Option<int>("--at-risk-days") { Description = "Days without a purchase before a customer is At risk.", DefaultValueFactory = _ => (int)defaults.AtRiskAfter.TotalDays };
        var churned = new Option<int>("--churned-days") { Description = "Days without a purchase before a customer counts as churned (the churn window; the Churned stage also needs a low P(alive)).", DefaultValueFactory = _ => (int)defaults.ChurnedAfter.TotalDays };
        var currency = new Option<string>("--currency") { Description = "Currency shown with every amount of money, for example USD or EUR.", DefaultValueFactory = _ => string.Empty };
        var output = new Option<string>("--out") { Description = "Output directory for report.html, customers.csv and summary.json.", DefaultValueFactory = _ => "lifecycle-report" };
        var excludeAfterEnd = new Option<bool>("--exclude-after-end") { Description = "Leave out (and count) transactions after --end instead of stopping with an error." };
        var model = new Option<string>("--model") { Description = "Transaction models: auto (BG/NBD, MBG/NBD and Pareto/NBD, ranked on the holdout), bgnbd, mbgnbd or pareto-nbd.", DefaultValueFactory = _ => "auto" }.WithValues("auto", "bgnbd", "mbgnbd", "pareto-nbd");
        var json = CommonOptions.Json();
        var engine = EngineChoice.Option();
        var command = new Command("analyze", "The main job: summarize, fit models, predict P(alive), purchases and CLV, score segments, assign stages, compute churn; write a report.") { file };
        input.AddTo(command);
        foreach (var option in new Option[] { unit, end, calibrationEnd, noHoldout, horizon, months, discount, margin, monthLength, period, atRisk, churned, currency, excludeAfterEnd, model, output, json, engine })
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

            var source = new TransactionSource(path, fileOptions);
            var duck = EngineChoice.UseDuckDb(parse.GetValue(engine)!, path, fileOptions);
            Func<DateTimeOffset> lastDate = duck ? () => EngineChoice.LastDate(path!, fileOptions) : source.LastDate;
            var observationEnd = CommonOptions.ParseDate(parse.GetValue(end), "--end");
            var atRiskDays = (int)Positive(parse.GetValue(atRisk), "--at-risk-days")!.Value;
            var churnedDays = (int)Positive(parse.GetValue(churned), "--churned-days")!.Value;
            if (churnedDays <= atRiskDays)
            {
                throw new CliInputException($"--churned-days {churnedDays} must be greater than --at-risk-days {atRiskDays}: a customer is At risk before being Churned.");
            }

            var calibration = CommonOptions.ParseDate(parse.GetValue(calibrationEnd), "--calibration-end") ?? (path is null && observationEnd is null && !parse.GetValue(noHoldout) ? SampleData.CalibrationEnd : null);
            if (calibration is { } cal && cal >= (observationEnd ?? lastDate()))
            {
                throw new CliInputException($"--calibration-end {cal:yyyy-MM-dd} must be before the observation end {(observationEnd ?? lastDate()):yyyy-MM-dd}; choose a calibration end inside the data (or a later --end).");
            }

            var options = defaults with
            {
                Unit = CommonOptions.ParseUnit(parse.GetValue(unit)!),
                ObservationEnd = observationEnd,
                CalibrationEnd = calibration,
                AutoHoldout = !parse.GetValue(noHoldout),
                Horizon = Positive(parse.GetValue(horizon), "--horizon"),
                ClvMonths = (int)Positive(parse.GetValue(months), "--months")!.Value,
                MonthlyDiscountRate = NonNegative(parse.GetValue(discount), "--discount-rate"),
                Margin = Positive(parse.GetValue(margin), "--margin")!.Value,
                MonthLength = parse.GetValue(monthLength) == "lifetimes" ? MonthLength.Lifetimes : MonthLength.Calendar,
                Period = parse.GetValue(period) switch { "week" => Metrics.PeriodGranularity.Week, "quarter" => Metrics.PeriodGranularity.Quarter, _ => Metrics.PeriodGranularity.Month },
                AtRiskAfter = TimeSpan.FromDays(atRiskDays),
                ChurnedAfter = TimeSpan.FromDays(churnedDays),
                Refunds = fileOptions.AllowNegativeAmounts ? RefundPolicy.Exclude : RefundPolicy.Reject,
                Models = parse.GetValue(model) switch
                {
                    "bgnbd" => [TransactionModelKind.BgNbd],
                    "mbgnbd" => [TransactionModelKind.ModifiedBgNbd],
                    "pareto-nbd" => [TransactionModelKind.ParetoNbd],
                    _ => defaults.Models,
                },
            };
            var strictEnd = observationEnd is not null && !parse.GetValue(excludeAfterEnd);
            var result = duck ? EngineChoice.Analyze(path!, fileOptions, options, strictEnd, context.Progress, context.Phases) : Run(source, options, strictEnd, context.Progress, context.Phases);
            var run = new AnalysisRun(result, source.Name, parse.GetValue(currency)!.Trim());
            var directory = parse.GetValue(output)!;
            WriteAtomically(directory, run, context.Phases);
            if (parse.GetValue(json))
            {
                DataWriters.WriteSummary(context.Out, run);
            }
            else
            {
                ConsoleSummary.Write(context.Out, run, directory);
            }

            return CliApp.Success;
        });
        return command;
    }

    /// <summary>Read → run: the file is streamed into the library's analysis; a date after an explicit --end stops it at that line.</summary>
    internal static AnalysisResult<string> Run(TransactionSource source, AnalysisOptions options, bool strictEnd, Progress progress, PhaseLog? phases = null)
    {
        var lastDay = options.ObservationEnd?.UtcDateTime.Date;
        IEnumerable<Transaction<string>> Rows()
        {
            foreach (var row in source.Read())
            {
                if (strictEnd && row.Timestamp.UtcDateTime.Date > lastDay)
                {
                    throw CliInputException.At(source.Name, row.Line, row.DateColumn, row.DateColumnName, $"the date {Format.Date(row.Timestamp)} is after the observation end {Format.Date(options.ObservationEnd!.Value)}; pass a later --end, or --exclude-after-end to leave such transactions out (they are counted)");
                }

                yield return new Transaction<string>(row.CustomerId, row.Timestamp, row.Amount);
            }
        }

        try
        {
            var result = CustomerAnalysis.Run(Rows(), options, NaturalIdComparer.Instance, new ProgressAdapter(progress, phases));
            progress.Done();
            return result;
        }
        catch (ArgumentException e) when (e.ParamName == "transactions")
        {
            throw new CliInputException($"{source.Name}: {Plain(e)}");
        }
    }

    private static string Plain(ArgumentException e)
    {
        var at = e.Message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return at >= 0 ? e.Message[..at] : e.Message;
    }

    /// <summary>
    /// Writes the three files, each atomically (Lifecycle.IO's <see cref="AtomicFile"/>: a temporary file beside it, then
    /// a rename), so an interrupted or failed run leaves each file old or new and complete. Temporaries of killed runs
    /// (and the <c>.NAME.tmp-PID</c> staging directories older versions left) are removed first.
    /// </summary>
    private static void WriteAtomically(string directory, AnalysisRun result, PhaseLog phases)
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
            phases.Start("writing " + name);
            AtomicFile.RemoveStale(full, name);
            AtomicFile.WriteText(Path.Combine(full, name), write);
        }

        phases.Start(null);
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
