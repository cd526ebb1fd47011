using System.Security.Cryptography;
using System.Text;

namespace Flotilla.Member.Work;

/// <summary>
/// When to process a Work again (placement spec §5.9). Every Work is re-processed periodically (that is how drift is
/// found and corrected), quickly while its results are still moving and ever more slowly while they stay the same:
/// <list type="number">
/// <item>the first <c>attemptsWithFixedDelay</c> requeues wait the fixed delay (an app gets a moment to start);</item>
/// <item>the next waits the initial slow delay, and each later one the previous delay × the slow base, while that
/// stays within the slow cap;</item>
/// <item>then each waits the previous delay × the fast base, up to the fast cap, forever. A Work that is already
/// Available (or DiffReported) skips the slow stage when <c>skipToFast</c> is set.</item>
/// </list>
/// A new Work generation or a change in the processing results starts the sequence over. Delays are computed in
/// nanoseconds with truncation, as upstream's <c>time.Duration</c> arithmetic does, then returned with
/// <see cref="TimeSpan"/>'s 100 ns resolution. Thread-safe: reconciles of different Works call it concurrently.
/// </summary>
internal sealed class ReprocessBackoff
{
    // The delay stops growing long before this many requeues (193 with the most extreme allowed settings), so the
    // counter need not grow further.
    private const int MaxTrackedRequeues = 200;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, State> _states = new(StringComparer.Ordinal);
    private readonly int _attemptsWithFixedDelay;
    private readonly long _fixedDelayNs;
    private readonly double _slowBase;
    private readonly long _initialSlowDelayNs;
    private readonly long _maxSlowDelayNs;
    private readonly double _fastBase;
    private readonly long _maxFastDelayNs;
    private readonly bool _skipToFast;

    /// <summary>
    /// A backoff with the member agent's flag values (defaults are upstream's). Throws
    /// <see cref="ArgumentOutOfRangeException"/> for values outside the flags' ranges or out of order (the initial slow
    /// delay must not exceed the slow cap, nor the slow cap the fast cap; the slow base must not exceed the fast base).
    /// </summary>
    public ReprocessBackoff(
        int attemptsWithFixedDelay = 1,
        TimeSpan? fixedDelay = null,
        double exponentialBaseForSlowBackoff = 1.2,
        TimeSpan? initialSlowBackoffDelay = null,
        TimeSpan? maxSlowBackoffDelay = null,
        double exponentialBaseForFastBackoff = 1.5,
        TimeSpan? maxFastBackoffDelay = null,
        bool skipToFastBackoffForAvailableOrDiffReportedWorkObjs = true)
    {
        var fixedDelayValue = fixedDelay ?? TimeSpan.FromSeconds(5);
        var initialSlow = initialSlowBackoffDelay ?? TimeSpan.FromSeconds(2);
        var maxSlow = maxSlowBackoffDelay ?? TimeSpan.FromSeconds(15);
        var maxFast = maxFastBackoffDelay ?? TimeSpan.FromSeconds(900);
        Require(attemptsWithFixedDelay is >= 1 and <= 40, nameof(attemptsWithFixedDelay), "must be in [1, 40]");
        Require(fixedDelayValue >= TimeSpan.FromSeconds(2) && fixedDelayValue <= TimeSpan.FromSeconds(300), nameof(fixedDelay), "must be in [2s, 300s]");
        Require(exponentialBaseForSlowBackoff is >= 1.05 and <= 2, nameof(exponentialBaseForSlowBackoff), "must be in [1.05, 2]");
        Require(exponentialBaseForFastBackoff is > 1 and <= 2, nameof(exponentialBaseForFastBackoff), "must be in (1, 2]");
        Require(exponentialBaseForSlowBackoff <= exponentialBaseForFastBackoff, nameof(exponentialBaseForSlowBackoff), "must not exceed the fast backoff base");
        Require(initialSlow >= TimeSpan.FromSeconds(2), nameof(initialSlowBackoffDelay), "must be at least 2s");
        Require(initialSlow <= maxSlow, nameof(initialSlowBackoffDelay), "must not exceed the max slow backoff delay");
        Require(maxSlow <= maxFast, nameof(maxSlowBackoffDelay), "must not exceed the max fast backoff delay");
        Require(maxFast > TimeSpan.Zero && maxFast <= TimeSpan.FromSeconds(3600), nameof(maxFastBackoffDelay), "must be in (0s, 3600s]");

        _attemptsWithFixedDelay = attemptsWithFixedDelay;
        _fixedDelayNs = Nanoseconds(fixedDelayValue);
        _slowBase = exponentialBaseForSlowBackoff;
        _initialSlowDelayNs = Nanoseconds(initialSlow);
        _maxSlowDelayNs = Nanoseconds(maxSlow);
        _fastBase = exponentialBaseForFastBackoff;
        _maxFastDelayNs = Nanoseconds(maxFast);
        _skipToFast = skipToFastBackoffForAvailableOrDiffReportedWorkObjs;
    }

