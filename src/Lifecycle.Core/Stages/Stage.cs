using System.Globalization;

namespace Lifecycle.Stages;

/// <summary>What a stage means for the journey: part of the funnel, a warning state, or an end state.</summary>
public enum StageKind
{
    /// <summary>A step of the customer funnel (Reach, Acquisition, Conversion, ...).</summary>
    Funnel = 0,

    /// <summary>A warning state (AtRisk): the customer is still a customer but shows signs of leaving.</summary>
    Risk = 1,

    /// <summary>An end state (Churned). Leaving it is a re-activation and needs a declared rule (<see cref="StageConfiguration.PermitReactivation"/>).</summary>
    Terminal = 2,
}

/// <summary>Which transitions a model may declare, judged by stage <see cref="Stage.Order"/>.</summary>
public enum DirectionPolicy
{
    /// <summary>Every transition goes to a stage of higher order, like a CRM lifecycle property; a backward transition is a build error.</summary>
    ForwardOnly = 0,

    /// <summary>Forward transitions with <see cref="StageConfiguration.Permit"/>; backward ones only when declared with <see cref="StageConfiguration.PermitBackward"/> or <see cref="StageConfiguration.PermitReactivation"/>.</summary>
    ExplicitBackward = 1,
}

/// <summary>One lifecycle stage, as data: an id, a display name, an order and a kind.</summary>
/// <remarks><c>default</c> has a null id and is not a valid stage; every stage of a built <see cref="StageModel"/> is validated.</remarks>
public readonly record struct Stage
{
    /// <summary>Creates a validated stage.</summary>
    /// <param name="id">Identifier: a letter followed by letters, digits or underscores (it is used as-is in Mermaid diagrams and JSON).</param>
    /// <param name="displayName">Name shown to people; not empty.</param>
    /// <param name="order">Position in the lifecycle; decides what "forward" means. Unique within a model.</param>
    /// <param name="kind">Funnel, risk or terminal.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is not an identifier or <paramref name="displayName"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined value.</exception>
    public Stage(string id, string displayName, int order, StageKind kind)
    {
        ValidateId(id, nameof(id));
        if (string.IsNullOrWhiteSpace(displayName))
        {
            ThrowHelper.Argument(nameof(displayName), string.Create(CultureInfo.InvariantCulture, $"Stage '{id}' has an empty display name; pass a name people can read (or use the id)."));
        }

        if (!Enum.IsDefined(kind))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(kind), kind, "is not a StageKind", "use StageKind.Funnel, Risk or Terminal");
        }

        Id = id;
        DisplayName = displayName;
        Order = order;
        Kind = kind;
    }

    /// <summary>Gets the identifier.</summary>
    public string Id { get; }

    /// <summary>Gets the name shown to people.</summary>
    public string DisplayName { get; }

    /// <summary>Gets the position in the lifecycle (higher is further along).</summary>
    public int Order { get; }

    /// <summary>Gets the kind of stage.</summary>
    public StageKind Kind { get; }

    /// <inheritdoc/>
    public override string ToString() => Id;

    internal static void ValidateId(string id, string paramName)
    {
        if (!IsIdentifier(id))
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture,
                $"Stage id '{id}' is not valid: an id is a letter followed by letters, digits or underscores (for example 'AtRisk'); rename the stage."));
        }
    }

    internal static bool IsIdentifier(string? id)
    {
        if (string.IsNullOrEmpty(id) || !char.IsAsciiLetter(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
