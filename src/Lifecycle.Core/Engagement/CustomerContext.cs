using System.Collections.Frozen;
using System.Globalization;
using Lifecycle.Stages;

namespace Lifecycle.Engagement;

/// <summary>Channels a customer agreed to be contacted on.</summary>
[Flags]
public enum ConsentChannels
{
    /// <summary>No consent: no rule that needs a channel may contact the customer.</summary>
    None = 0,

    /// <summary>E-mail.</summary>
    Email = 1,

    /// <summary>Text messages.</summary>
    Sms = 2,

    /// <summary>Push notifications.</summary>
    Push = 4,

    /// <summary>Phone calls (proactive support).</summary>
    Phone = 8,

    /// <summary>Every channel.</summary>
    All = Email | Sms | Push | Phone,
}

/// <summary>One action taken (or withheld as control) earlier: what cooldowns and frequency caps count.</summary>
/// <param name="Rule">The rule that decided it.</param>
/// <param name="Action">The action key.</param>
/// <param name="At">When it was decided.</param>
/// <param name="Arm">Its arm: caps count only treatments (contacts), cooldowns count every arm so control stays comparable.</param>
public readonly record struct ActionRecord(string Rule, string Action, DateTimeOffset At, DecisionArm Arm = DecisionArm.Treatment);

/// <summary>Everything the playbook may look at for one customer at one instant: stage, facts, segments, predictions, value, consent and past actions.</summary>
/// <remarks>
/// <para>Build it from what the library computes: <see cref="FromState"/> takes stage, time in stage, the latest
/// transition and facts from a <see cref="CustomerState"/>; set predictions (P(alive), expected purchases), CLV and
/// its decile, segments and consent with <c>with</c>/<c>init</c>. Unknown numbers stay <see langword="null"/>, and
/// a condition on an unknown number does not hold (it never reads as 0).</para>
/// <para><see cref="Previous"/> is the context of the previous decision run: triggers fire on a false → true change
/// between it and this one. Without it, everything that holds now counts as a change (a first run).</para>
/// <para>Every value is checked when set: probabilities finite in [0, 1], deciles 1–10, values finite. Immutable.</para>
/// </remarks>
public sealed class CustomerContext
{
    private readonly double? _alive;
    private readonly double? _noPurchase;
    private readonly double? _expected;
    private readonly double? _value;
    private readonly int? _decile;
    private readonly IReadOnlyList<string> _segments = [];
    private readonly IReadOnlyList<ActionRecord> _history = [];
    private readonly IReadOnlyDictionary<string, double> _scores = FrozenDictionary<string, double>.Empty;

    /// <summary>Creates a context.</summary>
    /// <param name="customerId">The customer id; not empty.</param>
    /// <param name="asOf">The decision instant.</param>
    /// <exception cref="ArgumentException"><paramref name="customerId"/> is empty.</exception>
    public CustomerContext(string customerId, DateTimeOffset asOf)
    {
        if (string.IsNullOrWhiteSpace(customerId))
        {
            ThrowHelper.Argument(nameof(customerId), "The customer id is empty; every context belongs to one customer.");
        }

        CustomerId = customerId;
        AsOf = asOf;
    }

    /// <summary>Gets the customer id.</summary>
    public string CustomerId { get; }

    /// <summary>Gets the decision instant.</summary>
    public DateTimeOffset AsOf { get; }

    /// <summary>Gets the current stage id, or <see langword="null"/> when unknown.</summary>
    public string? Stage { get; init; }

    /// <summary>Gets when the customer entered the current stage, or <see langword="null"/>.</summary>
    public DateTimeOffset? StageEnteredAt { get; init; }

    /// <summary>Gets the latest stage transition, or <see langword="null"/>.</summary>
    public StageTransition? LastTransition { get; init; }

    /// <summary>Gets the customer's facts (<c>default</c>: none known).</summary>
    public CustomerFacts Facts { get; init; }

    /// <summary>Gets the segments the customer belongs to now (names; empty by default).</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public IReadOnlyList<string> Segments { get => _segments; init => _segments = value ?? throw new ArgumentNullException(nameof(value), "Segments must not be null; pass an empty list."); }

    /// <summary>Gets P(alive), or <see langword="null"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a finite probability.</exception>
    public double? AliveProbability { get => _alive; init => _alive = Probability(value, nameof(AliveProbability)); }

    /// <summary>Gets P(no purchase in the horizon), or <see langword="null"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a finite probability.</exception>
    public double? NoPurchaseProbability { get => _noPurchase; init => _noPurchase = Probability(value, nameof(NoPurchaseProbability)); }

