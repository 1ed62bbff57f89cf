namespace Lifecycle;

/// <summary>One purchase (or refund) by one customer at one instant.</summary>
/// <typeparam name="TKey">The customer identifier type; compared with <see cref="IEquatable{T}"/>, never boxed.</typeparam>
/// <param name="CustomerId">The customer who transacted. Must not be <c>null</c> (strings must not be empty).</param>
/// <param name="Timestamp">When the transaction happened.</param>
/// <param name="Amount">The monetary value. Negative amounts are refunds; how they are treated is set by <see cref="SummarizerOptions.Refunds"/>.</param>
/// <remarks><c>default</c> has a default customer id, the year-1 timestamp and a zero amount; it is a valid value only when <typeparamref name="TKey"/>'s default is a valid id.</remarks>
public readonly record struct Transaction<TKey>(TKey CustomerId, DateTimeOffset Timestamp, decimal Amount)
    where TKey : notnull, IEquatable<TKey>;
