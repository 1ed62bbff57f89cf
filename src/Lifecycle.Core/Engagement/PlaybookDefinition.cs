using System.Globalization;

namespace Lifecycle.Engagement;

/// <summary>A playbook as data, for configuration and JSON files (bound by the DI package, read by the CLI); <see cref="ToPlaybook"/> validates and builds it.</summary>
/// <remarks>
/// Example (JSON):
/// <code>
/// { "name": "spring", "holdoutShare": 0.05, "includeStandard": false,
///   "rules": [ { "name": "win-back", "action": "winback_offer", "priority": 90, "channel": "email",
///                "trigger": { "becomes": { "measure": "p_alive", "op": "&lt;", "value": 0.3 } },
///                "when": [ { "measure": "clv_decile", "op": "&gt;=", "value": 8 } ],
///                "exit": [ { "purchasedSince": "win-back" } ],
///                "cooldownDays": 30, "controlShare": 0.1, "expectedUplift": 0.05 } ] }
/// </code>
/// </remarks>
public sealed class PlaybookDefinition
{
    /// <summary>Gets or sets the playbook's name.</summary>
    /// <value><c>playbook</c>.</value>
    public string Name { get; set; } = "playbook";

    /// <summary>Gets or sets the control-group salt; the name when <see langword="null"/>.</summary>
    public string? Salt { get; set; }

    /// <summary>Gets or sets the control-group epoch.</summary>
    public int Epoch { get; set; }

    /// <summary>Gets or sets the global holdout share.</summary>
    /// <value>0.05.</value>
    public double HoldoutShare { get; set; } = 0.05;

    /// <summary>Gets or sets the number of actions per customer per run.</summary>
    /// <value>1.</value>
    public int MaxActionsPerCustomer { get; set; } = 1;

    /// <summary>Gets or sets a value indicating whether the rules of <see cref="Playbooks.Standard"/> come first (rules defined here with the same name replace them).</summary>
    public bool IncludeStandard { get; set; }

    /// <summary>Gets the playbook-wide caps.</summary>
    public IList<CapDefinition> Caps { get; init; } = [];

    /// <summary>Gets the rules.</summary>
    public IList<RuleDefinition> Rules { get; init; } = [];

    /// <summary>Validates the definition and builds the playbook.</summary>
    /// <returns>The playbook.</returns>
    /// <exception cref="PlaybookException">Every problem at once, each naming its place (<c>rules[2].when[0]</c>), the value and the fix.</exception>
    public Playbook ToPlaybook()
    {
        var problems = new List<string>();
        var builder = new PlaybookBuilder(Name) { Salt = Salt ?? Name, Epoch = Epoch, HoldoutShare = HoldoutShare, MaxActionsPerCustomer = MaxActionsPerCustomer };
        foreach (var cap in Caps ?? [])
        {
            builder.AddCap(cap?.ToCap() ?? default);
        }

        var rules = new List<PlaybookRule>();
        var list = Rules ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var place = string.Create(CultureInfo.InvariantCulture, $"rules[{i}]");
            if (list[i] is not { } r)
            {
                problems.Add(place + " is null; remove it.");
            }
            else
            {
                rules.Add(r.ToRule(place, problems));
            }
        }

        if (IncludeStandard)
        {
            // A rule defined here with a standard rule's name replaces it.
            var defined = new HashSet<string>(list.Where(r => r is not null).Select(r => r.Name), StringComparer.Ordinal);
            rules.InsertRange(0, Playbooks.StandardRules().Where(s => !defined.Contains(s.Name)));
        }

        foreach (var rule in rules)
        {
            builder.Add(rule);
        }

        try
        {
            var playbook = builder.Build();
            return problems.Count == 0 ? playbook : throw new PlaybookException(problems);
        }
        catch (PlaybookException e) when (problems.Count > 0 && e.Problems != problems)
        {
            throw new PlaybookException([.. problems, .. e.Problems]);
        }
    }

    internal static ConsentChannels? ParseChannels(string? text, string place, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ConsentChannels.None;
        }

        var result = ConsentChannels.None;
        foreach (var part in text.Split([',', '|', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(part, "none", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!Enum.TryParse<ConsentChannels>(part, ignoreCase: true, out var c) || int.TryParse(part, out _))
            {
                problems.Add($"{place}.channel: '{part}' is not a channel; use email, sms, push, phone (comma-separated) or none.");
                return null;
            }

            result |= c;
        }

        return result;
    }
}

/// <summary>A frequency cap as data.</summary>
public sealed class CapDefinition
{
    /// <summary>Gets or sets the maximum number of treatments.</summary>
    public int Max { get; set; }

    /// <summary>Gets or sets the window in days.</summary>
    public double WindowDays { get; set; }

    internal FrequencyCap ToCap() => new(Max, double.IsFinite(WindowDays) && WindowDays > 0 && WindowDays < 36500 ? TimeSpan.FromDays(WindowDays) : TimeSpan.Zero);
}

