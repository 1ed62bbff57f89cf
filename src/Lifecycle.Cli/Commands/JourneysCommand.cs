using System.CommandLine;
using System.Globalization;
using Lifecycle.Cli.Analyze;
using Lifecycle.Cli.IO;
using Lifecycle.Metrics;
using Lifecycle.Stages;
using Lifecycle.Store;

namespace Lifecycle.Cli.Commands;

/// <summary><c>lifecycle journeys --store STORE</c>: stage history of a customer, current stage distribution and stage × period flows from a journey store.</summary>
internal static class JourneysCommand
{
    public static Command Create(CliContext context)
    {
        var store = TrackCommand.StoreOption();
        var model = TrackCommand.ModelOption();
        var customer = new Option<string?>("--customer") { Description = "Show this customer's stage history: entered, exited, time in stage, previous and next stage, the rule that fired." };
        var period = new Option<string>("--period") { Description = "Flow periods: week (ISO, Monday), month or quarter (UTC).", DefaultValueFactory = _ => "month" }.WithValues("week", "month", "quarter");
        var json = CommonOptions.Json();
        var command = new Command("journeys", "Print the stage history of a customer, the current stage distribution and the stage flows per period from a journey store written by 'lifecycle track'.");
        command.Options.Add(store);
        command.Options.Add(model);
        command.Options.Add(customer);
        command.Options.Add(period);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var spec = parse.GetValue(store)!;
            var journeys = TrackCommand.OpenStore(spec);
            try
            {
                var id = parse.GetValue(customer);
                IReadOnlyList<StageStay>? history = null;
                if (id is not null)
                {
                    var stored = journeys.ReadStatesAsync([id]).GetAwaiter().GetResult();
                    if (!stored.TryGetValue(id, out var s))
                    {
                        throw new CliInputException($"--customer {id}: no such customer in {spec}; ids are matched exactly (case-sensitive).");
                    }

                    var state = ReadState(TrackCommand.StageModelFor(parse.GetValue(model)!), s, spec);
                    history = JourneyHistory.Stays(journeys.ReadJourneyAsync(id).GetAwaiter().GetResult(), state.AsOf!.Value);
                }

                var distribution = JourneyHistory.Distribution(journeys.CountStagesAsync().GetAwaiter().GetResult());
                var granularity = parse.GetValue(period) switch { "week" => PeriodGranularity.Week, "quarter" => PeriodGranularity.Quarter, _ => PeriodGranularity.Month };
                var flows = JourneyHistory.Flows(journeys.CountDailyFlowsAsync().GetAwaiter().GetResult(), new PeriodCalendar(granularity));
                if (parse.GetValue(json))
                {
                    WriteJson(context.Out, id, history, distribution, flows);
                }
                else
                {
                    WriteText(context.Out, id, history, distribution, flows);
                }
            }
            finally
            {
                (journeys as IAsyncDisposable)?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            context.Out.Flush();
            return CliApp.Success;
        });
        return command;
    }

    private static CustomerState ReadState(StageModel model, StoredState s, string spec)
    {
        try
        {
            return s.Restore(model, $"the snapshot of customer '{s.CustomerId}' in {spec}");
        }
        catch (SnapshotFormatException e)
        {
            throw new CliInputException(e.Message + " (was the store written with another --model?)");
        }
    }

    private static string Time(DateTimeOffset? t) => t?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "";

    private static string Days(TimeSpan t) => t.TotalDays.ToString("0.##", CultureInfo.InvariantCulture);

    private static void WriteText(TextWriter w, string? id, IReadOnlyList<StageStay>? history, IReadOnlyList<StageCount> distribution, IReadOnlyList<PeriodFlow> flows)
    {
        if (history is not null)
        {
            ConsoleTable.Write(w, $"Stage history of {id}", ["stage", "entered", "exited", "days in stage", "previous", "next", "rule", "event"],
                history.Select(h => (IReadOnlyList<string>)[h.Stage, Time(h.Entered), Time(h.Exited), Days(h.TimeInStage), h.PreviousStage ?? "", h.NextStage ?? "", h.Rule, h.EventId ?? ""]).ToList());
            w.WriteLine();
        }

        ConsoleTable.Write(w, "Current stage distribution", ["stage", "customers", "share"],
            distribution.Select(d => (IReadOnlyList<string>)[d.Stage, d.Customers.ToString(CultureInfo.InvariantCulture), d.Share.ToString("P1", CultureInfo.InvariantCulture)]).ToList());
        w.WriteLine();
        ConsoleTable.Write(w, "Stage flows per period", ["period", "from", "to", "transitions"],
            flows.Select(f => (IReadOnlyList<string>)[f.Period.Label, f.From ?? "(first contact)", f.To, f.Count.ToString(CultureInfo.InvariantCulture)]).ToList());
    }

    private static void WriteJson(TextWriter writer, string? id, IReadOnlyList<StageStay>? history, IReadOnlyList<StageCount> distribution, IReadOnlyList<PeriodFlow> flows) => Output.Json(writer, j =>
    {
        static void Str(System.Text.Json.Utf8JsonWriter j, string name, string? value)
        {
            if (value is null)
            {
                j.WriteNull(name);
            }
            else
            {
                j.WriteString(name, value);
            }
        }

        j.WriteStartObject();
        if (history is not null)
        {
            j.WriteString("customer", id);
            j.WriteStartArray("history");
            foreach (var h in history)
            {
                j.WriteStartObject();
                j.WriteString("stage", h.Stage);
                j.WriteString("entered", h.Entered.ToString("O", CultureInfo.InvariantCulture));
                Str(j, "exited", h.Exited?.ToString("O", CultureInfo.InvariantCulture));
                j.WriteNumber("daysInStage", h.TimeInStage.TotalDays);
                Str(j, "previous", h.PreviousStage);
                Str(j, "next", h.NextStage);
                j.WriteString("rule", h.Rule);
                Str(j, "eventId", h.EventId);
                j.WriteEndObject();
            }

            j.WriteEndArray();
        }

        j.WriteStartArray("distribution");
        foreach (var d in distribution)
        {
            j.WriteStartObject();
            j.WriteString("stage", d.Stage);
            j.WriteNumber("customers", d.Customers);
            j.WriteNumber("share", d.Share);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteStartArray("flows");
        foreach (var f in flows)
        {
            j.WriteStartObject();
            j.WriteString("period", f.Period.Label);
            j.WriteString("periodStart", f.Period.Start.ToString("O", CultureInfo.InvariantCulture));
            Str(j, "from", f.From);
            j.WriteString("to", f.To);
            j.WriteNumber("count", f.Count);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteEndObject();
    });
}
