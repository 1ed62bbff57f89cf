using System.CommandLine;
using System.Globalization;
using Lifecycle.Cli.IO;
using Lifecycle.Engagement;
using Lifecycle.IO;

namespace Lifecycle.Cli.Commands;

/// <summary><c>lifecycle lift DECISIONS OUTCOMES</c>: treated versus control conversion, retention and revenue per rule, with intervals.</summary>
internal static class LiftCommand
{
    public static Command Create(CliContext context)
    {
        var decisions = new Argument<string>("DECISIONS") { Description = "actions.csv written by 'lifecycle engage' (customer_id,action,score,arm,reasons,decision_id,rule,decided_at)." };
        var outcomes = new Argument<string>("OUTCOMES") { Description = "Transactions after the decisions (customer_id,date,amount)." };
        var input = new TransactionInputOptions();
        var end = CommonOptions.Date("--end", "End of the outcome window; default the last outcome date");
        var retention = new Option<int>("--retention-days") { Description = "A customer is retained when they purchased in the last N days of the outcome window.", DefaultValueFactory = _ => 90 };
        var level = new Option<double>("--confidence") { Description = "Confidence level of the intervals.", DefaultValueFactory = _ => 0.95 };
        var json = CommonOptions.Json();
        var command = new Command("lift", "Measured lift per rule: treated vs control conversion, retention and revenue per customer with confidence intervals.") { decisions, outcomes };
        input.AddTo(command);
        foreach (var option in new Option[] { end, retention, level, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            var decisionsPath = parse.GetValue(decisions)!;
            var outcomesPath = parse.GetValue(outcomes)!;
            var days = parse.GetValue(retention);
            if (days <= 0)
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"--retention-days {days} must be a positive number of days, for example 90."));
            }

