using System.Text.RegularExpressions;
using Flotilla.Api.Placement;

namespace Flotilla.Hub.Placement.Resources;

/// <summary>
/// Which API kinds the hub may select for propagation (placement spec §1.3.2 "Default disabled APIs"): a block list
/// (the built-in defaults plus <c>--skipped-propagating-apis</c>) or, with <c>--allowed-propagating-apis</c>, an
/// allow list that replaces the defaults entirely.
/// </summary>
internal sealed partial class ApiResourceConfig
{
    /// <summary>Groups never propagated by default: fleet's own cluster API, and per-cluster telemetry and leases.</summary>
    internal static readonly IReadOnlyList<string> DefaultDisabledGroups =
        ["cluster.kubernetes-fleet.io", "events.k8s.io", "coordination.k8s.io", "metrics.k8s.io"];

    /// <summary>
    /// Kinds never propagated by default, as (group, kind) — matched at every version. Core <c>Event</c> is a
    /// deliberate addition: upstream blocks only <c>events.k8s.io</c>, yet a core Event is the same object through the
    /// older API; it describes something that happened on the hub and means nothing on a member (the spec suggests it).
    /// </summary>
    internal static readonly IReadOnlyList<(string Group, string Kind)> DefaultDisabledKinds =
    [
        ("", "Pod"), ("", "Node"), ("", "Event"),
        ("networking.fleet.azure.com", "ServiceImport"),
        ("networking.fleet.azure.com", "TrafficManagerProfile"),
        ("networking.fleet.azure.com", "TrafficManagerBackend"),
        .. new[]
        {
            "ClusterResourcePlacement", "ResourcePlacement", "ClusterResourceBinding", "ResourceBinding",
            "ClusterResourceSnapshot", "ResourceSnapshot", "ClusterSchedulingPolicySnapshot", "SchedulingPolicySnapshot",
            "Work", "ClusterStagedUpdateRun", "ClusterStagedUpdateStrategy", "ClusterApprovalRequest", "StagedUpdateRun",
            "StagedUpdateStrategy", "ApprovalRequest", "ClusterResourcePlacementEviction",
            "ClusterResourcePlacementDisruptionBudget", "ClusterResourceOverride", "ClusterResourceOverrideSnapshot",
            "ResourceOverride", "ResourceOverrideSnapshot", "ClusterResourcePlacementStatus",
        }.Select(kind => (PlacementApi.Group, kind)),
    ];

    private readonly HashSet<string> _groups = new(StringComparer.Ordinal);
    private readonly HashSet<(string Group, string Version)> _groupVersions = [];
    private readonly HashSet<(string Group, string Version, string Kind)> _kinds = [];

    // Default kinds match at any version, which a token cannot express ("GROUP/VERSION/KIND" names one version).
    private readonly HashSet<(string Group, string Kind)> _anyVersionKinds = [];

    private ApiResourceConfig(bool isAllowList) => IsAllowList = isAllowList;

    /// <summary>True when only the listed APIs propagate; false when the listed APIs are the ones blocked.</summary>
    public bool IsAllowList { get; }

    /// <summary>The default block list with nothing added.</summary>
    public static ApiResourceConfig Default() => Parse(null, null).Config!;

    /// <summary>
    /// Builds the config from the two hub flags (null or blank = not given). They are mutually exclusive. The error
    /// is null on success and names the flag and the offending token otherwise.
    /// </summary>
    public static (ApiResourceConfig? Config, string? Error) Parse(string? skippedApis, string? allowedApis)
    {
        var skipped = !string.IsNullOrWhiteSpace(skippedApis);
        var allowed = !string.IsNullOrWhiteSpace(allowedApis);
        if (skipped && allowed)
        {
            return (null, "--skipped-propagating-apis and --allowed-propagating-apis are mutually exclusive; set only one");
        }
        var config = new ApiResourceConfig(isAllowList: allowed);
        if (!allowed)
        {
            config._groups.UnionWith(DefaultDisabledGroups);
            config._anyVersionKinds.UnionWith(DefaultDisabledKinds);
        }
        var (flag, value) = allowed ? ("--allowed-propagating-apis", allowedApis) : ("--skipped-propagating-apis", skippedApis);
        foreach (var token in (value ?? "").Split(';', StringSplitOptions.TrimEntries))
        {
            // A trailing or doubled ';' is harmless; anything else must be well formed.
            if (token.Length == 0)
            {
                continue;
            }
            var error = config.Add(token);
            if (error is not null)
            {
                return (null, $"invalid {flag} token \"{token}\": {error}");
            }
        }
        return (config, null);
    }