    /// <summary>
    /// The delay before processing <paramref name="workKey"/> (namespace/name) again, after a pass over
    /// <paramref name="generation"/> whose results hash to <paramref name="resultsHash"/> (see
    /// <see cref="ResultsHash"/>). <paramref name="availableOrDiffReported"/>: the Work's Available or DiffReported
    /// condition is True at its generation.
    /// </summary>
    public TimeSpan Next(string workKey, long generation, string resultsHash, bool availableOrDiffReported)
    {
        lock (_lock)
        {
            if (!_states.TryGetValue(workKey, out var state))
            {
                state = new State();
                _states[workKey] = state;
            }
            if (state.Generation != generation || state.ResultsHash != resultsHash)
            {
                state.Requeues = 0;
                state.LastDelayNs = 0;
            }
            state.Generation = generation;
            state.ResultsHash = resultsHash;

            var last = state.LastDelayNs;
            long delay;
            if (state.Requeues < _attemptsWithFixedDelay)
            {
                delay = _fixedDelayNs;
            }
            else if (state.Requeues == _attemptsWithFixedDelay)
            {
                delay = _initialSlowDelayNs;
            }
            else if (last >= _maxFastDelayNs)
            {
                delay = _maxFastDelayNs;
            }
            else if ((_skipToFast && availableOrDiffReported) || last >= _maxSlowDelayNs)
            {
                delay = Multiply(last, _fastBase);
            }
            else
            {
                delay = Multiply(last, _slowBase);
                if (delay > _maxSlowDelayNs)
                {
                    // One more slow step would break the slow cap: switch to the fast stage from here.
                    delay = Multiply(last, _fastBase);
                }
            }
            delay = Math.Min(delay, _maxFastDelayNs);

            if (state.Requeues + 1 < MaxTrackedRequeues)
            {
                state.Requeues++;
            }
            state.LastDelayNs = delay;
            return TimeSpan.FromTicks(delay / 100);
        }
    }

    /// <summary>Stops tracking a Work (deleted, or left the fleet); its next <see cref="Next"/> starts over.</summary>
    public void Forget(string workKey)
    {
        lock (_lock)
        {
            _states.Remove(workKey);
        }
    }

    /// <summary>
    /// The hash of a pass's results that <see cref="Next"/> compares: per manifest, in order, the apply (or, in
    /// ReportDiff mode, diff) result and the availability result. Errors and details are left out on purpose: a
    /// failure whose message changes is still the same failure, and should keep backing off.
    /// </summary>
    public static string ResultsHash(IReadOnlyList<ManifestOutcome> outcomes)
    {
        var text = new StringBuilder();
        foreach (var outcome in outcomes)
        {
            text.Append(outcome.Diff?.ToString() ?? outcome.Apply?.ToString() ?? "").Append(',')
                .Append(outcome.Availability.ToString()).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    // Go's time.Duration(float64(d) * base): the product truncated toward zero.
    private static long Multiply(long nanoseconds, double factor) => (long)(nanoseconds * factor);

    private static long Nanoseconds(TimeSpan span) => span.Ticks * 100;

    private static void Require(bool valid, string parameter, string rule)
    {
        if (!valid)
        {
            throw new ArgumentOutOfRangeException(parameter, $"{parameter} {rule}");
        }
    }

    private sealed class State
    {
        public long Generation;
        public string ResultsHash = "";
        public int Requeues;
        public long LastDelayNs;
    }
}
