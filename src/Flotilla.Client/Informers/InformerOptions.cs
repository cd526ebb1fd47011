using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flotilla.Client.Informers;

/// <summary>Tuning of the informers of a <see cref="SharedInformerFactory"/>: resync, watch timeouts, the watchdog, backoff, clock and logging.</summary>
public sealed class InformerOptions
{
    /// <summary>
    /// How often every cached object is delivered again to every handler as an update whose old and new objects are
    /// the same (a level-triggered controller re-reconciles everything). <see cref="TimeSpan.Zero"/> (the default)
    /// turns it off. Resync does not contact the server.
    /// </summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// The shortest <c>timeoutSeconds</c> asked of a watch. Each watch asks for a random value between this and
    /// twice this (5 to 10 minutes by default, as client-go's reflector does), so that many clients' watches do not
    /// all end, and come back, at once.
    /// </summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The watchdog: a watch that delivers no event and no bookmark for this long is abandoned and started again
    /// from the last resourceVersion seen (a half-open connection or a stuck proxy otherwise stalls the informer
    /// silently). Servers send a bookmark about once a minute, so the default of 3 minutes only restarts watches
    /// that are truly silent. <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan WatchIdleTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>The backoff after the first failed list or watch; it doubles per consecutive failure, with jitter.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);

    /// <summary>The longest backoff between attempts.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Objects per page of the (re-)list; the pages are served from one snapshot.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>The clock for resync, the watchdog and backoff.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where informers log (category <c>Flotilla.Client.Informers</c>).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    internal InformerOptions Validated()
    {
        if (ResyncPeriod < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ResyncPeriod), ResyncPeriod, $"{nameof(ResyncPeriod)} must be zero (off) or positive.");
        }
        if (MinWatchTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinWatchTimeout), MinWatchTimeout, $"{nameof(MinWatchTimeout)} must be at least one second (timeoutSeconds is whole seconds).");
        }
        if (WatchIdleTimeout <= TimeSpan.Zero && WatchIdleTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(WatchIdleTimeout), WatchIdleTimeout, $"{nameof(WatchIdleTimeout)} must be positive, or Timeout.InfiniteTimeSpan for no watchdog.");
        }
        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBackoff), MaxBackoff, $"{nameof(InitialBackoff)} must be positive and {nameof(MaxBackoff)} at least {nameof(InitialBackoff)}.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(PageSize, 1, nameof(PageSize));
        ArgumentNullException.ThrowIfNull(Time, nameof(Time));
        ArgumentNullException.ThrowIfNull(LoggerFactory, nameof(LoggerFactory));
        return this;
    }
}