    /// <summary>Whether the kind may not be selected for propagation.</summary>
    public bool IsDisabled(string group, string version, string kind)
    {
        var listed = _groups.Contains(group)
            || _groupVersions.Contains((group, version))
            || _kinds.Contains((group, version, kind))
            || _anyVersionKinds.Contains((group, kind));
        return IsAllowList ? !listed : listed;
    }

    // Token forms: GROUP, GROUP/VERSION, GROUP/VERSION/KIND[,KIND...]; for the core group VERSION and VERSION/KIND[,KIND...].
    // A lone segment or a two-segment token is read as core when its first segment is a version ("v1", "v1beta1"):
    // no API group is named like a version, since real groups are DNS subdomains such as "apps" or "x.io".
    private string? Add(string token)
    {
        var parts = token.Split('/');
        if (parts.Length > 3)
        {
            return "expected GROUP, GROUP/VERSION, GROUP/VERSION/KIND[,KIND...], VERSION or VERSION/KIND[,KIND...]";
        }
        if (parts.Any(p => p.Length == 0))
        {
            return "empty segment (for the core group write VERSION or VERSION/KIND, e.g. v1/ConfigMap)";
        }
        switch (parts.Length)
        {
            case 1 when IsVersion(parts[0]):
                _groupVersions.Add(("", parts[0]));
                return null;
            case 1:
                if (!IsGroup(parts[0]))
                {
                    return $"\"{parts[0]}\" is neither an API group (a DNS subdomain) nor a version such as v1";
                }
                _groups.Add(parts[0]);
                return null;
            case 2 when IsVersion(parts[0]):
                return AddKinds("", parts[0], parts[1]);
            case 2:
                if (!IsGroup(parts[0]))
                {
                    return $"\"{parts[0]}\" is not an API group (a DNS subdomain)";
                }
                if (!IsVersion(parts[1]))
                {
                    return $"\"{parts[1]}\" is not an API version such as v1 or v1beta1";
                }
                _groupVersions.Add((parts[0], parts[1]));
                return null;
            default:
                if (!IsGroup(parts[0]))
                {
                    return $"\"{parts[0]}\" is not an API group (a DNS subdomain)";
                }
                if (!IsVersion(parts[1]))
                {
                    return $"\"{parts[1]}\" is not an API version such as v1 or v1beta1";
                }
                return AddKinds(parts[0], parts[1], parts[2]);
        }
    }

    private string? AddKinds(string group, string version, string kinds)
    {
        var list = kinds.Split(',', StringSplitOptions.TrimEntries);
        if (list.FirstOrDefault(k => !IsKind(k)) is { } bad)
        {
            return bad.Length == 0 ? "empty kind in the kind list" : $"\"{bad}\" is not a kind (letters and digits, starting with a letter)";
        }
        foreach (var kind in list)
        {
            _kinds.Add((group, version, kind));
        }
        return null;
    }

    private static bool IsVersion(string s) => VersionPattern().IsMatch(s);

    private static bool IsGroup(string s) => s.Length <= 253 && GroupPattern().IsMatch(s);

    private static bool IsKind(string s) => KindPattern().IsMatch(s);

    [GeneratedRegex(@"^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex GroupPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*$")]
    private static partial Regex KindPattern();
}
