using System.Globalization;

namespace Lifecycle.Stages;

/// <summary>Builds a <see cref="StageModel"/>: stages, the transitions between them, the rules and custom event kinds.</summary>
/// <remarks>
/// <para>The vocabulary is Stateless's: <c>Configure(stage).Permit(to).PermitIf(to, guard, "why")</c>. Nothing is
/// checked while you configure; <see cref="Build"/> validates the whole model at once and reports every problem in
/// one <see cref="StageModelException"/>. The built model is immutable; the builder can go on being changed and
/// built again.</para>
/// <para>Thread safety: a builder is not thread-safe; the models it builds are.</para>
/// </remarks>
public sealed class StageModelBuilder
{
    private readonly List<Stage> _stages = [];
    private readonly List<TransitionSpec> _transitions = [];
    private readonly List<LifecycleRule> _rules = [];
    private readonly List<EventKind> _customKinds = [];
    private string? _initial;

    /// <summary>Creates a builder.</summary>
    /// <param name="direction">Which transitions may be declared.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="direction"/> is not defined.</exception>
    public StageModelBuilder(DirectionPolicy direction = DirectionPolicy.ExplicitBackward)
    {
        if (!Enum.IsDefined(direction))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(direction), direction, "is not a DirectionPolicy", "use ForwardOnly or ExplicitBackward");
        }

        Direction = direction;
    }

    /// <summary>Gets the direction policy.</summary>
    public DirectionPolicy Direction { get; }

    /// <summary>Adds a stage.</summary>
    /// <param name="stage">The stage.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="stage"/> is <c>default</c>.</exception>
    public StageModelBuilder AddStage(Stage stage)
    {
        if (stage.Id is null)
        {
            ThrowHelper.Argument(nameof(stage), "The stage is default(Stage); create it with new Stage(id, displayName, order, kind).");
        }

        _stages.Add(stage);
        return this;
    }

    /// <summary>Adds a stage whose order follows the stages added so far.</summary>
    /// <param name="id">Stage id (identifier).</param>
    /// <param name="kind">Stage kind.</param>
    /// <param name="displayName">Display name; the id when <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> is not an identifier.</exception>
    public StageModelBuilder AddStage(string id, StageKind kind = StageKind.Funnel, string? displayName = null) =>
        AddStage(new Stage(id, displayName ?? id, _stages.Count == 0 ? 1 : _stages.Max(s => s.Order) + 1, kind));

    /// <summary>Sets the stage a customer enters at first contact (default: the funnel stage of lowest order).</summary>
    /// <param name="stageId">The stage id.</param>
    /// <returns>This builder.</returns>
    public StageModelBuilder StartAt(string stageId)
    {
        _initial = stageId;
        return this;
    }

    /// <summary>Starts declaring the transitions out of a stage.</summary>
    /// <param name="stageId">The stage id (checked by <see cref="Build"/>).</param>
    /// <returns>A configuration that records transitions out of the stage.</returns>
    public StageConfiguration Configure(string stageId) => new(this, stageId);

    /// <summary>Adds a rule.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rule"/> is null.</exception>
    public StageModelBuilder AddRule(LifecycleRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        _rules.Add(rule);
        return this;
    }

    /// <summary>Declares a custom event kind, so the engine accepts events of that kind.</summary>
    /// <param name="name">The kind's name (see <see cref="EventKind.Custom"/>).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The name is not a valid custom kind name.</exception>
    public StageModelBuilder AddEventKind(string name)
    {
        var kind = EventKind.Custom(name);
        if (!_customKinds.Contains(kind))
        {
            _customKinds.Add(kind);
        }

        return this;
    }

    /// <summary>Validates the whole model and freezes it.</summary>
    /// <returns>The immutable, thread-safe model.</returns>
    /// <exception cref="StageModelException">
    /// Every problem found at once: no stages, duplicate stage ids or orders, an unknown initial stage, transitions
    /// from or to unknown stages, self or duplicate transitions, transitions against the direction policy, plain
    /// transitions out of a terminal stage, rules with duplicate names or unknown target stages, reactivations naming
    /// an unknown rule, unreachable stages, stages no rule can move a customer into, and ambiguous unguarded rules.
    /// </exception>
    public StageModel Build()
    {
        var problems = new List<string>();
        var stages = _stages.OrderBy(s => s.Order).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        if (stages.Length == 0)
        {
            problems.Add("The model has no stages; add them with AddStage(...).");
        }

        for (var i = 0; i < stages.Length; i++)
        {
            if (!index.TryAdd(stages[i].Id, i))
            {
                problems.Add(F($"Stage '{stages[i].Id}' is declared twice; stage ids are unique, remove or rename one."));
            }
        }

        foreach (var group in stages.GroupBy(s => s.Order).Where(g => g.Count() > 1))
        {
            problems.Add(F($"Stages {string.Join(", ", group.Select(s => "'" + s.Id + "'"))} share order {group.Key}; orders decide what is forward, give each stage its own."));
        }

        var initial = -1;
        if (_initial is not null)
        {
            if (!index.TryGetValue(_initial, out initial))
            {
                problems.Add(F($"The initial stage '{_initial}' is not declared; add it with AddStage or start at one of {StageList(stages)}."));
                initial = -1;
            }
        }
        else
        {
            initial = Array.FindIndex(stages, s => s.Kind == StageKind.Funnel);
            if (initial < 0 && stages.Length > 0)
            {
                problems.Add("No funnel stage to start at; add one or call StartAt(stageId).");
            }
        }

        var ruleNames = new Dictionary<string, LifecycleRule>(StringComparer.Ordinal);
        foreach (var rule in _rules)
        {
            if (!ruleNames.TryAdd(rule.Name, rule))
            {
                problems.Add(F($"Rule name '{rule.Name}' is used twice; transitions record the rule name, so rename one."));
            }

            if (!index.ContainsKey(rule.TargetStage))
            {
                problems.Add(F($"Rule '{rule.Name}' points to stage '{rule.TargetStage}', which is not declared; declare the stage or target one of {StageList(stages)}."));
            }
        }

        var n = stages.Length;
        var edges = new StageModel.Edge?[n * n];
        foreach (var t in _transitions)
        {
            var fromOk = index.TryGetValue(t.From, out var from);
            var toOk = index.TryGetValue(t.To, out var to);
            if (!fromOk)
            {
                problems.Add(F($"Configure('{t.From}'): stage '{t.From}' is not declared; declare it with AddStage or configure one of {StageList(stages)}."));
            }

            if (!toOk)
            {
                problems.Add(F($"Transition '{t.From}' → '{t.To}': stage '{t.To}' is not declared; declare it or permit one of {StageList(stages)}."));
            }

            if (!fromOk || !toOk)
            {
                continue;
            }

            if (from == to)
            {
                problems.Add(F($"Transition '{t.From}' → '{t.To}' goes to itself; a stage is not re-entered, remove it."));
                continue;
            }

            if (edges[(from * n) + to] is not null)
            {
                problems.Add(F($"Transition '{t.From}' → '{t.To}' is declared twice; declare each transition once (combine guards into one)."));
                continue;
            }

            var backward = stages[to].Order < stages[from].Order;
            var fromTerminal = stages[from].Kind == StageKind.Terminal;
            if (fromTerminal && t.Reactivation is null)
            {
                problems.Add(F($"Transition '{t.From}' → '{t.To}' leaves terminal stage '{t.From}' without a rule; re-activation needs PermitReactivation(\"{t.To}\", ruleName)."));
            }

            if (backward && Direction == DirectionPolicy.ForwardOnly)
            {
                problems.Add(F($"Transition '{t.From}' → '{t.To}' goes backward (order {stages[from].Order} → {stages[to].Order}) in a forward-only model; remove it or build with DirectionPolicy.ExplicitBackward."));
            }
            else if (backward && !t.Backward && t.Reactivation is null)
            {
                problems.Add(F($"Transition '{t.From}' → '{t.To}' goes backward (order {stages[from].Order} → {stages[to].Order}); declare it with PermitBackward(\"{t.To}\") to say it is intended."));
            }
            else if (!backward && t.Backward)
            {
                problems.Add(F($"Transition '{t.From}' → '{t.To}' is declared backward but goes forward (order {stages[from].Order} → {stages[to].Order}); use Permit(\"{t.To}\")."));
            }

            if (t.Reactivation is not null)
            {
                if (!fromTerminal)
                {
                    problems.Add(F($"PermitReactivation on '{t.From}': only terminal stages are re-activated; use Permit or PermitBackward."));
                }

                if (!ruleNames.TryGetValue(t.Reactivation, out var rr))
                {
                    problems.Add(F($"Re-activation '{t.From}' → '{t.To}' names rule '{t.Reactivation}', which is not added; add the rule with AddRule."));
                }
                else if (!string.Equals(rr.TargetStage, t.To, StringComparison.Ordinal))
                {
                    problems.Add(F($"Re-activation '{t.From}' → '{t.To}' names rule '{t.Reactivation}', which targets '{rr.TargetStage}'; name a rule that targets '{t.To}'."));
                }
            }

            edges[(from * n) + to] = new StageModel.Edge(from, to, t.Guard, t.GuardDescription, backward, t.Reactivation);
        }

        var reactivationRules = _transitions.Where(t => t.Reactivation is not null).Select(t => t.Reactivation!).ToHashSet(StringComparer.Ordinal);
        if (problems.Count == 0)
        {
            CheckReachability(stages, edges, initial, problems);
        }

        // Rules in priority order (higher first), declaration order among equals.
        var rules = _rules.Select((r, i) => (r, i)).OrderByDescending(x => x.r.Priority).ThenBy(x => x.i).Select(x => x.r).ToArray();
        if (problems.Count == 0)
        {
            CheckRules(stages, edges, index, initial, rules, reactivationRules, problems);
        }

        if (problems.Count > 0)
        {
            throw new StageModelException(problems);
        }

        return new StageModel(stages, index, initial, edges, rules, reactivationRules, Direction, [.. _customKinds]);
    }

    internal void AddTransition(TransitionSpec spec) => _transitions.Add(spec);

    private static void CheckReachability(Stage[] stages, StageModel.Edge?[] edges, int initial, List<string> problems)
    {
        var n = stages.Length;
        var seen = new bool[n];
        var queue = new Queue<int>();
        seen[initial] = true;
        queue.Enqueue(initial);
        while (queue.Count > 0)
        {
            var s = queue.Dequeue();
            for (var t = 0; t < n; t++)
            {
                if (!seen[t] && edges[(s * n) + t] is not null)
                {
                    seen[t] = true;
                    queue.Enqueue(t);
                }
            }
        }

        for (var i = 0; i < n; i++)
        {
            if (!seen[i])
            {
                problems.Add(F($"Stage '{stages[i].Id}' is unreachable from the initial stage '{stages[initial].Id}'; permit a transition into it or remove it."));
            }
        }
    }

    private static void CheckRules(Stage[] stages, StageModel.Edge?[] edges, Dictionary<string, int> index, int initial, LifecycleRule[] rules, HashSet<string> reactivationRules, List<string> problems)
    {
        var n = stages.Length;
        for (var s = 0; s < n; s++)
        {
            if (s != initial && !rules.Any(r => index[r.TargetStage] == s))
            {
                problems.Add(F($"No rule moves customers into stage '{stages[s].Id}', so it can never be entered; add a rule targeting it or remove the stage."));
            }
        }

        foreach (var rule in rules)
        {
            var target = index[rule.TargetStage];
            var entered = false;
            for (var s = 0; s < n; s++)
            {
                entered |= edges[(s * n) + target] is { } e && StageModel.Usable(e, rule, reactivationRules);
            }

            if (!entered)
            {
                problems.Add(F($"Rule '{rule.Name}' targets '{rule.TargetStage}', but no declared transition into '{rule.TargetStage}' lets it fire; permit one or remove the rule."));
            }
        }

        // Ambiguity: from one stage, two rules of one trigger with equal priority and different targets, both over unguarded transitions.
        for (var s = 0; s < n; s++)
        {
            var usable = rules
                .Where(r => edges[(s * n) + index[r.TargetStage]] is { Guard: null } e && StageModel.Usable(e, r, reactivationRules))
                .GroupBy(r => (r.Trigger, r.Priority));
            foreach (var group in usable)
            {
                var byTarget = group.GroupBy(r => r.TargetStage, StringComparer.Ordinal).ToArray();
                if (byTarget.Length > 1)
                {
                    problems.Add(F($"From stage '{stages[s].Id}', {group.Key.Trigger.ToString().ToLowerInvariant()} rules {string.Join(", ", group.Select(r => "'" + r.Name + "' (→ " + r.TargetStage + ")"))} share priority {group.Key.Priority} over unguarded transitions, so the engine could not tell which to take; give them different priorities or guard one transition with PermitIf."));
                }
            }
        }
    }

    private static string StageList(Stage[] stages) =>
        stages.Length == 0 ? "(none declared)" : string.Join(", ", stages.Select(s => "'" + s.Id + "'"));

    private static string F(FormattableString s) => FormattableString.Invariant(s);

    internal sealed record TransitionSpec(string From, string To, TransitionGuard? Guard, string? GuardDescription, bool Backward, string? Reactivation);
}

