using System.Globalization;
using System.Text;

namespace Lifecycle.Stages;

/// <summary>A transition a model declares.</summary>
/// <param name="From">Source stage id.</param>
/// <param name="To">Destination stage id.</param>
/// <param name="GuardDescription">What the guard checks, or <see langword="null"/> when unguarded.</param>
/// <param name="IsBackward">Whether it goes to a stage of lower order.</param>
/// <param name="ReactivationRule">For a re-activation out of a terminal stage, the only rule that may take it.</param>
public readonly record struct PermittedTransition(string From, string To, string? GuardDescription, bool IsBackward, string? ReactivationRule);

/// <summary>An immutable, validated lifecycle stage model: stages, permitted transitions and rules.</summary>
/// <remarks>
/// <para>Made by <see cref="StageModelBuilder.Build"/> or by the ready-made <see cref="StageModels"/>. Everything a
/// customer can do is declared here: the engine (<see cref="LifecycleEngine"/>) only takes a transition the model
/// permits, fired by one of its rules.</para>
/// <para>Thread safety: immutable and safe to share between threads (rule conditions and guards must be pure).</para>
/// </remarks>
public sealed class StageModel
{
    private readonly Stage[] _stages;
    private readonly Dictionary<string, int> _index;
    private readonly Edge?[] _edges;
    private readonly LifecycleRule[] _rules;
    private readonly HashSet<string> _reactivationRules;

    internal StageModel(Stage[] stages, Dictionary<string, int> index, int initial, Edge?[] edges, LifecycleRule[] rules, HashSet<string> reactivationRules, DirectionPolicy direction, EventKind[] customKinds)
    {
        _reactivationRules = reactivationRules;
        _stages = stages;
        _index = index;
        _edges = edges;
        _rules = rules;
        InitialIndex = initial;
        Direction = direction;
        CustomEventKinds = customKinds;
        RuleTargets = [.. rules.Select(r => index[r.TargetStage])];
        var n = stages.Length;
        EventRules = new int[n][];
        TimeRules = new int[n][];
        ModelRules = new int[n][];
        for (var s = 0; s < n; s++)
        {
            EventRules[s] = UsableFrom(s, RuleTrigger.Event);
            TimeRules[s] = UsableFrom(s, RuleTrigger.Time);
            ModelRules[s] = UsableFrom(s, RuleTrigger.Model);
        }

        Transitions = [.. edges.Where(e => e is not null).Select(e => new PermittedTransition(stages[e!.From].Id, stages[e.To].Id, e.GuardDescription, e.Backward, e.ReactivationRule))];
    }

    /// <summary>Gets the stages in order.</summary>
    public IReadOnlyList<Stage> Stages => _stages;

    /// <summary>Gets the stage a customer enters at first contact.</summary>
    public Stage InitialStage => _stages[InitialIndex];

    /// <summary>Gets the direction policy the model was built with.</summary>
    public DirectionPolicy Direction { get; }

    /// <summary>Gets the rules in evaluation order (priority descending, then declaration order).</summary>
    public IReadOnlyList<LifecycleRule> Rules => _rules;

    /// <summary>Gets the declared transitions.</summary>
    public IReadOnlyList<PermittedTransition> Transitions { get; }

    /// <summary>Gets the custom event kinds the model accepts (besides the built-in ones).</summary>
    public IReadOnlyList<EventKind> CustomEventKinds { get; }

    internal int InitialIndex { get; }

    internal int[] RuleTargets { get; }

    internal int[][] EventRules { get; }

    internal int[][] TimeRules { get; }

    internal int[][] ModelRules { get; }

    internal LifecycleRule[] RuleArray => _rules;

    internal Stage[] StageArray => _stages;

    /// <summary>Gets a stage by id.</summary>
    /// <param name="stageId">The id.</param>
    /// <returns>The stage.</returns>
    /// <exception cref="ArgumentException">No stage has that id.</exception>
    public Stage GetStage(string stageId) => _stages[IndexOf(stageId)];

    /// <summary>Tries to get a stage by id.</summary>
    /// <param name="stageId">The id.</param>
    /// <param name="stage">The stage, when found.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGetStage(string stageId, out Stage stage)
    {
        if (stageId is not null && _index.TryGetValue(stageId, out var i))
        {
            stage = _stages[i];
            return true;
        }

        stage = default;
        return false;
    }

