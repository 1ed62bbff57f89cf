using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Lifecycle.Cli.IO;
using Lifecycle.Metrics;

namespace Lifecycle.Cli.Commands;

/// <summary><c>lifecycle churn [TRANSACTIONS] --period month|week|quarter</c>: period churn/retention/revenue table and the cohort retention matrix.</summary>
internal static class ChurnCommand
{
    /// <summary>The most cohort × age cells --json writes (dense arrays, one value per age): about 1,400 periods, over a century of months; about 40 MB.</summary>
    internal const long MaxJsonCohortCells = 1_000_000;

    public static Command Create(CliContext context)
    {
        var file = new Argument<string?>("TRANSACTIONS") { Description = "Transactions CSV (customer_id,date,amount). Omit to use the embedded CDNOW sample.", Arity = ArgumentArity.ZeroOrOne };
        var input = new TransactionInputOptions();
        var period = new Option<string>("--period") { Description = "Calendar period: week (ISO, Monday start), month or quarter.", DefaultValueFactory = _ => "month" }.WithValues("week", "month", "quarter");
        var window = new Option<int>("--window") { Description = "Inactivity window in days: a customer without a purchase for this long has churned (default 180, the one churn window of analyze and the DI package).", DefaultValueFactory = _ => (int)Lifecycle.Analysis.AnalysisOptions.Default.ChurnedAfter.TotalDays };
        var end = CommonOptions.Date("--end", "Observation end, exclusive; default the day after the last transaction. Only periods ending on or before it are reported");
        var output = CommonOptions.Out("Write the result to this file instead of stdout.");
        var json = CommonOptions.Json();
        var command = new Command("churn", "Period churn, retention and revenue retention, and the cohort retention matrix (non-contractual: churn = no purchase for --window days).") { file };
        input.AddTo(command);
        command.Options.Add(period);
        command.Options.Add(window);
        command.Options.Add(end);
        command.Options.Add(output);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var fileOptions = input.Read(parse);
            var path = parse.GetValue(file);
            if (path is null)
            {
                fileOptions = fileOptions with { Format = "cdnow" };
            }

            var days = parse.GetValue(window);
            if (days <= 0)
            {
                throw new CliInputException($"--window {days} must be a positive number of days, for example 90.");
            }

            var source = new TransactionSource(path, fileOptions);
            var transactions = new List<Transaction<string>>();
            long refunds = 0;
            foreach (var row in source.Read())
            {
                if (row.Amount < 0)
                {
                    refunds++; // only reachable with --refunds exclude: the reader rejects them otherwise
                    continue;
                }

                transactions.Add(new Transaction<string>(row.CustomerId, row.Timestamp, row.Amount));
                context.Progress.Report("reading transactions", transactions.Count);
            }

            context.Progress.Done();
            if (transactions.Count == 0)
            {
                throw new CliInputException($"{source.Name}: no transactions (the file has a header but no rows); add transactions or check the file.");
            }

            var observationEnd = CommonOptions.ParseDate(parse.GetValue(end), "--end") ?? new DateTimeOffset(transactions.Max(t => t.Timestamp).UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
            var calendar = new PeriodCalendar(parse.GetValue(period) switch
            {
                "week" => PeriodGranularity.Week,
                "quarter" => PeriodGranularity.Quarter,
                _ => PeriodGranularity.Month,
            });
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(transactions);
            var report = ChurnAnalysis.Analyze<string>(span, calendar, observationEnd, new InactivityChurn<string>(TimeSpan.FromDays(days)));
            var cohorts = CohortMatrix.FromTransactions<string>(span, calendar, observationEnd);
            var denseCells = (long)cohorts.CohortCount * (cohorts.CohortCount + 1) / 2;
            if (parse.GetValue(json) && denseCells > MaxJsonCohortCells)
            {
                throw new CliInputException(FormattableString.Invariant($"{source.Name}: --json writes every cohort × age cell, and {cohorts.CohortCount:#,0} {calendar.Granularity.ToString().ToLowerInvariant()}s from {cohorts.Cohort(0).Label} to {cohorts.Cohort(cohorts.CohortCount - 1).Label} make {denseCells:#,0} cells (the limit is {MaxJsonCohortCells:#,0}); leave out --json for the tables (they skip empty cohorts and ages and merge quiet periods){(calendar.Granularity == PeriodGranularity.Quarter ? string.Empty : ", choose a longer --period")}, or remove the early transactions."));
            }

            using (var writer = Output.Open(parse.GetValue(output), context.Out, source.Name))
            {
                if (parse.GetValue(json))
                {
                    WriteJson(writer, parse.GetValue(period)!, report, cohorts);
                }
                else
                {
                    WriteTables(writer, report, cohorts);
                }

                writer.Commit();
            }

            context.Error.WriteLine(FormattableString.Invariant($"{source.Name}: {transactions.Count} transactions, {report.Customers} customers; {report.Periods.Count} complete periods before {observationEnd:yyyy-MM-dd}; excluded: {report.RecordsAfterObservationEnd} at or after the end, {refunds} refunds."));
            return CliApp.Success;
        });
        return command;
    }

    private static string Rate(Ratio r) => r.TryGetValue(out var v) ? v.ToString("P1", CultureInfo.InvariantCulture) : "undefined";

    private static string Money(decimal m) => m.ToString("0.##", CultureInfo.InvariantCulture);

    private static void WriteTables(TextWriter w, ChurnReport report, CohortMatrix cohorts)
    {
        w.WriteLine(FormattableString.Invariant($"Churn by {report.Calendar.Granularity.ToString().ToLowerInvariant()} ({report.Definition}; observation end {report.ObservationEnd:yyyy-MM-dd})"));
        string[] header = ["period", "start", "new", "reactivated", "lost", "new lost", "end", "churn", "retention", "revenue", "GRR", "NRR"];
        var rows = new List<string[]> { header };
        foreach (var range in Analyze.SparseTables.ChurnRows(report))
        {
            // A quiet run shows its first period's numbers (every period of the run has the same).
            var p = report.Periods[range.From];
            var r = report.Revenue[range.From];
            rows.Add(
            [
                Analyze.SparseTables.Label(report, range), Int(p.CustomersAtStart), Int(p.NewCustomers), Int(p.Reactivated), Int(p.Lost), Int(p.NewLost + p.ReactivatedLost), Int(p.CustomersAtEnd),
                Rate(p.ChurnRate), Rate(p.RetentionRate), Money(r.EndRevenue), Rate(r.GrossRevenueRetention), Rate(r.NetRevenueRetention),
            ]);
        }

        WriteAligned(w, rows);
        w.WriteLine();
        w.WriteLine("Cohort retention (share of each acquisition cohort purchasing k periods later; cohorts without customers and ages at which no cohort purchased are left out)");
        var ages = Analyze.SparseTables.ActiveAges(cohorts);
        string[] cohortHeader = ["cohort", "size", .. ages.Select(k => "+" + Int(k))];
        var table = new List<string[]> { cohortHeader };
        foreach (var c in cohorts.NonEmptyCohorts)
        {
            var row = new string[ages.Length + 2];
            row[0] = cohorts.Cohort(c).Label;
            row[1] = Int(cohorts.CohortSize(c));
            for (var k = 0; k < ages.Length; k++)
            {
                row[k + 2] = ages[k] < cohorts.Ages(c) ? Rate(cohorts.CustomerRetention(c, ages[k])) : string.Empty;
            }

            table.Add(row);
        }

        WriteAligned(w, table);
    }

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static void WriteAligned(TextWriter w, List<string[]> rows)
    {
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (var j = 0; j < row.Length; j++)
            {
                widths[j] = Math.Max(widths[j], row[j].Length);
            }
        }

        foreach (var row in rows)
        {
            w.WriteLine(string.Join("  ", row.Select((cell, j) => j == 0 ? cell.PadRight(widths[j]) : cell.PadLeft(widths[j]))).TrimEnd());
        }
    }

    private static void WriteJson(TextWriter writer, string period, ChurnReport report, CohortMatrix cohorts) => Output.Json(writer, json =>
    {
        json.WriteStartObject();
        json.WriteString("period", period);
        json.WriteString("definition", report.Definition);
        json.WriteString("observationEnd", report.ObservationEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        json.WriteNumber("customers", report.Customers);
        json.WriteNumber("transactionsAfterObservationEnd", report.RecordsAfterObservationEnd);
        json.WriteStartArray("periods");
        for (var i = 0; i < report.Periods.Count; i++)
        {
            var p = report.Periods[i];
            var r = report.Revenue[i];
            json.WriteStartObject();
            json.WriteString("period", p.Period.Label);
            json.WriteString("start", p.Period.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            json.WriteNumber("customersAtStart", p.CustomersAtStart);
            json.WriteNumber("newCustomers", p.NewCustomers);
            json.WriteNumber("reactivated", p.Reactivated);
            json.WriteNumber("lost", p.Lost);
            json.WriteNumber("newLost", p.NewLost);
            json.WriteNumber("reactivatedLost", p.ReactivatedLost);
            json.WriteNumber("customersAtEnd", p.CustomersAtEnd);
            WriteRate(json, "churnRate", p.ChurnRate);
            WriteRate(json, "retentionRate", p.RetentionRate);
            json.WriteStartObject("revenue");
            json.WriteNumber("start", r.StartRevenue);
            json.WriteNumber("new", r.New);
            json.WriteNumber("reactivation", r.Reactivation);
            json.WriteNumber("expansion", r.Expansion);
            json.WriteNumber("contraction", r.Contraction);
            json.WriteNumber("churned", r.Churned);
            json.WriteNumber("end", r.EndRevenue);
            WriteRate(json, "grossRevenueRetention", r.GrossRevenueRetention);
            WriteRate(json, "netRevenueRetention", r.NetRevenueRetention);
            WriteRate(json, "revenueChurnRate", r.RevenueChurnRate);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("cohorts");
        for (var c = 0; c < cohorts.CohortCount; c++)
        {
            json.WriteStartObject();
            json.WriteString("cohort", cohorts.Cohort(c).Label);
            json.WriteNumber("size", cohorts.CohortSize(c));
            json.WriteStartArray("customers");
            for (var k = 0; k < cohorts.Ages(c); k++)
            {
                json.WriteNumberValue(cohorts.Customers(c, k));
            }

            json.WriteEndArray();
            json.WriteStartArray("revenue");
            for (var k = 0; k < cohorts.Ages(c); k++)
            {
                json.WriteNumberValue(cohorts.Revenue(c, k));
            }

            json.WriteEndArray();
            json.WriteStartArray("customerRetention");
            for (var k = 0; k < cohorts.Ages(c); k++)
            {
                WriteRateValue(json, cohorts.CustomerRetention(c, k));
            }

            json.WriteEndArray();
            json.WriteStartArray("revenueRetention");
            for (var k = 0; k < cohorts.Ages(c); k++)
            {
                WriteRateValue(json, cohorts.RevenueRetention(c, k));
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    // An undefined rate (zero denominator) is JSON null, never 0.
    private static void WriteRate(Utf8JsonWriter json, string name, Ratio r)
    {
        json.WritePropertyName(name);
        WriteRateValue(json, r);
    }

    private static void WriteRateValue(Utf8JsonWriter json, Ratio r)
    {
        if (r.TryGetValue(out var v))
        {
            json.WriteNumberValue(v);
        }
        else
        {
            json.WriteNullValue();
        }
    }
}