            var confidence = parse.GetValue(level);
            if (!double.IsFinite(confidence) || confidence <= 0 || confidence >= 1)
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"--confidence {confidence} must be between 0 and 1, for example 0.95."));
            }

            var rows = ReadDecisions(decisionsPath);
            var purchases = new Dictionary<string, List<(DateTimeOffset At, decimal Amount)>>(StringComparer.Ordinal);
            DateTimeOffset? last = null;
            foreach (var t in TransactionCsvReader.ReadFile(outcomesPath, input.Read(parse)))
            {
                if (!purchases.TryGetValue(t.CustomerId, out var list))
                {
                    purchases[t.CustomerId] = list = [];
                }

                list.Add((t.Timestamp, t.Amount));
                last = last is null || t.Timestamp > last ? t.Timestamp : last;
            }

            // Dates are days: the window end includes the whole end day.
            var windowEnd = (CommonOptions.ParseDate(parse.GetValue(end), "--end") ?? last ?? rows.Max(r => r.At)).UtcDateTime.Date.AddDays(1);
            var retainedFrom = windowEnd.AddDays(-days);
            var observations = rows.Select(r =>
            {
                var bought = purchases.TryGetValue(r.CustomerId, out var list) ? list.Where(p => p.At > r.At && p.At.UtcDateTime < windowEnd).ToList() : [];
                return new LiftObservation(r.Rule, r.Arm, bought.Count > 0, bought.Any(p => p.At.UtcDateTime >= retainedFrom), (double)bought.Sum(p => p.Amount));
            }).ToList();
            var lift = LiftAnalysis.Measure(observations, new LiftOptions { ConfidenceLevel = confidence });
            if (parse.GetValue(json))
            {
                WriteJson(context.Out, lift, confidence, windowEnd);
            }
            else
            {
                WriteText(context.Out, lift, confidence, windowEnd);
            }

            context.Error.WriteLine(FormattableString.Invariant($"{decisionsPath}: {rows.Count} decisions; {outcomesPath}: {purchases.Count} customers with outcomes up to {windowEnd.AddDays(-1):yyyy-MM-dd}."));
            return CliApp.Success;
        });
        return command;
    }

    internal static List<(string CustomerId, string Rule, string Action, DecisionArm Arm, DateTimeOffset At)> ReadDecisions(string path)
    {
        var rows = DecisionCsv.ReadFile(path).Select(d => (d.CustomerId, d.Rule, d.Action, d.Arm, d.DecidedAt)).ToList();
        return rows.Count > 0 ? rows : throw CliInputException.At(path, 2, "no decisions: the file has a header but no rows; run 'lifecycle engage' on more customers or with a playbook whose rules fire");
    }

    private static string Pct(double v) => (v * 100).ToString("0.00", CultureInfo.InvariantCulture);

    private static void WriteText(TextWriter w, IReadOnlyList<RuleLift> lift, double level, DateTime windowEnd)
    {
        var inv = CultureInfo.InvariantCulture;
        w.WriteLine(string.Create(inv, $"Lift per rule, treated vs untreated (rule control + global holdout), outcomes up to {windowEnd.AddDays(-1):yyyy-MM-dd}; {level:P0} intervals: Newcombe hybrid score for rates, Welch t for revenue"));
        foreach (var r in lift)
        {
            w.WriteLine();
            w.WriteLine(string.Create(inv, $"{r.Rule}: {r.Treated} treated, {r.Untreated} untreated"));
            if (r.Conversion is { } c)
            {
                w.WriteLine(string.Create(inv, $"  conversion   {Pct(c.Treated),7} % vs {Pct(c.Control),7} %   difference {Pct(c.Difference),7} points [{Pct(c.Lower)}, {Pct(c.Upper)}]"));
            }

            if (r.Retention is { } t)
            {
                w.WriteLine(string.Create(inv, $"  retention    {Pct(t.Treated),7} % vs {Pct(t.Control),7} %   difference {Pct(t.Difference),7} points [{Pct(t.Lower)}, {Pct(t.Upper)}]"));
            }

            if (r.RevenuePerCustomer is { } m && r.IncrementalRevenue is { } inc)
            {
                w.WriteLine(string.Create(inv, $"  revenue/cust {m.Treated,9:0.00} vs {m.Control,9:0.00}   difference {m.Difference:0.00} [{m.Lower:0.00}, {m.Upper:0.00}]"));
                w.WriteLine(string.Create(inv, $"  incremental revenue {inc.Estimate:0.00} [{inc.Lower:0.00}, {inc.Upper:0.00}]"));
            }

            foreach (var warning in r.Warnings)
            {
                w.WriteLine("  warning: " + warning);
            }
        }
    }

    private static void WriteJson(TextWriter w, IReadOnlyList<RuleLift> lift, double level, DateTime windowEnd) => Output.Json(w, j =>
    {
        j.WriteStartObject();
        j.WriteNumber("confidenceLevel", level);
        j.WriteString("outcomesUntil", windowEnd.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        j.WriteStartArray("rules");
        foreach (var r in lift)
        {
            j.WriteStartObject();
            j.WriteString("rule", r.Rule);
            j.WriteNumber("treated", r.Treated);
            j.WriteNumber("untreated", r.Untreated);
            Rate(j, "conversion", r.Conversion);
            Rate(j, "retention", r.Retention);
            if (r.RevenuePerCustomer is { } m && r.IncrementalRevenue is { } inc)
            {
                j.WriteStartObject("revenuePerCustomer");
                j.WriteNumber("treated", m.Treated);
                j.WriteNumber("control", m.Control);
                j.WriteNumber("difference", m.Difference);
                j.WriteNumber("lower", m.Lower);
                j.WriteNumber("upper", m.Upper);
                if (double.IsFinite(m.DegreesOfFreedom))
                {
                    j.WriteNumber("degreesOfFreedom", m.DegreesOfFreedom);
                }

                j.WriteEndObject();
                j.WriteStartObject("incrementalRevenue");
                j.WriteNumber("estimate", inc.Estimate);
                j.WriteNumber("lower", inc.Lower);
                j.WriteNumber("upper", inc.Upper);
                j.WriteEndObject();
            }
            else
            {
                j.WriteNull("revenuePerCustomer");
                j.WriteNull("incrementalRevenue");
            }

            j.WriteStartArray("warnings");
            foreach (var warning in r.Warnings)
            {
                j.WriteStringValue(warning);
            }

            j.WriteEndArray();
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteEndObject();
    });

    private static void Rate(System.Text.Json.Utf8JsonWriter j, string name, RateDifference? rate)
    {
        if (rate is not { } r)
        {
            j.WriteNull(name);
            return;
        }

        j.WriteStartObject(name);
        j.WriteNumber("treated", r.Treated);
        j.WriteNumber("control", r.Control);
        j.WriteNumber("difference", r.Difference);
        j.WriteNumber("lower", r.Lower);
        j.WriteNumber("upper", r.Upper);
        j.WriteEndObject();
    }
}
