using System.Globalization;

namespace Lifecycle.Engagement;

/// <summary>Thrown by <see cref="PlaybookBuilder.Build"/> when the playbook has problems; lists every problem at once.</summary>
public sealed class PlaybookException : Exception
{
    /// <summary>Creates the exception with no problems listed.</summary>
    public PlaybookException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public PlaybookException(string message)
        : base(message)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PlaybookException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception for a list of problems.</summary>
    /// <param name="problems">Every problem found, each naming the rule, the value and the fix.</param>
    public PlaybookException(IReadOnlyList<string> problems)
        : base(Format(problems))
    {
        Problems = problems;
    }

    /// <summary>Gets every problem found.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(IReadOnlyList<string> problems) =>
        string.Create(CultureInfo.InvariantCulture, $"The playbook has {problems.Count} problem(s):") + string.Concat(problems.Select(p => Environment.NewLine + " - " + p));
}
