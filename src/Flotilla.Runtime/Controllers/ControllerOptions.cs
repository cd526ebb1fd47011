using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flotilla.Runtime.Controllers;

/// <summary>How a <see cref="Controller{TKey}"/> runs. One instance may be shared by many controllers.</summary>
public sealed class ControllerOptions
{
    /// <summary>How many keys are reconciled at once (never the same key twice). At least 1; default 1.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>
    /// How long stopping waits for in-flight reconciles before cancelling them; default 30 seconds. The stop's
    /// own cancellation token ends the wait sooner.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for delays, backoff, the shutdown timeout and durations; default the system's.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the controller logs (category <c>Flotilla.Runtime.Controllers.Controller</c>); default none.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Workers, 1, nameof(Workers));
        if (ShutdownTimeout < TimeSpan.Zero && ShutdownTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(ShutdownTimeout), ShutdownTimeout, "Must be zero or positive, or Timeout.InfiniteTimeSpan.");
        }
        ArgumentNullException.ThrowIfNull(Time, nameof(Time));
        ArgumentNullException.ThrowIfNull(LoggerFactory, nameof(LoggerFactory));
    }
}
