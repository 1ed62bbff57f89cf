using Lifecycle.Analysis;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lifecycle.Cli.Analyze;
using Lifecycle.Cli.IO;
using Lifecycle.Engagement;
using Lifecycle.Stages;

namespace Lifecycle.Cli.Commands;

/// <summary>The contexts, decisions and Act summary of one playbook run over an analysis (what the analyze report's "Act" section shows).</summary>
internal sealed record EngagementRun(Playbook Playbook, IReadOnlyList<CustomerContext> Contexts, IReadOnlyList<Decision> Decisions, ActSummary Act);

/// <summary><c>lifecycle engage TRANSACTIONS --out DIR</c>: next-best actions from a playbook, written to DIR/actions.csv.</summary>
internal static class EngageCommand
{
    private static readonly JsonSerializerOptions PlaybookJson = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    public const string ActionsHeader = "customer_id,action,score,arm,reasons,decision_id,rule,decided_at";

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("TRANSACTIONS") { Description = "Transactions CSV (customer_id,date,amount)." };
        var input = new TransactionInputOptions();
        var unit = CommonOptions.Unit();
        var end = CommonOptions.Date("--end", "Observation end and decision date; default the last transaction date");
        var events = new Option<string?>("--events") { Description = "Events CSV (event_id,customer_id,timestamp,kind[,amount][,score]) adding NPS, CSAT, support contacts and stage history to the context." };
        var playbookFile = new Option<string?>("--playbook") { Description = "Playbook JSON (see docs/engagement.md); default the ready-made standard playbook." };
        var consent = new Option<string>("--consent") { Description = "Channels every customer is assumed to have consented to (the CLI has no consent data): email, sms, push, phone, comma-separated, all or none.", DefaultValueFactory = _ => "all" };
        var output = new Option<string>("--out") { Description = "Output directory for actions.csv.", Required = true };
        var history = new Option<string?>("--history") { Description = "actions.csv files of earlier runs (comma-separated): their decisions feed cooldowns and frequency caps." };
        var json = CommonOptions.Json();
        var command = new Command("engage", "Next-best actions with reasons, control groups and decision ids from a playbook; writes actions.csv.") { file };
        input.AddTo(command);
        foreach (var option in new Option[] { unit, end, events, playbookFile, consent, history, output, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var fileOptions = input.Read(parse);
            var playbook = parse.GetValue(playbookFile) is { } p ? LoadPlaybook(p) : Playbooks.Standard().Build();
            var channels = ParseConsent(parse.GetValue(consent)!);
            var options = AnalysisOptions.Default with
            {
                ObservationEnd = CommonOptions.ParseDate(parse.GetValue(end), "--end"),
                Unit = CommonOptions.ParseUnit(parse.GetValue(unit)!),
                Refunds = fileOptions.AllowNegativeAmounts ? RefundPolicy.Exclude : RefundPolicy.Reject,
            };

            // Deciding as of an earlier --end on a longer file is how outcomes are kept for 'lifecycle lift': later rows are left out (and counted), never an error.
            var analysis = AnalyzeCommand.Run(new TransactionSource(path, fileOptions), options, strictEnd: false, context.Progress);
            var stageModel = analysis.StageModel ?? throw new CliInputException($"{path}: the analysis built no stage model, so no customer has a stage to act on; see the analysis notes.");
            IReadOnlyList<CustomerState>? states = null;
            if (parse.GetValue(events) is { } eventsPath)
            {
                var all = StagesCommand.ReadEvents(eventsPath, stageModel, context.Progress);
                var kept = all.Where(e => e.Timestamp <= analysis.ObservationEnd).ToList();
                var folded = StagesCommand.Fold(new LifecycleEngine(stageModel, OutOfOrderPolicy.Refold), kept, analysis.ObservationEnd).States;
                var byId = folded.ToDictionary(s => s.CustomerId, StringComparer.Ordinal);
                states = [.. Enumerable.Range(0, analysis.Summaries.Count).Select(i => byId.GetValueOrDefault(analysis.Summaries.Ids[i]))];
                context.Error.WriteLine(FormattableString.Invariant($"{eventsPath}: {kept.Count} events of {byId.Count} customers folded ({all.Count - kept.Count} after the decision date left out)."));
            }

            var past = ReadHistory(parse.GetValue(history), analysis.ObservationEnd);
            var run = Decide(analysis, playbook, states, channels, past);
            var directory = parse.GetValue(output)!;
            WriteActions(directory, run.Decisions);
            if (parse.GetValue(json))
            {
                WriteJson(context.Out, run.Act);
            }
            else
            {
                WriteText(context.Out, run.Act, Path.Combine(directory, "actions.csv"));
            }

            return CliApp.Success;
        });
        return command;
    }

    /// <summary>Runs a playbook over an analysis: one context per customer (stage, predictions, CLV and decile, RFM segment, facts), then the decisions and their summary.</summary>
    public static EngagementRun Decide(AnalysisResult<string> analysis, Playbook playbook, IReadOnlyList<CustomerState>? states, ConsentChannels consent, ILookup<string, ActionRecord>? history = null)
    {
        var contexts = CustomerContexts.FromSummaries(analysis.Summaries, new ContextColumns
        {
            // A section the analysis skipped (no usable model, no spend model) leaves its column empty: unknown, not 0.
            AliveProbability = analysis.PAlive.Count > 0 ? analysis.PAlive : null,
            ExpectedPurchases = analysis.ExpectedPurchases.Count > 0 ? analysis.ExpectedPurchases : null,
            Value = analysis.Value.Count > 0 ? analysis.Value : null,
            Segments = [.. Enumerable.Range(0, analysis.Summaries.Count).Select(i => (IReadOnlyList<string>)[analysis.SegmentOf(i)])],
            Stages = analysis.Stages,
            States = states,
            Consent = consent,
        }, analysis.ObservationEnd);
        if (history is not null)
        {
            contexts = [.. contexts.Select(c => history.Contains(c.CustomerId) ? With(c, [.. history[c.CustomerId]]) : c)];
        }

        var decisions = playbook.DecideAll(contexts);
        return new EngagementRun(playbook, contexts, decisions, ActSummary.From(playbook, decisions, contexts.Length));
    }

    private static CustomerContext With(CustomerContext c, IReadOnlyList<ActionRecord> history) => new(c.CustomerId, c.AsOf)
    {
        Stage = c.Stage,
        StageEnteredAt = c.StageEnteredAt,
        LastTransition = c.LastTransition,
        Facts = c.Facts,
        Segments = c.Segments,
        AliveProbability = c.AliveProbability,
        NoPurchaseProbability = c.NoPurchaseProbability,
        ExpectedPurchases = c.ExpectedPurchases,
        Value = c.Value,
        ValueDecile = c.ValueDecile,
        Consent = c.Consent,
        Scores = c.Scores,
        Previous = c.Previous,
        History = history,
    };

    /// <summary>Reads earlier actions.csv files; decisions after the decision date are left out (they had not happened yet).</summary>
    private static ILookup<string, ActionRecord>? ReadHistory(string? files, DateTimeOffset asOf)
    {
        if (files is null)
        {
            return null;
        }

        return files.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .SelectMany(LiftCommand.ReadDecisions)
            .Where(r => r.At <= asOf)
            .ToLookup(r => r.CustomerId, r => new ActionRecord(r.Rule, r.Action, r.At, r.Arm), StringComparer.Ordinal);
    }

    /// <summary>Reads a playbook JSON file; a syntax error is reported at FILE:LINE:COLUMN, rule problems all at once.</summary>
    public static Playbook LoadPlaybook(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliInputException($"{path}: file not found; pass a playbook JSON file (see docs/engagement.md) or leave --playbook out for the standard playbook.");
        }

        PlaybookDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize<PlaybookDefinition>(File.ReadAllText(path), PlaybookJson);
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            var what = e.Path is { Length: > 0 } jsonPath ? $" at {jsonPath}" : string.Empty;
            throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"{path}:{line}:{column}: not a valid playbook{what}: {FirstSentence(e.Message)} Fix the JSON (see docs/engagement.md for the fields)."));
        }

        if (definition is null)
        {
            throw new CliInputException($"{path}:1:1: the file holds null, not a playbook object; write {{ \"name\": ..., \"rules\": [...] }}.");
        }

        try
        {
            return definition.ToPlaybook();
        }
        catch (PlaybookException e)
        {
            throw new CliInputException($"{path}: the playbook has {e.Problems.Count} problem(s):" + string.Concat(e.Problems.Select(p => Environment.NewLine + "  " + p)));
        }
    }

    public static void WriteActions(TextWriter w, IEnumerable<Decision> decisions)
    {
        w.WriteLine(ActionsHeader);
        foreach (var d in decisions)
        {
            w.WriteLine(string.Join(',', Output.Cell(d.CustomerId), Output.Cell(d.Action), Output.Number(d.Score), ArmName(d.Arm), Output.Cell(d.ReasonText), d.DecisionId, Output.Cell(d.Rule), d.At.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        }
    }

    public static string ArmName(DecisionArm arm) => arm switch { DecisionArm.Treatment => "treatment", DecisionArm.Control => "control", _ => "holdout" };

    private static void WriteActions(string directory, IReadOnlyList<Decision> decisions)
    {
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, "actions.csv");
        var temp = Path.Combine(directory, ".actions.csv.tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        try
        {
            using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                WriteActions(writer, decisions);
            }

            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static ConsentChannels ParseConsent(string text)
    {
        if (string.Equals(text, "all", StringComparison.OrdinalIgnoreCase))
        {
            return ConsentChannels.All;
        }

        var result = ConsentChannels.None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (string.Equals(part, "none", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!Enum.TryParse<ConsentChannels>(part, ignoreCase: true, out var c) || int.TryParse(part, out _))
            {
                throw new CliInputException($"--consent '{part}' is not a channel; use email, sms, push, phone (comma-separated), all or none.");
            }

            result |= c;
        }

        return result;
    }

    private static void WriteText(TextWriter w, ActSummary act, string file)
    {
        var inv = CultureInfo.InvariantCulture;
        w.WriteLine(string.Create(inv, $"Act: {act.Treated} actions to send to {act.CustomersWithAction} of {act.Customers} customers ({act.Untreated} withheld as control or holdout), expected value {act.ExpectedValue:0.00}"));
        w.WriteLine();
        w.WriteLine(string.Create(inv, $"  {"rule",-22}{"action",-24}{"send",7}{"control",9}{"holdout",9}{"exp. value",13}  why"));
        foreach (var a in act.Actions)
        {
            var why = string.Join(", ", a.TopReasons.Select(r => string.Create(inv, $"{r.Key} ×{r.Value}")));
            w.WriteLine(string.Create(inv, $"  {a.Rule,-22}{a.Action,-24}{a.Treated,7}{a.Control,9}{a.Holdout,9}{a.ExpectedValue,13:0.00}  {why}"));
        }

        w.WriteLine();
        w.WriteLine("Wrote " + file);
    }

    private static void WriteJson(TextWriter w, ActSummary act) => Output.Json(w, j =>
    {
        j.WriteStartObject();
        j.WriteNumber("customers", act.Customers);
        j.WriteNumber("customersWithAction", act.CustomersWithAction);
        j.WriteNumber("treated", act.Treated);
        j.WriteNumber("untreated", act.Untreated);
        j.WriteNumber("expectedValue", act.ExpectedValue);
        j.WriteStartArray("actions");
        foreach (var a in act.Actions)
        {
            j.WriteStartObject();
            j.WriteString("rule", a.Rule);
            j.WriteString("action", a.Action);
            j.WriteString("description", a.Description);
            j.WriteNumber("treated", a.Treated);
            j.WriteNumber("control", a.Control);
            j.WriteNumber("holdout", a.Holdout);
            j.WriteNumber("expectedValue", a.ExpectedValue);
            j.WriteStartObject("topReasons");
            foreach (var r in a.TopReasons)
            {
                j.WriteNumber(r.Key, r.Value);
            }

            j.WriteEndObject();
            j.WriteStartArray("customers");
            foreach (var c in a.Customers)
            {
                j.WriteStringValue(c);
            }

            j.WriteEndArray();
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteEndObject();
    });

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).TrimEnd();
    }
}