/// <summary>A playbook rule as data (see <see cref="PlaybookRule"/> for the meaning of each field).</summary>
public sealed class RuleDefinition
{
    /// <summary>Gets or sets the name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the action key.</summary>
    public string Action { get; set; } = string.Empty;

    /// <summary>Gets or sets the description.</summary>
    public string Description { get; set; } = string.Empty;

    /// <summary>Gets or sets the priority.</summary>
    public int Priority { get; set; }

    /// <summary>Gets or sets the trigger, or <see langword="null"/> for none.</summary>
    public TriggerDefinition? Trigger { get; set; }

    /// <summary>Gets the eligibility conditions (all must hold).</summary>
    public IList<ConditionDefinition> When { get; init; } = [];

    /// <summary>Gets the exit conditions (any makes the customer leave).</summary>
    public IList<ConditionDefinition> Exit { get; init; } = [];

    /// <summary>Gets or sets the consent channels needed: <c>email</c>, <c>sms</c>, <c>push</c>, <c>phone</c>, comma-separated, or none.</summary>
    public string? Channel { get; set; }

    /// <summary>Gets or sets the cooldown in days.</summary>
    public double CooldownDays { get; set; }

    /// <summary>Gets the rule's caps.</summary>
    public IList<CapDefinition> Caps { get; init; } = [];

    /// <summary>Gets or sets the control share.</summary>
    /// <value>0.1.</value>
    public double ControlShare { get; set; } = 0.1;

    /// <summary>Gets or sets the expected uplift.</summary>
    /// <value>0.05.</value>
    public double ExpectedUplift { get; set; } = 0.05;

    internal PlaybookRule ToRule(string place, List<string> problems)
    {
        var channel = PlaybookDefinition.ParseChannels(Channel, place, problems);
        Trigger? trigger = Trigger?.ToTrigger(place + ".trigger", problems);
        var when = Conditions(When, place + ".when", problems);
        var exit = Conditions(Exit, place + ".exit", problems);
        var cooldownValid = double.IsFinite(CooldownDays) && CooldownDays >= 0 && CooldownDays <= 36500;
        if (!cooldownValid)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{place}.cooldownDays = {CooldownDays} must be 0 to 36500 days."));
        }

        // A rule with problems here is still built from its valid parts, so that the builder reports the rest of its
        // problems (empty action, shares) in the same exception; the playbook is never returned then.
        return new PlaybookRule(Name, Action)
        {
            Description = Description ?? string.Empty,
            Priority = Priority,
            Trigger = trigger,
            Eligibility = when,
            Exit = exit,
            Channel = channel ?? ConsentChannels.None,
            Cooldown = cooldownValid ? TimeSpan.FromDays(CooldownDays) : TimeSpan.Zero,
            Caps = [.. (Caps ?? []).Select(c => c?.ToCap() ?? default)],
            ControlShare = ControlShare,
            ExpectedUplift = ExpectedUplift,
        };
    }

    private static Condition[] Conditions(IList<ConditionDefinition>? list, string place, List<string> problems)
    {
        var result = new List<Condition>();
        for (var i = 0; i < (list?.Count ?? 0); i++)
        {
            var p = string.Create(CultureInfo.InvariantCulture, $"{place}[{i}]");
            if (list![i] is not { } c)
            {
                problems.Add(p + " is null; remove it.");
            }
            else if (c.ToCondition(p, problems) is { } condition)
            {
                result.Add(condition);
            }
        }

        return [.. result];
    }
}

/// <summary>A condition as data: exactly one of a measure comparison (<c>measure</c>, <c>op</c>, <c>value</c>), <c>stage</c>, <c>segment</c> or <c>purchasedSince</c>; <c>not</c> negates it.</summary>
public sealed class ConditionDefinition
{
    /// <summary>Gets or sets the measure name (see <see cref="Engagement.Measure"/>: <c>p_alive</c>, <c>clv_decile</c>, …).</summary>
    public string? Measure { get; set; }

    /// <summary>Gets or sets the comparison: <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c> or <c>=</c>.</summary>
    public string? Op { get; set; }

    /// <summary>Gets or sets the threshold.</summary>
    public double? Value { get; set; }

    /// <summary>Gets or sets a stage id the customer must be in.</summary>
    public string? Stage { get; set; }

    /// <summary>Gets or sets a segment the customer must be in.</summary>
    public string? Segment { get; set; }

    /// <summary>Gets or sets a rule name: the customer purchased after its latest action.</summary>
    public string? PurchasedSince { get; set; }

    /// <summary>Gets or sets a value indicating whether the condition is negated.</summary>
    public bool Not { get; set; }

