namespace Flotilla.ApiServer.Printing;

/// <summary>
/// Ages as kubectl shows them (upstream <c>duration.HumanDuration</c>): two to three significant figures, finer
/// units only while they still matter — <c>45s</c>, <c>3m12s</c>, <c>42m</c>, <c>5h7m</c>, <c>30h</c>, <c>3d4h</c>,
/// <c>120d</c>, <c>2y30d</c>, <c>9y</c>. A year is 365 days.
/// </summary>
internal static class HumanDuration
{
    /// <summary>What a missing timestamp prints as.</summary>
    public const string Unknown = "<unknown>";

    /// <summary>Formats <paramref name="duration"/>; up to 2 seconds in the future is clock skew and prints <c>0s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        // Integer division truncates toward zero, which is what Go's int(d.Seconds()) does: -1.9s is -1, so "0s".
        var seconds = duration.Ticks / TimeSpan.TicksPerSecond;
        if (seconds < -1)
        {
            return "<invalid>";
        }
        if (seconds < 0)
        {
            return "0s";
        }
        if (seconds < 60 * 2)
        {
            return $"{seconds}s";
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }
        if (minutes < 60 * 3)
        {
            return $"{minutes}m";
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }
        if (hours < 48)
        {
            return $"{hours}h";
        }

        var days = hours / 24;
        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? $"{days}d" : $"{days}d{h}h";
        }
        if (hours < 24 * 365 * 2)
        {
            return $"{days}d";
        }

        var years = days / 365;
        if (hours < 24 * 365 * 8)
        {
            var d = days % 365;
            return d == 0 ? $"{years}y" : $"{years}y{d}d";
        }
        return $"{years}y";
    }

    /// <summary>The age of <paramref name="timestamp"/> at <paramref name="now"/>, or <c>&lt;unknown&gt;</c> when absent.</summary>
    public static string Since(DateTimeOffset? timestamp, DateTimeOffset now) =>
        timestamp is { } t ? Format(now - t) : Unknown;
}