/// <summary>Declares the transitions out of one stage (returned by <see cref="StageModelBuilder.Configure"/>).</summary>
public sealed class StageConfiguration
{
    private readonly StageModelBuilder _builder;

    internal StageConfiguration(StageModelBuilder builder, string stageId)
    {
        _builder = builder;
        StageId = stageId;
    }

    /// <summary>Gets the id of the stage being configured.</summary>
    public string StageId { get; }

    /// <summary>Permits a forward transition to <paramref name="toStage"/> for every rule that targets it.</summary>
    /// <param name="toStage">Destination stage id.</param>
    /// <returns>This configuration.</returns>
    public StageConfiguration Permit(string toStage)
    {
        _builder.AddTransition(new(StageId, toStage, null, null, false, null));
        return this;
    }

    /// <summary>Permits a forward transition to <paramref name="toStage"/> when <paramref name="guard"/> holds.</summary>
    /// <param name="toStage">Destination stage id.</param>
    /// <param name="guard">Guard on the facts; pure and thread-safe.</param>
    /// <param name="description">What the guard checks, in words.</param>
    /// <returns>This configuration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="guard"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="description"/> is empty.</exception>
    public StageConfiguration PermitIf(string toStage, TransitionGuard guard, string description)
    {
        ValidateGuard(guard, description);
        _builder.AddTransition(new(StageId, toStage, guard, description, false, null));
        return this;
    }

