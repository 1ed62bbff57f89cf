using System.Globalization;

namespace Lifecycle.Stages;

/// <summary>The kind of a lifecycle event: one of the built-in kinds or a custom kind declared on the model.</summary>
/// <remarks>
/// <para>Built-in kinds have fixed names (<see cref="Name"/>), used in CSV files: <c>touch</c>, <c>impression</c>,
/// <c>visit</c>, <c>lead_captured</c>, <c>purchase</c>, <c>refund</c>, <c>nps_response</c>, <c>csat_response</c>,
/// <c>referral</c>, <c>review</c>, <c>support_contact</c>, <c>cancellation</c>. A custom kind is created with
/// <see cref="Custom"/> and must be declared on the model (<see cref="StageModelBuilder.AddEventKind"/>) before the
/// engine accepts it.</para>
/// <para>Equality is by name (ordinal). <c>default</c> is not a valid kind.</para>
/// </remarks>
public readonly struct EventKind : IEquatable<EventKind>
{
    private static readonly string[] BuiltInNames =
    [
        "", "touch", "impression", "visit", "lead_captured", "purchase", "refund", "nps_response", "csat_response",
        "referral", "review", "support_contact", "cancellation",
    ];

    private readonly string? _name;

    private EventKind(int code, string name)
    {
        Code = code;
        _name = name;
    }

    /// <summary>Gets a generic marketing touch.</summary>
    public static EventKind Touch { get; } = new(1, "touch");

    /// <summary>Gets an ad or content impression (a touch).</summary>
    public static EventKind Impression { get; } = new(2, "impression");

    /// <summary>Gets a site or store visit (a touch).</summary>
    public static EventKind Visit { get; } = new(3, "visit");

    /// <summary>Gets a captured lead (sign-up, form, trial).</summary>
    public static EventKind LeadCaptured { get; } = new(4, "lead_captured");

    /// <summary>Gets a purchase; needs an amount &gt;= 0.</summary>
    public static EventKind Purchase { get; } = new(5, "purchase");

    /// <summary>Gets a refund; needs an amount &gt;= 0 (the money returned).</summary>
    public static EventKind Refund { get; } = new(6, "refund");

    /// <summary>Gets a Net Promoter survey answer; needs a whole score 0–10.</summary>
    public static EventKind NpsResponse { get; } = new(7, "nps_response");

    /// <summary>Gets a customer satisfaction survey answer; needs a whole score 1–5.</summary>
    public static EventKind CsatResponse { get; } = new(8, "csat_response");

    /// <summary>Gets a referral made by the customer.</summary>
    public static EventKind Referral { get; } = new(9, "referral");

    /// <summary>Gets a review written by the customer.</summary>
    public static EventKind Review { get; } = new(10, "review");

    /// <summary>Gets a support contact.</summary>
    public static EventKind SupportContact { get; } = new(11, "support_contact");

    /// <summary>Gets a cancellation (of a subscription or of the relationship).</summary>
    public static EventKind Cancellation { get; } = new(12, "cancellation");

    /// <summary>Gets the name of the kind (lower-case for built-in kinds).</summary>
    public string Name => _name ?? string.Empty;

    /// <summary>Gets a value indicating whether this is a built-in kind.</summary>
    public bool IsBuiltIn => Code > 0;

    /// <summary>Gets a value indicating whether this kind is a marketing touch (<see cref="Touch"/>, <see cref="Impression"/> or <see cref="Visit"/>).</summary>
    public bool IsTouch => Code is 1 or 2 or 3;

    /// <summary>Gets the built-in kinds.</summary>
    public static IReadOnlyList<EventKind> BuiltIn { get; } =
    [
        Touch, Impression, Visit, LeadCaptured, Purchase, Refund, NpsResponse, CsatResponse, Referral, Review, SupportContact, Cancellation,
    ];

    internal int Code { get; }

    internal bool IsDefault => _name is null;

    /// <summary>Creates a custom kind.</summary>
    /// <param name="name">Name: a letter followed by letters, digits, '_' or '-'; must not be a built-in name.</param>
    /// <returns>The custom kind.</returns>
    /// <exception cref="ArgumentException">The name is empty, malformed or the name of a built-in kind.</exception>
    public static EventKind Custom(string name)
    {
        if (string.IsNullOrEmpty(name) || !char.IsAsciiLetter(name[0]) || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-'))
        {
            ThrowHelper.Argument(nameof(name), string.Create(CultureInfo.InvariantCulture,
                $"Custom event kind '{name}' is not valid: a kind name is a letter followed by letters, digits, '_' or '-'; rename it."));
        }

        if (FindBuiltIn(name) > 0)
        {
            ThrowHelper.Argument(nameof(name), string.Create(CultureInfo.InvariantCulture,
                $"'{name}' is a built-in event kind; use EventKind.{BuiltIn[FindBuiltIn(name) - 1].Name} (or pick another name for the custom kind)."));
        }

        return new EventKind(0, name);
    }

    /// <summary>Parses a kind name: a built-in name (case-insensitive) or one of <paramref name="customKinds"/>.</summary>
    /// <param name="name">The name to parse.</param>
    /// <param name="customKinds">Custom kinds that are accepted (typically <see cref="StageModel.CustomEventKinds"/>).</param>
    /// <returns>The kind.</returns>
    /// <exception cref="ArgumentException">The name is neither built-in nor one of the custom kinds.</exception>
    public static EventKind Parse(string name, IEnumerable<EventKind>? customKinds = null)
    {
        if (TryParse(name, customKinds, out var kind))
        {
            return kind;
        }

        return ThrowHelper.Argument<EventKind>(nameof(name), string.Create(CultureInfo.InvariantCulture,
            $"Unknown event kind '{name}'. Use one of {string.Join(", ", BuiltInNames.Skip(1))}, or declare the custom kind on the model with StageModelBuilder.AddEventKind(\"{name}\")."));
    }

    /// <summary>Tries to parse a kind name: a built-in name (case-insensitive) or one of <paramref name="customKinds"/>.</summary>
    /// <param name="name">The name to parse.</param>
    /// <param name="customKinds">Custom kinds that are accepted.</param>
    /// <param name="kind">The kind, when found.</param>
    /// <returns><see langword="true"/> when the name is known.</returns>
    public static bool TryParse(string? name, IEnumerable<EventKind>? customKinds, out EventKind kind)
    {
        kind = default;
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        var code = FindBuiltIn(name);
        if (code > 0)
        {
            kind = BuiltIn[code - 1];
            return true;
        }

        foreach (var custom in customKinds ?? [])
        {
            if (string.Equals(custom.Name, name, StringComparison.Ordinal))
            {
                kind = custom;
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public bool Equals(EventKind other) => Code == other.Code && (Code != 0 || string.Equals(_name, other._name, StringComparison.Ordinal));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is EventKind other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Code != 0 ? Code : StringComparer.Ordinal.GetHashCode(Name);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Compares two kinds for equality.</summary>
    /// <param name="left">The first kind.</param>
    /// <param name="right">The second kind.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(EventKind left, EventKind right) => left.Equals(right);

    /// <summary>Compares two kinds for inequality.</summary>
    /// <param name="left">The first kind.</param>
    /// <param name="right">The second kind.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(EventKind left, EventKind right) => !left.Equals(right);

    private static int FindBuiltIn(string name)
    {
        for (var i = 1; i < BuiltInNames.Length; i++)
        {
            if (string.Equals(BuiltInNames[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return 0;
    }
}