    /// <summary>Gets the expected purchases in the horizon, or <see langword="null"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or not finite.</exception>
    public double? ExpectedPurchases
    {
        get => _expected;
        init
        {
            if (value is { } v)
            {
                ThrowHelper.ThrowIfNegativeOrNotFinite(v, nameof(ExpectedPurchases));
            }

            _expected = value;
        }
    }

    /// <summary>Gets the customer lifetime value (or another value the host ranks by), or <see langword="null"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not finite.</exception>
    public double? Value
    {
        get => _value;
        init
        {
            if (value is { } v)
            {
                ThrowHelper.ThrowIfNotFinite(v, nameof(Value));
            }

            _value = value;
        }
    }

    /// <summary>Gets the value decile, 1 (lowest) to 10 (highest), or <see langword="null"/>; <see cref="CustomerContexts.ValueDeciles"/> computes them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1–10.</exception>
    public int? ValueDecile
    {
        get => _decile;
        init
        {
            if (value is < 1 or > 10)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(ValueDecile), value, "must be 1 to 10", "pass the decile from ValueTiers.Deciles (10 = highest value)");
            }

            _decile = value;
        }
    }

    /// <summary>Gets the channels the customer agreed to (default <see cref="ConsentChannels.None"/>).</summary>
    public ConsentChannels Consent { get; init; }

    /// <summary>Gets the actions already decided for the customer, any order (empty by default).</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public IReadOnlyList<ActionRecord> History { get => _history; init => _history = value ?? throw new ArgumentNullException(nameof(value), "History must not be null; pass an empty list."); }

    /// <summary>Gets host scores by name (propensities, churn scores), read by <see cref="Measure.Score"/> (empty by default).</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A score is not finite.</exception>
    public IReadOnlyDictionary<string, double> Scores
    {
        get => _scores;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            foreach (var (name, score) in value)
            {
                if (!double.IsFinite(score))
                {
                    ThrowHelper.ArgumentOutOfRange(nameof(Scores), score, string.Create(CultureInfo.InvariantCulture, $"(score '{name}') must be finite"), "leave a score out when the host has none");
                }
            }

            _scores = value;
        }
    }

    /// <summary>Gets the context of the previous decision run (what triggers diff against), or <see langword="null"/> for a first run.</summary>
    public CustomerContext? Previous { get; init; }

    /// <summary>Gets the time in the current stage as of <see cref="AsOf"/>, or <see langword="null"/>.</summary>
    public TimeSpan? TimeInStage => StageEnteredAt is { } t ? AsOf - t : null;

    /// <summary>Creates a context from a stage engine state: stage, entry instant, latest transition and facts.</summary>
    /// <param name="state">The state (evaluated as of <paramref name="asOf"/> for time rules to have fired).</param>
    /// <param name="asOf">The decision instant.</param>
    /// <returns>The context; set predictions, value, segments and consent with <c>init</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="state"/> is <c>default</c>.</exception>
    public static CustomerContext FromState(in CustomerState state, DateTimeOffset asOf)
    {
        if (state.Model is null)
        {
            ThrowHelper.Argument(nameof(state), "The state is default(CustomerState); make it with LifecycleEngine.Start and Apply.");
        }

        var journey = state.Journey;
        return new CustomerContext(state.CustomerId, asOf)
        {
            Stage = state.CurrentStage?.Id,
            StageEnteredAt = state.StageEnteredAt,
            LastTransition = journey.Length == 0 ? null : journey[^1],
            Facts = state.Facts,
        };
    }

    /// <summary>Tells whether the customer is in a segment now.</summary>
    /// <param name="segment">The segment name (ordinal comparison).</param>
    /// <returns><see langword="true"/> when <see cref="Segments"/> holds it.</returns>
    public bool IsIn(string segment)
    {
        foreach (var s in _segments)
        {
            if (string.Equals(s, segment, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{CustomerId} as of {AsOf:O}: stage {Stage ?? "?"}, P(alive) {AliveProbability?.ToString("0.###", CultureInfo.InvariantCulture) ?? "?"}, value {Value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "?"}");

    private static double? Probability(double? value, string name)
    {
        if (value is { } p)
        {
            ThrowHelper.ThrowIfNotFinite(p, name);
            if (p is < 0 or > 1)
            {
                ThrowHelper.ArgumentOutOfRange(name, p, "must be in [0, 1]", "pass a probability");
            }
        }

        return value;
    }
}