    /// <summary>Gets whether the model declares a transition between two stages.</summary>
    /// <param name="fromStage">Source stage id.</param>
    /// <param name="toStage">Destination stage id.</param>
    /// <returns><see langword="true"/> when declared (guards not evaluated).</returns>
    /// <exception cref="ArgumentException">A stage id is unknown.</exception>
    public bool Permits(string fromStage, string toStage) => EdgeAt(IndexOf(fromStage), IndexOf(toStage)) is not null;

    /// <summary>Writes the model as a Mermaid state diagram (<c>stateDiagram-v2</c>), generated from the model.</summary>
    /// <returns>The diagram text: stages with display names, the initial entry, every transition labelled with the rules that can take it and its guard; risk and terminal stages styled.</returns>
    public string ToMermaid()
    {
        var sb = new StringBuilder();
        sb.Append("stateDiagram-v2\n");
        sb.Append("    direction LR\n");
        foreach (var s in _stages)
        {
            sb.Append(CultureInfo.InvariantCulture, $"    state \"{Escape(s.DisplayName)}\" as {s.Id}\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"    [*] --> {InitialStage.Id}\n");
        var n = _stages.Length;
        for (var f = 0; f < n; f++)
        {
            for (var t = 0; t < n; t++)
            {
                if (_edges[(f * n) + t] is not { } e)
                {
                    continue;
                }

                var names = _rules.Where(r => RuleTargets[Array.IndexOf(_rules, r)] == t && Usable(e, r, _reactivationRules)).Select(r => r.Name);
                var label = string.Join(", ", names);
                if (e.GuardDescription is not null)
                {
                    label += " [" + e.GuardDescription + "]";
                }

                if (e.ReactivationRule is not null)
                {
                    label += " (re-activation)";
                }
                else if (e.Backward)
                {
                    label += " (backward)";
                }

                sb.Append(CultureInfo.InvariantCulture, $"    {_stages[f].Id} --> {_stages[t].Id} : {Escape(label)}\n");
            }
        }

        if (_stages.Any(s => s.Kind == StageKind.Risk))
        {
            sb.Append("    classDef risk fill:#fff3cd,stroke:#b58900\n");
            sb.Append(CultureInfo.InvariantCulture, $"    class {string.Join(",", _stages.Where(s => s.Kind == StageKind.Risk).Select(s => s.Id))} risk\n");
        }

        if (_stages.Any(s => s.Kind == StageKind.Terminal))
        {
            sb.Append("    classDef terminal fill:#f8d7da,stroke:#dc322f\n");
            sb.Append(CultureInfo.InvariantCulture, $"    class {string.Join(",", _stages.Where(s => s.Kind == StageKind.Terminal).Select(s => s.Id))} terminal\n");
        }

        return sb.ToString();
    }

    internal int IndexOf(string stageId)
    {
        if (stageId is null || !_index.TryGetValue(stageId, out var i))
        {
            return ThrowHelper.Argument<int>(nameof(stageId), FormattableString.Invariant(
                $"Unknown stage '{stageId}'; this model has {string.Join(", ", _stages.Select(s => "'" + s.Id + "'"))}."));
        }

        return i;
    }

    /// <summary>A re-activation edge is taken only by the rule it names, and that rule is used on re-activation edges only.</summary>
    internal static bool Usable(Edge edge, LifecycleRule rule, HashSet<string> reactivationRules) =>
        edge.ReactivationRule is null ? !reactivationRules.Contains(rule.Name) : string.Equals(edge.ReactivationRule, rule.Name, StringComparison.Ordinal);

    internal Edge? EdgeAt(int from, int to) => _edges[(from * _stages.Length) + to];

    internal bool Accepts(EventKind kind)
    {
        if (kind.IsBuiltIn)
        {
            return true;
        }

        foreach (var k in CustomEventKinds)
        {
            if (k == kind)
            {
                return true;
            }
        }

        return false;
    }

    private static string Escape(string s) => s.Replace("\"", "'", StringComparison.Ordinal).Replace(":", "-", StringComparison.Ordinal);

    private int[] UsableFrom(int stage, RuleTrigger trigger)
    {
        var list = new List<int>();
        for (var r = 0; r < _rules.Length; r++)
        {
            if (_rules[r].Trigger == trigger && EdgeAt(stage, RuleTargets[r]) is { } e && Usable(e, _rules[r], _reactivationRules))
            {
                list.Add(r);
            }
        }

        return [.. list];
    }

    internal sealed record Edge(int From, int To, TransitionGuard? Guard, string? GuardDescription, bool Backward, string? ReactivationRule);
}
