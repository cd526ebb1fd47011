namespace Flotilla.Scheduler.Framework;

/// <summary>What a plugin says about a stage or a cluster (placement spec §3.3).</summary>
public enum StatusCode
{
    Success,
    InternalError,
    ClusterUnschedulable,
    ClusterAlreadySelected,
    Skip,
}

/// <summary>
/// A plugin's verdict. Expected outcomes are values, not exceptions: a cluster that does not fit is
/// <see cref="StatusCode.ClusterUnschedulable"/> with the reason users see in the decision list.
/// </summary>
public sealed class PluginStatus
{
    /// <summary>The shared success value; plugins may also return null for success.</summary>
    public static readonly PluginStatus Success = new(StatusCode.Success, "", null, []);

    private PluginStatus(StatusCode code, string plugin, string? error, IReadOnlyList<string> reasons)
    {
        Code = code;
        Plugin = plugin;
        Error = error;
        Reasons = reasons;
    }

    public StatusCode Code { get; }

    /// <summary>The plugin that returned it.</summary>
    public string Plugin { get; }

    /// <summary>The error text of an internal error.</summary>
    public string? Error { get; }

    public IReadOnlyList<string> Reasons { get; }

    public bool IsSuccess => Code == StatusCode.Success;

    public static PluginStatus Unschedulable(string plugin, string reason) => new(StatusCode.ClusterUnschedulable, plugin, null, [reason]);

    public static PluginStatus AlreadySelected(string plugin, string reason) => new(StatusCode.ClusterAlreadySelected, plugin, null, [reason]);

    public static PluginStatus Skip(string plugin, string reason) => new(StatusCode.Skip, plugin, null, [reason]);

    public static PluginStatus Internal(string plugin, string error) => new(StatusCode.InternalError, plugin, error, []);

    /// <summary>
    /// Upstream's <c>Status.String()</c>: the code's name, then the error text, then the reasons, joined by ", " —
    /// e.g. "ClusterUnschedulable, cluster does not match with any of the required cluster affinity terms".
    /// </summary>
    public override string ToString()
    {
        var parts = new List<string>(2 + Reasons.Count) { Code.ToString() };
        if (Error is not null)
        {
            parts.Add(Error);
        }
        parts.AddRange(Reasons);
        return string.Join(", ", parts);
    }
}