    /// <summary>Permits a backward transition (to a stage of lower order) in an <see cref="DirectionPolicy.ExplicitBackward"/> model.</summary>
    /// <param name="toStage">Destination stage id.</param>
    /// <returns>This configuration.</returns>
    public StageConfiguration PermitBackward(string toStage)
    {
        _builder.AddTransition(new(StageId, toStage, null, null, true, null));
        return this;
    }

    /// <summary>Permits a guarded backward transition.</summary>
    /// <param name="toStage">Destination stage id.</param>
    /// <param name="guard">Guard on the facts; pure and thread-safe.</param>
    /// <param name="description">What the guard checks, in words.</param>
    /// <returns>This configuration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="guard"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="description"/> is empty.</exception>
    public StageConfiguration PermitBackwardIf(string toStage, TransitionGuard guard, string description)
    {
        ValidateGuard(guard, description);
        _builder.AddTransition(new(StageId, toStage, guard, description, true, null));
        return this;
    }

    /// <summary>Permits re-activation out of this terminal stage, only by the named rule.</summary>
    /// <remarks>The named rule becomes a re-activation rule: it is used on re-activation transitions only, never from other stages.</remarks>
    /// <param name="toStage">Destination stage id.</param>
    /// <param name="ruleName">The only rule that may take this transition; it must target <paramref name="toStage"/>.</param>
    /// <returns>This configuration.</returns>
    /// <exception cref="ArgumentException"><paramref name="ruleName"/> is empty.</exception>
    public StageConfiguration PermitReactivation(string toStage, string ruleName)
    {
        if (string.IsNullOrWhiteSpace(ruleName))
        {
            ThrowHelper.Argument(nameof(ruleName), FormattableString.Invariant($"Re-activation '{StageId}' → '{toStage}' needs the name of the rule that re-activates."));
        }

        _builder.AddTransition(new(StageId, toStage, null, null, false, ruleName));
        return this;
    }

    private void ValidateGuard(TransitionGuard guard, string description)
    {
        ArgumentNullException.ThrowIfNull(guard);
        if (string.IsNullOrWhiteSpace(description))
        {
            ThrowHelper.Argument(nameof(description), string.Create(CultureInfo.InvariantCulture, $"A guard out of '{StageId}' has no description; say what it checks (it is shown in diagrams)."));
        }
    }
}
