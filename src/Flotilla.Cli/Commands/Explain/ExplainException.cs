namespace Flotilla.Cli.Commands.Explain;

/// <summary>
/// <c>flotilla explain</c> cannot answer: a bad manifest, a missing placement, an unreachable hub. The message is
/// printed as is (it names the file, field or object and says what to do) and the command exits with 1.
/// </summary>
internal sealed class ExplainException : Exception
{
    public ExplainException(string message)
        : base(message)
    {
    }

    public ExplainException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ExplainException()
    {
    }
}
