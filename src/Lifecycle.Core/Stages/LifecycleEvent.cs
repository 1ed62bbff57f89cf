using System.Globalization;

namespace Lifecycle.Stages;

/// <summary>Something a customer did or that happened to a customer, at one instant.</summary>
/// <remarks>
/// <para>Immutable and validated on construction: an event that exists is well formed. Event ids identify an event
/// within its customer's history: the engine ignores an id it has already applied, so replaying a stream changes
/// nothing.</para>
/// <para>Thread safety: instances are immutable (the attributes are copied into a read-only dictionary).</para>
/// </remarks>
public sealed class LifecycleEvent
{
    private static readonly IReadOnlyDictionary<string, string> NoAttributes = new Dictionary<string, string>(0);

    /// <summary>Creates a validated event.</summary>
    /// <param name="id">Event id, unique within the customer's history; not empty.</param>
    /// <param name="customerId">The customer; not empty.</param>
    /// <param name="timestamp">When it happened; <c>default</c> (year 1) is rejected as a missing timestamp.</param>
    /// <param name="kind">What happened.</param>
    /// <param name="amount">Money: required (&gt;= 0) for purchases and refunds, optional (&gt;= 0) otherwise.</param>
    /// <param name="score">Survey score: required for NPS (whole 0–10) and CSAT (whole 1–5) responses; when given for other kinds it must be finite.</param>
    /// <param name="attributes">Free-form attributes (campaign, channel, ...); copied.</param>
    /// <exception cref="ArgumentException">A missing id, customer or timestamp, a default kind, or a purchase/refund without an amount, or a survey without a score.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative amount, a NaN/infinite score, or a score outside its scale.</exception>
    public LifecycleEvent(string id, string customerId, DateTimeOffset timestamp, EventKind kind, decimal? amount = null, double? score = null, IReadOnlyDictionary<string, string>? attributes = null)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            ThrowHelper.Argument(nameof(id), string.Create(CultureInfo.InvariantCulture,
                $"An event of customer '{customerId}' at {timestamp:O} has no id; give every event an id that is unique within its customer's history (it is how replays are recognised)."));
        }

        if (string.IsNullOrWhiteSpace(customerId))
        {
            ThrowHelper.Argument(nameof(customerId), string.Create(CultureInfo.InvariantCulture, $"Event '{id}' has no customer id; every event belongs to one customer."));
        }

        if (timestamp == default)
        {
            ThrowHelper.Argument(nameof(timestamp), string.Create(CultureInfo.InvariantCulture,
                $"Event '{id}' of customer '{customerId}' has no timestamp (default value 0001-01-01); pass the instant the event happened."));
        }

        if (kind.IsDefault)
        {
            ThrowHelper.Argument(nameof(kind), string.Create(CultureInfo.InvariantCulture,
                $"Event '{id}' has no kind (default EventKind); use a built-in kind such as EventKind.Purchase or EventKind.Custom(\"name\")."));
        }

        if (amount is { } a && a < 0)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(amount), a, string.Create(CultureInfo.InvariantCulture, $"(event '{id}', {kind.Name}) must be zero or positive"),
                "record refunds as a refund event with a positive amount");
        }

        if ((kind == EventKind.Purchase || kind == EventKind.Refund) && amount is null)
        {
            ThrowHelper.Argument(nameof(amount), string.Create(CultureInfo.InvariantCulture,
                $"Event '{id}' is a {kind.Name} without an amount; pass the amount (0 for a free order)."));
        }

        if (score is { } s)
        {
            if (!double.IsFinite(s))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(score), s, string.Create(CultureInfo.InvariantCulture, $"(event '{id}', {kind.Name}) must be a finite number (not NaN or infinity)"),
                    "leave the score empty when there is none");
            }

            if (kind == EventKind.NpsResponse && (s < 0 || s > 10 || s != Math.Floor(s)))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(score), s, string.Create(CultureInfo.InvariantCulture, $"(event '{id}', nps_response) must be a whole number from 0 to 10"),
                    "NPS answers are on the 0–10 scale; rescale or drop the answer");
            }

            if (kind == EventKind.CsatResponse && (s < 1 || s > 5 || s != Math.Floor(s)))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(score), s, string.Create(CultureInfo.InvariantCulture, $"(event '{id}', csat_response) must be a whole number from 1 to 5"),
                    "CSAT answers are on the 1–5 scale; rescale or drop the answer");
            }
        }
        else if (kind == EventKind.NpsResponse || kind == EventKind.CsatResponse)
        {
            ThrowHelper.Argument(nameof(score), string.Create(CultureInfo.InvariantCulture, $"Event '{id}' is a {kind.Name} without a score; pass the answer given."));
        }

        Id = id;
        CustomerId = customerId;
        Timestamp = timestamp;
        Kind = kind;
        Amount = amount;
        Score = score;
        Attributes = attributes is null || attributes.Count == 0 ? NoAttributes : new Dictionary<string, string>(attributes, StringComparer.Ordinal).AsReadOnly();
    }

    /// <summary>Gets the event id (unique within the customer's history).</summary>
    public string Id { get; }

    /// <summary>Gets the customer id.</summary>
    public string CustomerId { get; }

    /// <summary>Gets when the event happened.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Gets the kind of event.</summary>
    public EventKind Kind { get; }

    /// <summary>Gets the money involved, if any (purchases and refunds always have one).</summary>
    public decimal? Amount { get; }

    /// <summary>Gets the survey score, if any (NPS and CSAT responses always have one).</summary>
    public double? Score { get; }

    /// <summary>Gets the free-form attributes (empty when none were given).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; }

    /// <summary>Creates a touch event.</summary>
    /// <param name="id">Event id.</param>
    /// <param name="customerId">Customer id.</param>
    /// <param name="timestamp">When.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">See the constructor.</exception>
    public static LifecycleEvent Touch(string id, string customerId, DateTimeOffset timestamp) => new(id, customerId, timestamp, EventKind.Touch);

    /// <summary>Creates a lead-captured event.</summary>
    /// <param name="id">Event id.</param>
    /// <param name="customerId">Customer id.</param>
    /// <param name="timestamp">When.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">See the constructor.</exception>
    public static LifecycleEvent Lead(string id, string customerId, DateTimeOffset timestamp) => new(id, customerId, timestamp, EventKind.LeadCaptured);

    /// <summary>Creates a purchase event.</summary>
    /// <param name="id">Event id.</param>
    /// <param name="customerId">Customer id.</param>
    /// <param name="timestamp">When.</param>
    /// <param name="amount">Order value, &gt;= 0.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">See the constructor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative amount.</exception>
    public static LifecycleEvent Purchase(string id, string customerId, DateTimeOffset timestamp, decimal amount) => new(id, customerId, timestamp, EventKind.Purchase, amount);

    /// <summary>Creates an NPS response event.</summary>
    /// <param name="id">Event id.</param>
    /// <param name="customerId">Customer id.</param>
    /// <param name="timestamp">When.</param>
    /// <param name="score">Whole score 0–10.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">See the constructor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A score outside 0–10, fractional or NaN.</exception>
    public static LifecycleEvent Nps(string id, string customerId, DateTimeOffset timestamp, double score) => new(id, customerId, timestamp, EventKind.NpsResponse, score: score);

    /// <summary>Creates a CSAT response event.</summary>
    /// <param name="id">Event id.</param>
    /// <param name="customerId">Customer id.</param>
    /// <param name="timestamp">When.</param>
    /// <param name="score">Whole score 1–5.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">See the constructor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A score outside 1–5, fractional or NaN.</exception>
    public static LifecycleEvent Csat(string id, string customerId, DateTimeOffset timestamp, double score) => new(id, customerId, timestamp, EventKind.CsatResponse, score: score);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Id} {CustomerId} {Timestamp:O} {Kind.Name}");

    internal bool SameContent(LifecycleEvent other) =>
        Timestamp == other.Timestamp && Kind == other.Kind && Amount == other.Amount && Score == other.Score
        && string.Equals(CustomerId, other.CustomerId, StringComparison.Ordinal);
}
