using System.Globalization;

namespace Lifecycle.Stages;

/// <summary>Thrown by <see cref="StageModelBuilder.Build"/> when the model has problems; lists every problem at once.</summary>
public sealed class StageModelException : Exception
{
    /// <summary>Creates the exception with no problems listed.</summary>
    public StageModelException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public StageModelException(string message)
        : base(message)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StageModelException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception for a list of problems.</summary>
    /// <param name="problems">Every problem found, each naming the item and the fix.</param>
    public StageModelException(IReadOnlyList<string> problems)
        : base(Format(problems))
    {
        Problems = problems;
    }

    /// <summary>Gets every problem found, each naming the item and the fix.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(IReadOnlyList<string> problems) =>
        string.Create(CultureInfo.InvariantCulture, $"The stage model has {problems.Count} problem(s):") + string.Concat(problems.Select(p => Environment.NewLine + " - " + p));
}

/// <summary>Thrown when an event is older than what a customer's state already reflects and the engine's <see cref="OutOfOrderPolicy"/> is <see cref="OutOfOrderPolicy.Reject"/>.</summary>
public sealed class OutOfOrderEventException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OutOfOrderEventException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public OutOfOrderEventException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public OutOfOrderEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the id of the rejected event.</summary>
    public string? EventId { get; init; }

    /// <summary>Gets the customer of the rejected event.</summary>
    public string? CustomerId { get; init; }

    /// <summary>Gets the timestamp of the rejected event.</summary>
    public DateTimeOffset EventTimestamp { get; init; }

    /// <summary>Gets the instant the customer's state already reflects.</summary>
    public DateTimeOffset StateAsOf { get; init; }
}