    internal Condition? ToCondition(string place, List<string> problems)
    {
        var kinds = (Measure is not null ? 1 : 0) + (Stage is not null ? 1 : 0) + (Segment is not null ? 1 : 0) + (PurchasedSince is not null ? 1 : 0);
        if (kinds != 1)
        {
            problems.Add($"{place} must have exactly one of measure (with op and value), stage, segment or purchasedSince; it has {kinds}.");
            return null;
        }

        Condition? c = null;
        if (Measure is not null)
        {
            if (!Engagement.Measure.TryParse(Measure, out var m))
            {
                problems.Add($"{place}.measure: '{Measure}' is not a measure; use one of {Engagement.Measure.KnownNames} or score:NAME.");
            }

            var op = Op switch { "<" => Comparison.Less, "<=" => Comparison.LessOrEqual, ">" => Comparison.Greater, ">=" => Comparison.GreaterOrEqual, "=" or "==" => Comparison.Equal, _ => (Comparison?)null };
            if (op is null)
            {
                problems.Add($"{place}.op: '{Op}' is not a comparison; use <, <=, >, >= or =.");
            }

            if (Value is not { } v || !double.IsFinite(v))
            {
                problems.Add($"{place}.value is missing or not a finite number; give the threshold, for example 0.3.");
            }

            if (problems.Count > 0 && (op is null || Value is null || !double.IsFinite(Value.Value) || !Engagement.Measure.TryParse(Measure, out _)))
            {
                return null;
            }

            c = Condition.Compare(m, op!.Value, Value!.Value);
        }
        else if (Stage is not null)
        {
            c = string.IsNullOrWhiteSpace(Stage) ? Fail(place + ".stage is empty; give a stage id such as AtRisk.", problems) : Condition.InStage(Stage);
        }
        else if (Segment is not null)
        {
            c = string.IsNullOrWhiteSpace(Segment) ? Fail(place + ".segment is empty; give a segment name such as Champions.", problems) : Condition.InSegment(Segment);
        }
        else
        {
            c = string.IsNullOrWhiteSpace(PurchasedSince) ? Fail(place + ".purchasedSince is empty; give a rule name.", problems) : Condition.PurchasedSinceRule(PurchasedSince!);
        }

        return c is null ? null : Not ? Condition.Not(c) : c;
    }

    private static Condition? Fail(string problem, List<string> problems)
    {
        problems.Add(problem);
        return null;
    }
}

/// <summary>A trigger as data: exactly one of <c>stageEntered</c>, <c>stageExited</c>, <c>segmentEntered</c>, <c>segmentExited</c>, <c>becomes</c> (a condition) or a schedule (<c>anchor</c> and <c>everyDays</c>).</summary>
public sealed class TriggerDefinition
{
    /// <summary>Gets or sets a stage id: fires on entry.</summary>
    public string? StageEntered { get; set; }

    /// <summary>Gets or sets a stage id: fires on exit.</summary>
    public string? StageExited { get; set; }

    /// <summary>Gets or sets a segment name: fires on entry.</summary>
    public string? SegmentEntered { get; set; }

    /// <summary>Gets or sets a segment name: fires on exit.</summary>
    public string? SegmentExited { get; set; }

    /// <summary>Gets or sets a condition: fires when it becomes true.</summary>
    public ConditionDefinition? Becomes { get; set; }

    /// <summary>Gets or sets the first tick of a schedule.</summary>
    public DateTimeOffset? Anchor { get; set; }

    /// <summary>Gets or sets the schedule's period in days.</summary>
    public double? EveryDays { get; set; }

    internal Trigger? ToTrigger(string place, List<string> problems)
    {
        var kinds = (StageEntered is not null ? 1 : 0) + (StageExited is not null ? 1 : 0) + (SegmentEntered is not null ? 1 : 0) + (SegmentExited is not null ? 1 : 0) + (Becomes is not null ? 1 : 0) + (Anchor is not null || EveryDays is not null ? 1 : 0);
        if (kinds != 1)
        {
            problems.Add($"{place} must have exactly one of stageEntered, stageExited, segmentEntered, segmentExited, becomes, or anchor with everyDays; it has {kinds}.");
            return null;
        }

        static bool Empty(string? s) => s is not null && string.IsNullOrWhiteSpace(s);
        if (Empty(StageEntered) || Empty(StageExited) || Empty(SegmentEntered) || Empty(SegmentExited))
        {
            problems.Add(place + " names an empty stage or segment; give its id.");
            return null;
        }

        if (StageEntered is not null)
        {
            return Trigger.StageEntered(StageEntered);
        }

        if (StageExited is not null)
        {
            return Trigger.StageExited(StageExited);
        }

        if (SegmentEntered is not null)
        {
            return Trigger.SegmentEntered(SegmentEntered);
        }

        if (SegmentExited is not null)
        {
            return Trigger.SegmentExited(SegmentExited);
        }

        if (Becomes is not null)
        {
            return Becomes.ToCondition(place + ".becomes", problems) is { } c ? Trigger.Becomes(c) : null;
        }

        if (Anchor is null || EveryDays is not { } days || !double.IsFinite(days) || days <= 0 || days > 36500)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{place}: a schedule needs anchor (a date) and everyDays in (0, 36500]; got anchor {Anchor?.ToString("O", CultureInfo.InvariantCulture) ?? "none"}, everyDays {EveryDays?.ToString(CultureInfo.InvariantCulture) ?? "none"}."));
            return null;
        }

        return Trigger.Every(Anchor.Value, TimeSpan.FromDays(days));
    }
}
