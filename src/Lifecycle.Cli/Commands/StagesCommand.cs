using System.CommandLine;
using System.Globalization;
using Lifecycle.Cli.IO;
using Lifecycle.IO;
using Lifecycle.Stages;

namespace Lifecycle.Cli.Commands;

/// <summary><c>lifecycle stages EVENTS</c>: folds an events CSV through a stage model and prints distribution, funnel, flows, time in stage and stage metrics.</summary>
internal static class StagesCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("EVENTS") { Description = "Events CSV with header: event_id,customer_id,timestamp,kind[,amount][,score]. Kinds: touch, impression, visit, lead_captured, purchase, refund, nps_response, csat_response, referral, review, support_contact, cancellation." };
        var asOf = CommonOptions.Date("--as-of", "Report date; default the last event. Later events are left out and counted");
        var from = CommonOptions.Date("--from", "Start of the period for flows and stage metrics; default the first event");
        var model = new Option<string>("--model") { Description = "Stage model: reach-to-loyalty (Reach, Acquisition, Conversion, Retention, Loyalty, AtRisk, Churned) or awareness-to-advocacy.", DefaultValueFactory = _ => "reach-to-loyalty" }.WithValues("reach-to-loyalty", "awareness-to-advocacy");
        var spend = new Option<decimal?>("--acquisition-spend") { Description = "Acquisition spend in the period, for CAC." };
        var json = CommonOptions.Json();
        var command = new Command("stages", "Run the lifecycle stage model over an events CSV: stage distribution, funnel, flows, time in stage and stage metrics.") { file };
        command.Options.Add(asOf);
        command.Options.Add(from);
        command.Options.Add(model);
        command.Options.Add(spend);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var stageModel = parse.GetValue(model) == "awareness-to-advocacy" ? StageModels.AwarenessToAdvocacy() : StageModels.ReachToLoyalty();
            var events = ReadEvents(path, stageModel, context.Progress);
            if (events.Count == 0)
            {
                throw CliInputException.At(path, 2, 1, "no events: the file has a header but no rows; add events below the header");
            }

            var reportDate = CommonOptions.ParseDate(parse.GetValue(asOf), "--as-of") ?? events.Max(e => e.Timestamp);
            var excluded = events.Count(e => e.Timestamp > reportDate);
            var kept = events.Where(e => e.Timestamp <= reportDate).ToList();
            if (kept.Count == 0)
            {
                throw new CliInputException($"--as-of {reportDate:yyyy-MM-dd} is before every event; pick a later date.");
            }

            var periodStart = CommonOptions.ParseDate(parse.GetValue(from), "--from") ?? kept.Min(e => e.Timestamp);
            var periodEnd = reportDate.AddTicks(1);
            if (periodStart >= periodEnd)
            {
                throw new CliInputException($"--from {periodStart:yyyy-MM-dd} is not before the report date {reportDate:yyyy-MM-dd}; pick an earlier --from.");
            }

            var run = Fold(new LifecycleEngine(stageModel, OutOfOrderPolicy.Refold), kept, reportDate);
            var report = new StagesReport(
                parse.GetValue(model)!,
                stageModel,
                reportDate,
                periodStart,
                kept.Count,
                excluded,
                run.Duplicates,
                run.Refolds,
                run.States,
                StageAnalytics.Distribution(stageModel, run.States, reportDate),
                StageAnalytics.Funnel(stageModel, run.States, reportDate),
                StageAnalytics.Flows(stageModel, run.States, periodStart, periodEnd),
                StageAnalytics.TimeInStage(stageModel, run.States, reportDate),
                StageMetrics.Compute(stageModel, run.States, periodStart, periodEnd, parse.GetValue(spend)));
            if (parse.GetValue(json))
            {
                WriteJson(context.Out, report);
            }
            else
            {
                WriteText(context.Out, report);
            }

            context.Out.Flush();
            context.Error.WriteLine(FormattableString.Invariant($"{path}: {kept.Count} events, {run.States.Count} customers; {excluded} events after --as-of left out, {run.Duplicates} repeated event ids ignored, {run.Refolds} late events re-folded."));
            return CliApp.Success;
        });
        return command;
    }

    /// <summary>Reads and validates the events (Lifecycle.IO's <see cref="EventCsv"/>); every problem names the file, the line and the column.</summary>
    public static List<LifecycleEvent> ReadEvents(string path, StageModel model, Progress progress)
    {
        var events = new List<LifecycleEvent>();
        foreach (var record in EventCsv.ReadFile(path, new EventCsvOptions { CustomKinds = [.. model.CustomEventKinds] }))
        {
            events.Add(record.Event);
            progress.Report("reading events", events.Count);
        }

        progress.Done();
        return events;
    }

    internal static (List<CustomerState> States, int Duplicates, int Refolds) Fold(LifecycleEngine engine, List<LifecycleEvent> events, DateTimeOffset asOf)
    {
        // One batch per customer: ApplyMany sorts the customer's events and re-folds once, whatever the file's order,
        // and counts duplicates and late events as applying them one by one would.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var groups = new List<List<LifecycleEvent>>();
        foreach (var e in events)
        {
            if (!index.TryGetValue(e.CustomerId, out var i))
            {
                i = groups.Count;
                index.Add(e.CustomerId, i);
                groups.Add([]);
            }

            groups[i].Add(e);
        }

        var states = new List<CustomerState>(groups.Count);
        int duplicates = 0, refolds = 0;
        foreach (var group in groups)
        {
            var r = engine.ApplyMany(engine.Start(group[0].CustomerId), group);
            duplicates += r.Duplicates;
            refolds += r.Refolded;
            states.Add(r.State);
        }

        for (var i = 0; i < states.Count; i++)
        {
            states[i] = engine.Evaluate(states[i], asOf).State;
        }

        states.Sort((a, b) => NaturalIdComparer.Instance.Compare(a.CustomerId, b.CustomerId));
        return (states, duplicates, refolds);
    }

    private static string Date(DateTimeOffset d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Days(TimeSpan? t) => t is { } v ? v.TotalDays.ToString("0.#", CultureInfo.InvariantCulture) : "-";

    private static string Pct(double? v) => v is { } x ? x.ToString("P1", CultureInfo.InvariantCulture) : "-";

    private static string Num(double? v, string format = "0.##") => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Money(decimal? v) => v is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "-";

    private static void WriteText(TextWriter w, StagesReport r)
    {
        var inv = CultureInfo.InvariantCulture;
        w.WriteLine(string.Create(inv, $"Stage model {r.ModelName}: {r.Events} events, {r.States.Count} customers, as of {Date(r.AsOf)}"));
        w.WriteLine();
        w.WriteLine(string.Create(inv, $"Stage distribution on {Date(r.AsOf)}"));
        w.WriteLine(string.Create(inv, $"  {"stage",-14}{"customers",10}{"share",9}"));
        foreach (var c in r.Distribution)
        {
            w.WriteLine(string.Create(inv, $"  {c.Stage,-14}{c.Customers,10}{Pct(c.Share),9}"));
        }

        w.WriteLine();
        w.WriteLine("Funnel (reached = entered this stage or a later one)");
        w.WriteLine(string.Create(inv, $"  {"stage",-14}{"reached",10}{"conversion",12}{"median days",13}"));
        foreach (var f in r.Funnel)
        {
            w.WriteLine(string.Create(inv, $"  {f.Stage,-14}{f.Reached,10}{Pct(f.ConversionFromPrevious),12}{Days(f.MedianTimeFromPrevious),13}"));
        }

        w.WriteLine();
        w.WriteLine(string.Create(inv, $"Flows {Date(r.From)} .. {Date(r.AsOf)}"));
        foreach (var f in r.Flows.Flows)
        {
            w.WriteLine(string.Create(inv, $"  {f.From ?? "(new)",-14} -> {f.To,-14}{f.Count,8}"));
        }

        w.WriteLine();
        w.WriteLine("Time in stage (days per customer)");
        w.WriteLine(string.Create(inv, $"  {"stage",-14}{"customers",10}{"entries",9}{"now",7}{"mean",9}{"median",9}"));
        foreach (var t in r.TimeInStage)
        {
            w.WriteLine(string.Create(inv, $"  {t.Stage,-14}{t.Customers,10}{t.Entries,9}{t.CurrentlyIn,7}{Days(t.MeanCumulative),9}{Days(t.MedianCumulative),9}"));
        }

        var m = r.Metrics;
        w.WriteLine();
        w.WriteLine(string.Create(inv, $"Stage metrics {Date(r.From)} .. {Date(r.AsOf)}"));
        w.WriteLine(string.Create(inv, $"  Reach        touches {m.Reach.Touches}, unique reached {m.Reach.UniqueReached}"));
        w.WriteLine(string.Create(inv, $"  Acquisition  leads {m.Acquisition.Leads}, lead conversion {Pct(m.Acquisition.LeadConversionRate)}, new customers {m.Acquisition.NewCustomers}, CAC {Money(m.Acquisition.CustomerAcquisitionCost)}"));
        w.WriteLine(string.Create(inv, $"  Conversion   conversion rate {Pct(m.Conversion.ConversionRate)}, orders {m.Conversion.Orders}, AOV {Money(m.Conversion.AverageOrderValue)}, purchase frequency {Num(m.Conversion.PurchaseFrequency)}"));
        w.WriteLine(string.Create(inv, $"  Retention    churn rate {Pct(m.Retention.ChurnRate)} ({m.Retention.Churned} of {m.Retention.CustomersAtStart}), repeat purchase rate {Pct(m.Retention.RepeatPurchaseRate)}, CSAT {Pct(m.Retention.Csat)}"));
        w.WriteLine(string.Create(inv, $"  Loyalty      NPS {Num(m.Loyalty.Nps, "0.#")} ({m.Loyalty.NpsRespondents} respondents), referrals per customer {Num(m.Loyalty.ReferralsPerCustomer, "0.###")}, share of advocates {Pct(m.Loyalty.ShareOfAdvocates)}"));
    }

    private static void WriteJson(TextWriter writer, StagesReport r) => Output.Json(writer, j =>
    {
        j.WriteStartObject();
        j.WriteString("model", r.ModelName);
        j.WriteString("asOf", r.AsOf.ToString("O", CultureInfo.InvariantCulture));
        j.WriteString("from", r.From.ToString("O", CultureInfo.InvariantCulture));
        j.WriteNumber("events", r.Events);
        j.WriteNumber("customers", r.States.Count);
        j.WriteNumber("eventsAfterAsOf", r.ExcludedAfterAsOf);
        j.WriteNumber("duplicatesIgnored", r.Duplicates);
        j.WriteNumber("lateEventsRefolded", r.Refolds);
        j.WriteStartArray("distribution");
        foreach (var c in r.Distribution)
        {
            j.WriteStartObject();
            j.WriteString("stage", c.Stage);
            j.WriteNumber("customers", c.Customers);
            j.WriteNumber("share", c.Share);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteStartArray("funnel");
        foreach (var f in r.Funnel)
        {
            j.WriteStartObject();
            j.WriteString("stage", f.Stage);
            j.WriteNumber("reached", f.Reached);
            NullableNumber(j, "conversionFromPrevious", f.ConversionFromPrevious);
            NullableNumber(j, "medianDaysFromPrevious", f.MedianTimeFromPrevious?.TotalDays);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteStartArray("flows");
        foreach (var f in r.Flows.Flows)
        {
            j.WriteStartObject();
            if (f.From is null)
            {
                j.WriteNull("from");
            }
            else
            {
                j.WriteString("from", f.From);
            }

            j.WriteString("to", f.To);
            j.WriteNumber("count", f.Count);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteStartArray("timeInStage");
        foreach (var t in r.TimeInStage)
        {
            j.WriteStartObject();
            j.WriteString("stage", t.Stage);
            j.WriteNumber("customers", t.Customers);
            j.WriteNumber("entries", t.Entries);
            j.WriteNumber("currentlyIn", t.CurrentlyIn);
            j.WriteNumber("meanDays", t.MeanCumulative.TotalDays);
            j.WriteNumber("medianDays", t.MedianCumulative.TotalDays);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        var m = r.Metrics;
        j.WriteStartObject("metrics");
        j.WriteStartObject("reach");
        j.WriteNumber("touches", m.Reach.Touches);
        j.WriteNumber("uniqueReached", m.Reach.UniqueReached);
        j.WriteEndObject();
        j.WriteStartObject("acquisition");
        j.WriteNumber("leads", m.Acquisition.Leads);
        j.WriteNumber("leadsConverted", m.Acquisition.LeadsConverted);
        NullableNumber(j, "leadConversionRate", m.Acquisition.LeadConversionRate);
        j.WriteNumber("newCustomers", m.Acquisition.NewCustomers);
        NullableNumber(j, "customerAcquisitionCost", (double?)m.Acquisition.CustomerAcquisitionCost);
        j.WriteEndObject();
        j.WriteStartObject("conversion");
        j.WriteNumber("newContacts", m.Conversion.NewContacts);
        j.WriteNumber("converted", m.Conversion.Converted);
        NullableNumber(j, "conversionRate", m.Conversion.ConversionRate);
        j.WriteNumber("orders", m.Conversion.Orders);
        j.WriteNumber("revenue", m.Conversion.Revenue);
        NullableNumber(j, "averageOrderValue", (double?)m.Conversion.AverageOrderValue);
        NullableNumber(j, "purchaseFrequency", m.Conversion.PurchaseFrequency);
        j.WriteEndObject();
        j.WriteStartObject("retention");
        j.WriteNumber("customersAtStart", m.Retention.CustomersAtStart);
        j.WriteNumber("churned", m.Retention.Churned);
        NullableNumber(j, "churnRate", m.Retention.ChurnRate);
        NullableNumber(j, "repeatPurchaseRate", m.Retention.RepeatPurchaseRate);
        j.WriteNumber("csatResponses", m.Retention.CsatResponses);
        NullableNumber(j, "csat", m.Retention.Csat);
        j.WriteEndObject();
        j.WriteStartObject("loyalty");
        j.WriteNumber("npsRespondents", m.Loyalty.NpsRespondents);
        NullableNumber(j, "nps", m.Loyalty.Nps);
        j.WriteNumber("referrals", m.Loyalty.Referrals);
        NullableNumber(j, "referralsPerCustomer", m.Loyalty.ReferralsPerCustomer);
        NullableNumber(j, "shareOfAdvocates", m.Loyalty.ShareOfAdvocates);
        j.WriteEndObject();
        j.WriteEndObject();
        j.WriteEndObject();
    });

    private static void NullableNumber(System.Text.Json.Utf8JsonWriter j, string name, double? value)
    {
        if (value is { } v)
        {
            j.WriteNumber(name, v);
        }
        else
        {
            j.WriteNull(name);
        }
    }

    private sealed record StagesReport(
        string ModelName,
        StageModel Model,
        DateTimeOffset AsOf,
        DateTimeOffset From,
        int Events,
        int ExcludedAfterAsOf,
        int Duplicates,
        int Refolds,
        List<CustomerState> States,
        IReadOnlyList<StageCount> Distribution,
        IReadOnlyList<FunnelStep> Funnel,
        FlowMatrix Flows,
        IReadOnlyList<StageTime> TimeInStage,
        StageMetricsReport Metrics);
}
