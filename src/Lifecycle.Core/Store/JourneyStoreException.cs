namespace Lifecycle.Store;

/// <summary>Thrown when a journey store cannot be opened or used: not a store, a newer schema, or a broken connection.</summary>
public sealed class JourneyStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JourneyStoreException()
    {
    }

    /// <summary>Creates the exception with a message that names the store, the problem and the fix.</summary>
    /// <param name="message">The message.</param>
    public JourneyStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public JourneyStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
