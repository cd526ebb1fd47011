namespace Flotilla.Scheduler;

/// <summary>
/// Scheduling cannot go on for this placement — a malformed selector, a property value that is not a quantity — so
/// the cycle stops without deciding anything (upstream's internal error). The message says what is wrong.
/// </summary>
public sealed class SchedulingException : Exception
{
    public SchedulingException(string message) : base(message)
    {
    }

    public SchedulingException(string message, Exception inner) : base(message, inner)
    {
    }

    public SchedulingException()
    {
    }
}
